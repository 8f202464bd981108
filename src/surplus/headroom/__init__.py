"""Curtailment-enabled headroom: how large a constant new load a zone or region can take if
it accepts curtailment in the hours with nothing to spare, and when that curtailment falls.

Spare capacity per hour comes from the dispatch (a grid dataset) or from seasonal peak
thresholds over a demand history (Norris et al., Duke Nicholas Institute, 2025). The solve
is exact; results are frozen dataclasses. Siting ranks zones and plants; the joint answer
re-runs the dispatch with new loads as curtailable demand. Plotly figures live in
`surplus.headroom.figures` (not imported here). Method and sources: docs/headroom.md.
"""

from surplus.headroom.assess import DEFAULT_BUDGETS, assess_headroom
from surplus.headroom.curtailment import curtailed_mw, curtailment_rate, curtailment_stats
from surplus.headroom.demand import (
    DUKE_SEASON_RULES,
    US_BA_TIMEZONES,
    DemandHeadroom,
    SeasonalThresholds,
    SeasonRule,
    demand_headroom,
    spare_from_demand,
)
from surplus.headroom.demand_file import EMBEDDED_DEMAND, read_demand, read_demand_csv
from surplus.headroom.grid import zone_headroom, zone_rate_curves
from surplus.headroom.joint import JointAnswer, SiteCurtailment, joint_curtailment, joint_verdict
from surplus.headroom.results import CurtailmentStats, Headroom, HeadroomTable
from surplus.headroom.sites import NAMED_PLANTS, Site, SiteRank, candidate_sites, rank_sites
from surplus.headroom.siting import SitingReport, assess_siting
from surplus.headroom.solve import rate_curve, solve_headroom_mw
from surplus.headroom.timeline import HeadroomError, HourCalendar, hour_calendar

__all__ = [
    "DEFAULT_BUDGETS",
    "DUKE_SEASON_RULES",
    "EMBEDDED_DEMAND",
    "NAMED_PLANTS",
    "US_BA_TIMEZONES",
    "CurtailmentStats",
    "DemandHeadroom",
    "Headroom",
    "HeadroomError",
    "HeadroomTable",
    "HourCalendar",
    "JointAnswer",
    "SeasonRule",
    "SeasonalThresholds",
    "Site",
    "SiteCurtailment",
    "SiteRank",
    "SitingReport",
    "assess_headroom",
    "assess_siting",
    "candidate_sites",
    "curtailed_mw",
    "curtailment_rate",
    "curtailment_stats",
    "demand_headroom",
    "hour_calendar",
    "joint_curtailment",
    "joint_verdict",
    "rank_sites",
    "rate_curve",
    "read_demand",
    "read_demand_csv",
    "solve_headroom_mw",
    "spare_from_demand",
    "zone_headroom",
    "zone_rate_curves",
]
