"""What a simulation runs: the enrolled sites (term sheets and how each simulated site
behaves), the grid state they face (drawn from the dispatch), the day, and the faults.

The default programme is the government's: 2,000 MW at the three named coal plants
(Sahiwal in mepco; Port Qasim and China Power Hub on the south coast), each plant's share
split into three mining farms and one AI data centre.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from surplus.contracts import CurtailmentRights, TelemetryTerms, TermSheet
from surplus.errors import SurplusError

NAMED = (("sahiwal", 2000 / 3), ("port_qasim", 2000 / 3), ("china_power_hub", 2000 / 3))


@dataclass(frozen=True)
class SiteBehaviour:
    """How the simulated site responds (see `surplus.agent.simulated.SimulatedSite`)."""

    ramp_mw_per_s: float
    delay_s: float
    lies: bool = False


@dataclass(frozen=True)
class SimSite:
    sheet: TermSheet
    behaviour: SiteBehaviour


@dataclass(frozen=True)
class FrequencyDip:
    start: datetime
    duration_s: float
    hz: float


@dataclass(frozen=True)
class Scenario:
    sites: tuple[SimSite, ...]
    day: date
    timezone: str
    dips: tuple[FrequencyDip, ...] = field(default_factory=tuple)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.day, time(0), ZoneInfo(self.timezone))

    @property
    def zones(self) -> list[str]:
        return sorted({s.sheet.zone for s in self.sites})


def programme_sites(
    placements: Sequence[tuple[str, str, float]], liars: int = 1
) -> tuple[SimSite, ...]:
    """Per placement (name, zone, MW): three mining farms (45 %, 30 %, 15 % of the MW) and
    a data centre (10 %, a quarter of it flexible, two minutes' notice). The first
    `liars` farms acknowledge orders but never curtail."""
    sites: list[SimSite] = []
    site_id = 0
    for name, zone, total_mw in placements:
        shares = (("farm-a", 0.45), ("farm-b", 0.30), ("farm-c", 0.15), ("dc", 0.10))
        for label, share in shares:
            site_id += 1
            mining = label != "dc"
            rights = CurtailmentRights(
                flexible_share=1.0 if mining else 0.25,
                max_hours_per_year=438.0 if mining else 100.0,
                longest_event_minutes=240.0 if mining else 120.0,
                notice_s=0.0 if mining else 120.0,
                priority=site_id,
                under_frequency_trip=mining,
            )
            telemetry = TelemetryTerms(response_s=60.0 if mining else 300.0)
            sheet = TermSheet(
                id=f"sim-{site_id}",
                operator=f"{name} {'mining' if mining else 'compute'}",
                site_id=site_id,
                site_name=f"{name}-{label}",
                zone=zone,
                load_kind="bitcoin_mining" if mining else "ai_data_centre",
                contracted_mw=round(total_mw * share, 1),
                curtailment=rights,
                telemetry=telemetry,
            )
            lies = (
                mining and sum(1 for s in sites if s.behaviour.lies) < liars and label == "farm-c"
            )
            behaviour = SiteBehaviour(
                ramp_mw_per_s=sheet.contracted_mw / 20 if mining else sheet.contracted_mw / 60,
                delay_s=2.0 if mining else 10.0,
                lies=lies,
            )
            sites.append(SimSite(sheet, behaviour))
    return tuple(sites)


def shortfall_mw(spare_mw: pd.DataFrame, sites: Sequence[SimSite]) -> pd.DataFrame:
    """Hours × zones: the flexible load beyond each zone's spare capacity if none of it
    curtailed (what households would lose)."""
    load = pd.Series(0.0, index=spare_mw.columns)
    for site in sites:
        load[site.sheet.zone] += site.sheet.contracted_mw
    zones = [z for z in spare_mw.columns if load[z] > 0]
    return (load[zones] - spare_mw[zones]).clip(lower=0.0)


def worst_day(shortfall: pd.DataFrame, spare_mw: pd.DataFrame, timezone: str) -> date:
    """The local day with the most shortfall energy; without any, the day with the least
    spare capacity left in the sites' zones."""
    local = shortfall.index.tz_convert(timezone)
    energy = shortfall.sum(axis=1).groupby(local.date).sum()
    if float(energy.max()) > 0:
        return pd.Timestamp(energy.idxmax()).date()
    room = spare_mw[shortfall.columns].min(axis=1).groupby(local.date).min()
    return pd.Timestamp(room.idxmin()).date()


def parse_placements(
    text: str, plant_zone: dict[str, str], zones: Sequence[str]
) -> list[tuple[str, str, float]]:
    """`NAME:MW,NAME:MW` where NAME is a plant id or a zone."""
    placements = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, mw = item.partition(":")
        try:
            value = float(mw)
        except ValueError:
            raise SurplusError(f"--sites: expected NAME:MW, found {item!r}") from None
        if not np.isfinite(value) or value <= 0:
            raise SurplusError(f"--sites: MW must be positive in {item!r}")
        if name in plant_zone:
            placements.append((name, plant_zone[name], value))
        elif name in zones:
            placements.append((name, name, value))
        else:
            raise SurplusError(f"--sites: {name!r} is neither a plant nor a zone")
    if not placements:
        raise SurplusError("--sites: name at least one NAME:MW")
    return placements


def dip_at(day: date, timezone: str, clock: str, duration_s: float, hz: float) -> FrequencyDip:
    """A frequency dip at local time `clock` (HH:MM) of `day`."""
    try:
        at = time.fromisoformat(clock)
    except ValueError:
        raise SurplusError(f"--frequency-dip: expected HH:MM, found {clock!r}") from None
    return FrequencyDip(datetime.combine(day, at, ZoneInfo(timezone)), duration_s, hz)


def day_span(day: date, timezone: str) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), ZoneInfo(timezone))
    return start, start + timedelta(days=1)
