"""The 21 rules in durable_rules (jruizgit/rules): one Rete rule per "fired" and per "not applicable".

Each record is asserted as a fact, the matching actions note the statuses, and the fact is
retracted (an *event* would fire only the first matching rule; see supervision/durable_host.py for
the traps). durable has no ``not``, so each "not applicable" condition is written out by hand.
"""

from __future__ import annotations

import itertools
import threading

from durable.lang import assert_fact, m, retract_fact, ruleset, when_all

from .common import RULE_IDS

_NAME = "bench_coal_peer"
_HITS: list = []
_LOCK = threading.Lock()
_IDS = itertools.count(1)

ug = m.mine_type == "underground"
not_ug = m.mine_type != "underground"
gas_hi = (m.mine_gas_class == "high") | (m.mine_gas_class == "outburst")


def _t(field):
    return field == True  # noqa: E712  (durable compares with True; `is` is not an expression)


# (fired condition, not-applicable condition or None) in RULE_IDS order
_RULES = [
    ((m.annual_output_t > m.approved_capacity_t * 110 / 100) | (ug & (m.max_quarter_output_t > m.approved_capacity_t * 30 / 100)), None),
    ((m.producing_levels_count > 2) | _t(m.district_face_count_over_limit), None),
    (ug & ((m.return_airflow_ch4_pct >= 1.0) | (m.return_airflow_co2_pct >= 1.5)) & _t(m.return_overlimit_not_handled), not_ug),
    (ug & (m.workplace_ch4_pct >= 1.0) & _t(m.electrical_work_not_stopped), not_ug),
    (ug & (m.blast_point_ch4_pct >= 1.0) & _t(m.blasting_carried_out), not_ug),
    (ug & ((m.workplace_ch4_pct >= 1.5) | (m.motor_20m_ch4_pct >= 1.5)) & _t(m.ch4_1_5_response_missing), not_ug),
    (ug & (m.accumulation_volume_m3 > 0.5) & (m.accumulation_ch4_pct >= 2.0) & _t(m.accumulation_not_handled), not_ug),
    (ug & ((m.stopped_zone_ch4_pct > 3.0) | (m.stopped_zone_co2_pct > 3.0)) & _t(m.ventilation_restored_without_approved_plan), not_ug),
    (ug & (_t(m.discharge_path_not_cleared) | (m.discharge_junction_ch4_pct > 1.5) | (m.discharge_junction_co2_pct > 1.5)), not_ug),
    (ug & (m.face_ch4_peak_pct >= 3.0) & (m.face_ch4_3pct_duration_min > 10) & (m.face_ch4_3pct_cause == "gas_control"), not_ug),
    (ug & ((m.mine_gas_class == "outburst") | _t(m.gas_drainage_required)) & (m.mine_abs_gas_emission_m3_min < 20)
     & (m.mine_gas_drainage_rate_pct < 25),
     not_ug | ((m.mine_gas_class != "outburst") & (m.gas_drainage_required == False)) | (m.mine_abs_gas_emission_m3_min >= 20)),  # noqa: E712
    (ug & (m.mine_gas_class == "outburst") & (m.adjacent_outburst_seam_distance_m < 5) & (m.adjacent_outburst_seam_thickness_m > 0.3)
     & _t(m.adjacent_seam_cover_short), not_ug | (m.mine_gas_class != "outburst")),
    (ug & gas_hi & (_t(m.no_standby_drainage_pump) | (m.standby_pump_capacity_m3_min < m.largest_running_pump_capacity_m3_min)),
     not_ug | (m.mine_gas_class == "low")),
    (ug & gas_hi & (m.running_pumps_installed_capacity_m3_min < m.compliance_drainage_flow_m3_min * 2), not_ug | (m.mine_gas_class == "low")),
    (ug & _t(m.inclined_longwall_layout) & _t(m.gate_roads_being_driven) & (m.main_roadway_lead_sections < 2),
     not_ug | (m.inclined_longwall_layout == False)),  # noqa: E712
    (ug & (m.mine_stage == "construction") & _t(m.no_full_pressure_ventilation)
     & ((m.construction_phase == "3") | ((m.construction_phase == "2") & gas_hi)), not_ug | (m.mine_stage != "construction")),
    (ug & _t(m.stopped_heading_not_ventilated) & ((m.holing_gap_m <= 20) | ((m.holing_heading_kind == "fully_mechanised") & (m.holing_gap_m <= 50))),
     not_ug),
    (_t(m.mining_outside_licence_coordinates) | (m.lowest_mining_elevation_m < m.licence_min_elevation_m)
     | (m.highest_mining_elevation_m > m.licence_max_elevation_m), None),
    ((_t(m.casing_strict_case) & (m.casing_length_m < 10)) | _t(m.casing_not_in_approved_design), None),
    (_t(m.probing_vertical_structure) & (_t(m.vertical_structure_single_method) | (m.floor_probe_holes_count < 3)
                                         | _t(m.vertical_structure_design_unapproved)), m.probing_vertical_structure == False),  # noqa: E712
    (_t(m.barrier_pillar_reduced) & ((m.pillar_reduction_hole_spacing_m > 500) | (m.aquifer_control_holes_count < 2)
                                     | _t(m.aquifer_conditions_not_identified)), m.barrier_pillar_reduced == False),  # noqa: E712
]


def _action(index: int, status: int):
    def act(c):
        _HITS.append((index, status))
    act.__name__ = f"r{index}_{status}"
    return act


with ruleset(_NAME):
    for i, (fired, na) in enumerate(_RULES):
        when_all(fired & (m.kind == "rec"))(_action(i, 1))
        if na is not None:
            when_all(na & (m.kind == "rec"))(_action(i, 3))
    when_all(+m.kind)(lambda c: None)  # every fact matches something (durable raises otherwise)


def judge(facts: dict) -> tuple:
    with _LOCK:
        _HITS.clear()
        fact = dict(facts, kind="rec", rid=next(_IDS))
        assert_fact(_NAME, dict(fact))
        retract_fact(_NAME, dict(fact))
        statuses = [0] * len(RULE_IDS)
        for i, s in _HITS:
            statuses[i] = s
    return tuple(statuses)
