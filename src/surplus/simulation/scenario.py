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
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from surplus.contracts import (
    CurtailmentRights,
    ExpectedService,
    LoadKind,
    PenaltyTerms,
    TariffTerms,
    TermSheet,
)
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
    """A simulated site: its term sheet (enrolled: `register_site_id` set), how it
    behaves, and the name it is shown by."""

    sheet: TermSheet
    behaviour: SiteBehaviour
    name: str = ""

    @property
    def site_id(self) -> int:
        return self.sheet.registered_site_id()


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


SIMULATED_TARIFF = TariffTerms(
    rule="dynamic",
    basis="dynamic",
    description="zone marginal cost + Rs 1/kWh (simulated programme)",
    adder_pkr_per_mwh=1_000.0,
    floor_pkr_per_mwh=8_600.0,
    network_charge_pkr_per_mwh=1_000.0,
    loss_share=0.03,
)


SIMULATED_RIGHTS: dict[str, Any] = {
    "max_share_of_energy": 0.05,
    "max_hours_per_year": 438,
    "longest_event_hours": 4,
    "notice_minutes": 0,
    "on_price": False,
    "firm": False,
}


def simulated_sheet(
    site_id: int,
    operator: str,
    site: str,
    zone: str,
    kind: LoadKind,
    allocated_mw: float,
    start_date: date,
    rights: dict[str, Any],
    response_minutes: float,
    tariff: TariffTerms = SIMULATED_TARIFF,
) -> TermSheet:
    """A term sheet for a simulated site that no allocation produced: by default the
    dynamic tariff, the allocator's default penalties, and no expected service (the
    simulation measures it). `rights` are `CurtailmentRights` fields; left out, the
    sheet has no price curtailment, is not firm, and may lose 5 % of its energy in at most
    438 hours a year, 4 hours at a time, without notice."""
    return TermSheet(
        term_sheet_id=f"SIM-{site_id}",
        application_id=f"sim-{site_id}",
        operator=operator,
        kind=kind,
        site=site,
        zone=zone,
        allocated_mw=allocated_mw,
        phase="simulation",
        start_date=start_date,
        ramp_mw_per_min=allocated_mw,
        tariff=tariff,
        curtailment=CurtailmentRights.model_validate({**SIMULATED_RIGHTS, **rights}),
        penalties=PenaltyTerms(
            excess_energy_pkr_per_mwh=240_000.0,
            late_response_pkr_per_mw=10_000.0,
            telemetry_gap_pkr_per_hour=5_000.0,
            suspension_after_breaches=3,
            response_minutes=response_minutes,
        ),
        strategic_bitcoin_reserve_share=0.1 if kind == "miner" else 0.0,
        expected=ExpectedService(
            energy_mwh_per_year=0.0,
            curtailed_share=0.0,
            curtailed_hours_per_year=0.0,
            longest_event_hours=0,
            price_curtailed_hours_per_year=0.0,
            net_benefit_pkr_per_year=0.0,
        ),
        dataset="simulated programme (not allocated)",
        register_site_id=site_id,
    )


def programme_sites(
    placements: Sequence[tuple[str, str, float]],
    liars: int = 1,
    start_date: date = date(2000, 1, 1),
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
            rights = {
                "flexible_share": 1.0 if mining else 0.25,
                "max_hours_per_year": 438 if mining else 100,
                "longest_event_hours": 4 if mining else 2,
                "notice_minutes": 0 if mining else 2,
                "priority": site_id,
                "under_frequency_trip": mining,
            }
            sheet = simulated_sheet(
                site_id,
                f"{name} {'mining' if mining else 'compute'}",
                name,
                zone,
                "miner" if mining else "ai_data_centre",
                round(total_mw * share, 1),
                start_date,
                rights,
                response_minutes=1.0 if mining else 5.0,
            )
            lies = (
                mining and sum(1 for s in sites if s.behaviour.lies) < liars and label == "farm-c"
            )
            behaviour = SiteBehaviour(
                ramp_mw_per_s=sheet.allocated_mw / 20 if mining else sheet.allocated_mw / 60,
                delay_s=2.0 if mining else 10.0,
                lies=lies,
            )
            sites.append(SimSite(sheet, behaviour, f"{name}-{label}"))
    return tuple(sites)


def allocated_sites(sheets: Sequence[TermSheet], day: date, liars: int = 0) -> tuple[SimSite, ...]:
    """Simulated sites for the allocation's term sheets (as `surplus allocate` writes
    them): numbered 1, 2, ... in the register unless a sheet has its id, each ramping at
    its sheet's `ramp_mw_per_min`; the first `liars` miners acknowledge orders but never
    curtail. The dataset's year stands for a contract year (as in the allocation), so a
    sheet is simulated as in force on `day` even when its dates lie in another year."""
    sites: list[SimSite] = []
    used = {s.register_site_id for s in sheets if s.register_site_id is not None}
    next_id = 1
    for sheet in sheets:
        update: dict[str, Any] = {}
        if not sheet.in_force(day):
            update |= {"start_date": min(sheet.start_date, day), "end_date": None}
        if sheet.register_site_id is None:
            while next_id in used:
                next_id += 1
            update["register_site_id"] = next_id
            used.add(next_id)
        sheet = sheet.model_copy(update=update)
        lies = sheet.kind == "miner" and sum(1 for s in sites if s.behaviour.lies) < liars
        behaviour = SiteBehaviour(
            ramp_mw_per_s=sheet.ramp_mw_per_min / 60.0,
            delay_s=2.0 if sheet.kind == "miner" else 10.0,
            lies=lies,
        )
        sites.append(SimSite(sheet, behaviour, f"{sheet.site} {sheet.term_sheet_id}"))
    return tuple(sites)


def shortfall_mw(spare_mw: pd.DataFrame, sites: Sequence[SimSite]) -> pd.DataFrame:
    """Hours × zones: the flexible load beyond each zone's spare capacity if none of it
    curtailed (what households would lose)."""
    load = pd.Series(0.0, index=spare_mw.columns)
    for site in sites:
        load[site.sheet.zone] += site.sheet.allocated_mw
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
