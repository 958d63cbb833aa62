"""The 21 rules as plain Python if-statements: the yardstick every other engine is divided by.

Written by hand for complete records (no unknown facts), as a developer would write them inline.
Statuses in RULE_IDS order: 0 passed, 1 fired, 3 not applicable.
"""

from __future__ import annotations


def judge(f: dict) -> tuple:
    ug = f["mine_type"] == "underground"
    gas = f["mine_gas_class"]
    outburst = ug and gas == "outburst"
    gassy = ug and gas in ("high", "outburst")
    cap = f["approved_capacity_t"]
    s = []
    s.append(1 if f["annual_output_t"] > cap * 110 / 100 or (ug and f["max_quarter_output_t"] > cap * 30 / 100) else 0)
    s.append(1 if f["producing_levels_count"] > 2 or f["district_face_count_over_limit"] else 0)
    if ug:
        s.append(1 if (f["return_airflow_ch4_pct"] >= 1.0 or f["return_airflow_co2_pct"] >= 1.5) and f["return_overlimit_not_handled"] else 0)
        s.append(1 if f["workplace_ch4_pct"] >= 1.0 and f["electrical_work_not_stopped"] else 0)
        s.append(1 if f["blast_point_ch4_pct"] >= 1.0 and f["blasting_carried_out"] else 0)
        s.append(1 if (f["workplace_ch4_pct"] >= 1.5 or f["motor_20m_ch4_pct"] >= 1.5) and f["ch4_1_5_response_missing"] else 0)
        s.append(1 if f["accumulation_volume_m3"] > 0.5 and f["accumulation_ch4_pct"] >= 2.0 and f["accumulation_not_handled"] else 0)
        s.append(1 if (f["stopped_zone_ch4_pct"] > 3.0 or f["stopped_zone_co2_pct"] > 3.0)
                 and f["ventilation_restored_without_approved_plan"] else 0)
        s.append(1 if f["discharge_path_not_cleared"] or f["discharge_junction_ch4_pct"] > 1.5 or f["discharge_junction_co2_pct"] > 1.5 else 0)
        s.append(1 if f["face_ch4_peak_pct"] >= 3.0 and f["face_ch4_3pct_duration_min"] > 10
                 and f["face_ch4_3pct_cause"] == "gas_control" else 0)
    else:
        s.extend((3, 3, 3, 3, 3, 3, 3, 3))
    if ug and (gas == "outburst" or f["gas_drainage_required"]) and f["mine_abs_gas_emission_m3_min"] < 20:
        rate = f.get("mine_gas_drainage_rate_pct")  # the recorded rate wins; else the stated verdict (issue #12)
        s.append(1 if (rate < 25 if rate is not None else f.get("mine_drainage_not_met_stated")) else 0)
    else:
        s.append(3)
    if outburst:
        s.append(1 if f["adjacent_outburst_seam_distance_m"] < 5 and f["adjacent_outburst_seam_thickness_m"] > 0.3
                 and f["adjacent_seam_cover_short"] else 0)
    else:
        s.append(3)
    if gassy:
        standby, largest = f.get("standby_pump_capacity_m3_min"), f.get("largest_running_pump_capacity_m3_min")
        smaller = standby < largest if standby is not None and largest is not None else f.get("standby_pump_smaller_stated")
        s.append(1 if f["no_standby_drainage_pump"] or smaller else 0)
        s.append(1 if f["running_pumps_installed_capacity_m3_min"] < f["compliance_drainage_flow_m3_min"] * 2 else 0)
    else:
        s.extend((3, 3))
    if ug and f["inclined_longwall_layout"]:
        s.append(1 if f["gate_roads_being_driven"] and f["main_roadway_lead_sections"] < 2 else 0)
    else:
        s.append(3)
    if ug and f["mine_stage"] == "construction":
        phase = f["construction_phase"]
        s.append(1 if f["no_full_pressure_ventilation"] and (phase == "3" or (phase == "2" and gas in ("high", "outburst"))) else 0)
    else:
        s.append(3)
    if ug:
        gap = f["holing_gap_m"]
        s.append(1 if f["stopped_heading_not_ventilated"] and (gap <= 20 or (f["holing_heading_kind"] == "fully_mechanised" and gap <= 50)) else 0)
    else:
        s.append(3)
    s.append(1 if f["mining_outside_licence_coordinates"] or f["lowest_mining_elevation_m"] < f["licence_min_elevation_m"]
             or f["highest_mining_elevation_m"] > f["licence_max_elevation_m"] else 0)
    s.append(1 if (f["casing_strict_case"] and f["casing_length_m"] < 10) or f["casing_not_in_approved_design"] else 0)
    if f["probing_vertical_structure"]:
        s.append(1 if f["vertical_structure_single_method"] or f["floor_probe_holes_count"] < 3
                 or f["vertical_structure_design_unapproved"] else 0)
    else:
        s.append(3)
    if f["barrier_pillar_reduced"]:
        s.append(1 if f["pillar_reduction_hole_spacing_m"] > 500 or f["aquifer_control_holes_count"] < 2
                 or f["aquifer_conditions_not_identified"] else 0)
    else:
        s.append(3)
    return tuple(s)
