"""Applications in, an allocation of the quota out: solve, make equal treatment explicit,
verify by dispatch, learn from what the dispatch found, and explain every decision.

The programme in `model.py` approximates the grid zone by zone (each zone's spare capacity,
curtailment shared pro rata within a zone). Zones also compete for plants, corridors and the
reserve, which only a dispatch sees, so each round is verified by dispatching the year with
every granted load (`verify.py`). Where an applicant is curtailed beyond its offer, the
zones whose loads were cut learn the spare the dispatch actually found in those hours (the
spare only ever shrinks) and the programme is solved again. If `max_rounds` rounds do not
settle it, the applications still failing are withdrawn from the allocation one batch at a
time (and say so), so what is returned has always passed the dispatch.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

import numpy as np

from surplus.allocation.applications import Application
from surplus.allocation.benefit import BenefitAssumptions, net_benefit_table
from surplus.allocation.curves import chords, event_limits_mw
from surplus.allocation.grid import GridCapacity
from surplus.allocation.model import (
    BENEFIT_SCALE,
    Milp,
    Option,
    Solved,
    build_milp,
    shadow_prices,
    solve_fair,
    solve_milp,
)
from surplus.allocation.rules import tariff_rules
from surplus.allocation.verification import DispatchFn, Grant, Verification, Verified, verify
from surplus.errors import InputError, Problem
from surplus.headroom.solve import solve_headroom_mw
from surplus.headroom.timeline import hour_calendar

if TYPE_CHECKING:
    from surplus.grid.model import Dataset

Objective = Literal["benefit", "mw"]
MW_STEP = 1e-3
"""Allocations are rounded down to 1 kW."""


@dataclass(frozen=True)
class Phase:
    """A quota opening on a date: applications starting on or after `opens_on` (and before
    the next phase) count against it; quota left in an earlier phase passes to later ones."""

    name: str
    quota_mw: float
    opens_on: date | None = None


@dataclass(frozen=True)
class AllocationSettings:
    phases: tuple[Phase, ...] = (Phase("phase 1", 2000.0),)
    operator_cap_mw: float | None = 500.0
    """Most MW one operator may hold across its applications; None for no cap."""
    objective: Objective = "benefit"
    mip_rel_gap: float = 1e-4
    time_limit_s: float = 60.0
    max_rounds: int = 6
    benefit: BenefitAssumptions = field(default_factory=BenefitAssumptions)

    def __post_init__(self) -> None:
        problems = []
        if not self.phases:
            problems.append(Problem("settings", None, "phases", "at least one phase", "none"))
        for phase in self.phases:
            if not (phase.quota_mw >= 0 and np.isfinite(phase.quota_mw)):
                problems.append(
                    Problem("settings", None, "quota_mw", "a number ≥ 0", str(phase.quota_mw))
                )
        if self.operator_cap_mw is not None and not self.operator_cap_mw > 0:
            problems.append(
                Problem(
                    "settings", None, "operator_cap_mw", "a number > 0", str(self.operator_cap_mw)
                )
            )
        if self.objective not in ("benefit", "mw"):
            problems.append(Problem("settings", None, "objective", "benefit or mw", self.objective))
        if problems:
            raise InputError(problems)

    def phase_of(self, start: date) -> int:
        index = 0
        for i, phase in enumerate(self.phases):
            if phase.opens_on is None or phase.opens_on <= start:
                index = i
        return index

    def cumulative_quota_mw(self) -> list[float]:
        return list(np.cumsum([p.quota_mw for p in self.phases]))


@dataclass(frozen=True)
class Binding:
    """The constraint that stopped an application getting more, in the solver's terms."""

    kind: str
    """quota, operator, headroom, firm, price, min_size, site, value or none."""
    zone: str | None
    shadow_price: float
    """Objective per unit of the constraint (PKR a year per MW, or MW per MW)."""
    detail: dict[str, float | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    application: Application
    site: str | None
    zone: str | None
    allocated_mw: float
    benefit_pkr_per_mw_year: float
    binding: Binding
    verified: Verified | None
    reason: str = ""
    """Plain words; filled by `explain`."""

    @property
    def requested_mw(self) -> float:
        return self.application.requested_mw


@dataclass(frozen=True, eq=False)
class Allocation:
    decisions: tuple[Decision, ...]
    settings: AllocationSettings
    grid: GridCapacity
    objective_value: float
    """Net benefit, PKR a year (benefit objective) or MW (MW objective), of the result."""
    solver_objective: float
    solver_bound: float
    gap: float
    """Relative optimality gap HiGHS reported for the last round's programme."""
    rounds: int
    withdrawn: tuple[str, ...]
    """Applications withdrawn because the dispatch still cut them beyond their offer."""
    verification: Verification
    seconds: dict[str, float]

    @property
    def allocated_mw(self) -> float:
        return sum(d.allocated_mw for d in self.decisions)


Progress = Callable[[str, int, int], None]


def canonical(applications: Sequence[Application]) -> tuple[Application, ...]:
    """Applications in id order: the programme is built the same whatever the input order."""
    ordered = tuple(sorted(applications, key=lambda a: a.application_id))
    ids = [a.application_id for a in ordered]
    repeated = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
    if repeated:
        raise InputError(
            [Problem("applications", None, "application_id", "unique ids", i) for i in repeated]
        )
    return ordered


@dataclass(frozen=True)
class _Round:
    milp: Milp
    solved: Solved
    values: np.ndarray
    excluded: dict[int, Binding]


def _event_limits(apps: Sequence[Application], grid: GridCapacity) -> dict[tuple[int, int], float]:
    """(zone, longest event accepted) → the largest zone load that keeps events that short."""
    wanted: dict[int, set[int]] = {}
    for app in apps:
        if app.firm:
            continue
        for site in app.sites:
            if site in grid.sites:
                wanted.setdefault(grid.zone_index(grid.sites[site]), set()).add(
                    app.longest_event_hours
                )
    follows = grid.calendar.follows
    out = {}
    for z, hours in wanted.items():
        for h, limit in event_limits_mw(grid.spare_mw[:, z], follows, sorted(hours)).items():
            out[(z, h)] = limit
    return out


class _HeadroomLimits:
    """The zone's headroom at a curtailment budget (`surplus.headroom`), memoised: a load
    within its budget never makes its zone larger than this, so `T[z] ≤ H_z(budget)` is a
    valid cut that tightens the programme's relaxation."""

    def __init__(self, grid: GridCapacity) -> None:
        self.grid = grid
        self.calendar = hour_calendar(grid.hours, [grid.timezone], grid.timezone)
        self.cache: dict[tuple[int, float], float] = {}

    def __call__(self, zone: int, budget: float) -> float:
        key = (zone, round(budget, 12))
        if key not in self.cache:
            spare = self.grid.spare_mw[:, [zone]]
            value = float(solve_headroom_mw(spare, self.calendar, [min(key[1], 0.999)])[0, 0])
            self.cache[key] = value
        return self.cache[key]


def _options(
    apps: Sequence[Application],
    grid: GridCapacity,
    settings: AllocationSettings,
    table: dict[tuple[str, str], np.ndarray],
) -> tuple[list[Option], dict[int, Binding]]:
    """Every (application, acceptable site) that could be granted; why not, for the rest."""
    rules = tariff_rules(settings.benefit.serving)
    firm = grid.firm_headroom_mw()
    events = _event_limits(apps, grid)
    headroom = _HeadroomLimits(grid)
    options: list[Option] = []
    excluded: dict[int, Binding] = {}
    for a, app in enumerate(apps):
        cap = rules[app.tariff_rule].cost_cap_pkr_per_mwh
        price_share = grid.priced_out_share(cap)
        found = False
        for site in app.sites:
            zone_name = grid.sites.get(site)
            if zone_name is None:
                excluded.setdefault(a, Binding("site", None, 0.0, {"site": site}))
                continue
            z = grid.zone_index(zone_name)
            r = float(price_share[z])
            budget = app.max_curtailment_share - r
            if budget < -1e-12:
                excluded.setdefault(
                    a, Binding("price", zone_name, 0.0, {"price_share": r, "cost_cap": cap or 0.0})
                )
                continue
            if app.firm and firm[z] < max(app.min_mw, MW_STEP):
                excluded.setdefault(a, Binding("firm", zone_name, 0.0, {"firm_mw": float(firm[z])}))
                continue
            benefit = float(table[(app.tariff_rule, app.kind)][z])
            value = benefit if settings.objective == "benefit" else 1.0
            if settings.objective == "benefit" and benefit <= 0:
                excluded.setdefault(a, Binding("value", zone_name, 0.0, {"benefit": benefit}))
                continue
            limit = np.inf if app.firm else events[(z, app.longest_event_hours)]
            room = np.inf if app.firm else headroom(z, max(budget, 0.0))
            options.append(
                Option(
                    a,
                    site,
                    z,
                    value,
                    benefit,
                    r,
                    max(budget, 0.0),
                    app.firm,
                    app.requested_mw,
                    app.min_mw,
                    limit,
                    room,
                )
            )
            found = True
        if found:
            excluded.pop(a, None)
    return options, excluded


def _solve_round(
    apps: Sequence[Application],
    grid: GridCapacity,
    settings: AllocationSettings,
    table: dict[tuple[str, str], np.ndarray],
) -> _Round:
    options, excluded = _options(apps, grid, settings, table)
    total_quota = float(settings.cumulative_quota_mw()[-1])
    weights = grid.weights
    zone_cap: dict[int, float] = {}
    for o in options:
        zone_cap[o.zone] = zone_cap.get(o.zone, 0.0) + o.requested_mw
    zone_cap = {z: min(v, total_quota) for z, v in zone_cap.items()}
    curves = {
        z: chords(grid.spare_mw[:, z], weights, max(cap, MW_STEP)) for z, cap in zone_cap.items()
    }
    milp = build_milp(
        options,
        [settings.phase_of(a.start_date) for a in apps],
        settings.cumulative_quota_mw(),
        [a.operator for a in apps],
        settings.operator_cap_mw,
        grid.firm_headroom_mw(),
        curves,
        zone_cap,
        scale=BENEFIT_SCALE if settings.objective == "benefit" else 1.0,
    )
    if not options:
        empty = np.zeros(milp.matrix.shape[1])
        return _Round(milp, Solved(empty, 0.0, 0.0, 0.0, "Optimal", np.zeros(0)), empty, excluded)
    solved = solve_milp(milp, settings.mip_rel_gap, settings.time_limit_s)
    values = solved.values
    classes = _equal_classes(apps, milp, values)
    if classes:
        floor = float(milp.cost @ values) * (1 - 1e-9) - 1e-9
        fair = solve_fair(
            milp,
            classes,
            [a.requested_mw for a in apps],
            floor,
            settings.mip_rel_gap,
            settings.time_limit_s,
        )
        values = fair.values[: len(values)]
    return _Round(milp, solved, _canonical_values(apps, milp, values), excluded)


def _granted(milp: Milp, values: np.ndarray) -> dict[int, tuple[int, float]]:
    """Application → (option, MW) for every grant, MW rounded down to 1 kW."""
    out: dict[int, tuple[int, float]] = {}
    x = milp.x(values)
    for i, o in enumerate(milp.options):
        mw = float(np.floor(x[i] / MW_STEP + 1e-6)) * MW_STEP
        if mw <= 0:
            continue
        mw = min(max(round(mw, 6), o.min_mw), o.requested_mw)
        if o.application not in out or mw > out[o.application][1]:
            out[o.application] = (i, mw)
    return out


def _equal_classes(apps: Sequence[Application], milp: Milp, values: np.ndarray) -> list[list[int]]:
    """Groups of equal applications whose shares of what they asked differ."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for a, app in enumerate(apps):
        groups.setdefault(app.equal_key(), []).append(a)
    granted = _granted(milp, values)
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        got = {round(granted.get(a, (0, 0.0))[1], 6) for a in members}
        if len(got) > 1:
            out.append(members)
    return out


def _canonical_values(apps: Sequence[Application], milp: Milp, values: np.ndarray) -> np.ndarray:
    """Among equal applications, hand the grants out in id order (largest first), so a tie
    the programme cannot split evenly is always broken the same, documented way."""
    values = values.copy()
    groups: dict[tuple[object, ...], list[int]] = {}
    for a, app in enumerate(apps):
        groups.setdefault(app.equal_key(), []).append(a)
    n = milp.n_options
    by_app: dict[int, dict[str, int]] = {}
    for i, o in enumerate(milp.options):
        by_app.setdefault(o.application, {})[o.site] = i
    for members in groups.values():
        if len(members) < 2:
            continue
        held = []
        for a in members:
            options = by_app.get(a, {})
            best = max(options.items(), key=lambda kv: values[kv[1]], default=None)
            held.append((best[0], values[best[1]]) if best and values[best[1]] > 0 else (None, 0.0))
            for i in options.values():
                values[i] = values[n + i] = 0.0
        held.sort(key=lambda sh: (-sh[1], sh[0] or ""))
        for a, (site, mw) in zip(
            sorted(members, key=lambda m: apps[m].application_id), held, strict=True
        ):
            if site is not None and site in by_app.get(a, {}):
                i = by_app[a][site]
                values[i], values[n + i] = mw, 1.0
    return values


def allocate(
    applications: Sequence[Application],
    grid: GridCapacity,
    dataset: Dataset,
    settings: AllocationSettings | None = None,
    run: DispatchFn | None = None,
    progress: Progress | None = None,
) -> Allocation:
    """Allocate the quota among `applications` on `grid` (built from `dataset`'s dispatch).

    `run` is the dispatch function used to verify (the real one by default);
    `progress(stage, done, total)` reports each round.
    """
    from surplus.dispatch import dispatch

    settings = settings or AllocationSettings()
    run = run or dispatch
    apps = canonical(applications)
    clock = {"solve": 0.0, "verify": 0.0}
    table = net_benefit_table(grid, settings.benefit)
    learned = grid
    rounds = 0
    report = progress or (lambda _stage, _done, _total: None)
    while True:
        rounds += 1
        report(f"round {rounds}: solve", rounds, settings.max_rounds)
        start = time.perf_counter()
        current = _solve_round(apps, learned, settings, table)
        clock["solve"] += time.perf_counter() - start
        report(f"round {rounds}: verify", rounds, settings.max_rounds)
        start = time.perf_counter()
        grants = _grants(apps, current, learned)
        checked = verify(dataset, learned, grants, run)
        clock["verify"] += time.perf_counter() - start
        if checked.passes or rounds >= settings.max_rounds:
            break
        taught = _learn(learned, checked)
        if taught is None:
            break
        learned = taught
    withdrawn: list[str] = []
    values = current.values.copy()
    while not checked.passes:
        failing = {v.grant.application.application_id for v in checked.failing()}
        withdrawn += sorted(failing)
        for i, o in enumerate(current.milp.options):
            if apps[o.application].application_id in failing:
                values[i] = values[current.milp.n_options + i] = 0.0
        grants = [g for g in grants if g.application.application_id not in failing]
        start = time.perf_counter()
        checked = verify(dataset, learned, grants, run)
        clock["verify"] += time.perf_counter() - start
    report("explain", settings.max_rounds, settings.max_rounds)
    duals = shadow_prices(current.milp, values) if current.milp.n_options else np.zeros(0)
    decisions = _decisions(apps, current, values, duals, learned, checked, set(withdrawn))
    from surplus.allocation.explain import explain

    decisions = explain(decisions, learned, settings)
    return Allocation(
        decisions=decisions,
        settings=settings,
        grid=learned,
        objective_value=_objective(decisions, settings.objective),
        solver_objective=current.solved.objective,
        solver_bound=current.solved.bound,
        gap=current.solved.gap,
        rounds=rounds,
        withdrawn=tuple(withdrawn),
        verification=checked,
        seconds=clock,
    )


def _grants(apps: Sequence[Application], current: _Round, grid: GridCapacity) -> list[Grant]:
    out = []
    for a, (i, mw) in sorted(_granted(current.milp, current.values).items()):
        option = current.milp.options[i]
        out.append(Grant(apps[a], option.site, grid.zones[option.zone], mw))
    return out


def _learn(grid: GridCapacity, checked: Verification) -> GridCapacity | None:
    """Spare shrinks to what the dispatch served in the hours a failing grant's zone was cut."""
    spare = grid.spare_mw.copy()
    zones = {v.grant.zone for v in checked.failing()}
    for zone in zones:
        z = grid.zone_index(zone)
        served = checked.served_mw[zone].to_numpy()
        asked = checked.asked_mw[zone].to_numpy()
        cut = asked - served > 1e-3
        spare[cut, z] = np.minimum(spare[cut, z], served[cut])
    if np.array_equal(spare, grid.spare_mw):
        return None  # nothing new to learn: the withdrawal step settles it
    return grid.with_spare(spare)


def _decisions(
    apps: Sequence[Application],
    current: _Round,
    values: np.ndarray,
    duals: np.ndarray,
    grid: GridCapacity,
    checked: Verification,
    withdrawn: set[str],
) -> tuple[Decision, ...]:
    from surplus.allocation.explain import binding_for

    granted = _granted(current.milp, values)
    verified = {v.grant.application.application_id: v for v in checked.grants}
    out = []
    for a, app in enumerate(apps):
        site: str | None
        zone: str | None
        if a in granted:
            i, mw = granted[a]
            option = current.milp.options[i]
            site, zone, benefit = (
                option.site,
                grid.zones[option.zone],
                option.benefit_pkr_per_mw_year,
            )
        else:
            site = zone = None
            mw, benefit = 0.0, _best_benefit(current.milp, a)
        if app.application_id in withdrawn:
            binding = Binding("verification", zone, 0.0)
        elif a in current.excluded and a not in granted:
            binding = current.excluded[a]
        else:
            binding = binding_for(a, app, current.milp, values, duals, mw, grid)
        out.append(
            Decision(app, site, zone, mw, benefit, binding, verified.get(app.application_id))
        )
    return tuple(out)


def _objective(decisions: Sequence[Decision], objective: Objective) -> float:
    granted = [d for d in decisions if d.allocated_mw > 0]
    if objective == "mw":
        return sum(d.allocated_mw for d in granted)
    return sum(d.allocated_mw * d.benefit_pkr_per_mw_year for d in granted)


def _best_benefit(milp: Milp, a: int) -> float:
    benefits = [o.benefit_pkr_per_mw_year for o in milp.options if o.application == a]
    return max(benefits, default=float("nan"))
