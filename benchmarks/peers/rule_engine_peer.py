"""The 21 rules in zeroSteiner/rule-engine: one ``Rule`` per applicability and per condition.

rule-engine evaluates a typed expression language over a dict (numbers as ``Decimal``); a rule is
fired when its applicability (if any) and its condition match, not applicable when the
applicability does not match, passed otherwise.
"""

from __future__ import annotations

import rule_engine

UG = "mine_type == 'underground'"
OUTBURST = f"{UG} and mine_gas_class == 'outburst'"
GASSY = f"{UG} and mine_gas_class in ['high', 'outburst']"

RULES = [  # (applies or None, when), in RULE_IDS order
    (None, "annual_output_t > approved_capacity_t * 110 / 100 or (mine_type == 'underground' and "
           "max_quarter_output_t > approved_capacity_t * 30 / 100)"),
    (None, "producing_levels_count > 2 or district_face_count_over_limit"),
    (UG, "(return_airflow_ch4_pct >= 1.0 or return_airflow_co2_pct >= 1.5) and return_overlimit_not_handled"),
    (UG, "workplace_ch4_pct >= 1.0 and electrical_work_not_stopped"),
    (UG, "blast_point_ch4_pct >= 1.0 and blasting_carried_out"),
    (UG, "(workplace_ch4_pct >= 1.5 or motor_20m_ch4_pct >= 1.5) and ch4_1_5_response_missing"),
    (UG, "accumulation_volume_m3 > 0.5 and accumulation_ch4_pct >= 2.0 and accumulation_not_handled"),
    (UG, "(stopped_zone_ch4_pct > 3.0 or stopped_zone_co2_pct > 3.0) and ventilation_restored_without_approved_plan"),
    (UG, "discharge_path_not_cleared or discharge_junction_ch4_pct > 1.5 or discharge_junction_co2_pct > 1.5"),
    (UG, "face_ch4_peak_pct >= 3.0 and face_ch4_3pct_duration_min > 10 and face_ch4_3pct_cause == 'gas_control'"),
    (f"{UG} and (mine_gas_class == 'outburst' or gas_drainage_required) and mine_abs_gas_emission_m3_min < 20",
     "mine_gas_drainage_rate_pct < 25"),
    (OUTBURST, "adjacent_outburst_seam_distance_m < 5 and adjacent_outburst_seam_thickness_m > 0.3 and adjacent_seam_cover_short"),
    (GASSY, "no_standby_drainage_pump or standby_pump_capacity_m3_min < largest_running_pump_capacity_m3_min"),
    (GASSY, "running_pumps_installed_capacity_m3_min < compliance_drainage_flow_m3_min * 2"),
    (f"{UG} and inclined_longwall_layout", "gate_roads_being_driven and main_roadway_lead_sections < 2"),
    (f"{UG} and mine_stage == 'construction'",
     "no_full_pressure_ventilation and (construction_phase == '3' or (construction_phase == '2' and "
     "mine_gas_class in ['high', 'outburst']))"),
    (UG, "stopped_heading_not_ventilated and (holing_gap_m <= 20 or (holing_heading_kind == 'fully_mechanised' and holing_gap_m <= 50))"),
    (None, "mining_outside_licence_coordinates or lowest_mining_elevation_m < licence_min_elevation_m or "
           "highest_mining_elevation_m > licence_max_elevation_m"),
    (None, "(casing_strict_case and casing_length_m < 10) or casing_not_in_approved_design"),
    ("probing_vertical_structure", "vertical_structure_single_method or floor_probe_holes_count < 3 or vertical_structure_design_unapproved"),
    ("barrier_pillar_reduced", "pillar_reduction_hole_spacing_m > 500 or aquifer_control_holes_count < 2 or aquifer_conditions_not_identified"),
]

_COMPILED = [(rule_engine.Rule(a) if a else None, rule_engine.Rule(w)) for a, w in RULES]


def judge(facts: dict) -> tuple:
    out = []
    for applies, when in _COMPILED:
        if applies is not None and not applies.matches(facts):
            out.append(3)
        else:
            out.append(1 if when.matches(facts) else 0)
    return tuple(out)
