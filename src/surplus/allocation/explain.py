"""Why each application got what it got, in plain words, with the shadow price of the
constraint that stopped it getting more.

Shadow prices come from the linear programme left when every yes/no choice of the solution
is fixed (`model.shadow_prices`): the net benefit one more unit of a limit would add. For a
zone's headroom the unit is one more MW of spare capacity in every hour, which moves each
of the zone's curtailment chords by its slope, so the price is Σ_k dual_k × slope_k.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, cast

import numpy as np

from surplus.allocation.applications import Application
from surplus.allocation.grid import GridCapacity
from surplus.allocation.model import Milp
from surplus.headroom.curtailment import curtailed_mw, curtailment_stats
from surplus.headroom.sites import busiest_season
from surplus.headroom.solve import solve_headroom_mw
from surplus.headroom.timeline import hour_calendar

if TYPE_CHECKING:
    from surplus.allocation.allocator import AllocationSettings, Binding, Decision

SLACK_MW = 1e-4


@lru_cache(maxsize=2)
def _row_index(milp: Milp) -> dict[tuple[str, object], int]:
    return {(row.kind, row.key): i for i, row in enumerate(milp.rows)}


@lru_cache(maxsize=2)
def _options_of(milp: Milp) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for i, o in enumerate(milp.options):
        out.setdefault(o.application, []).append(i)
    return out


@lru_cache(maxsize=2)
def _phases(milp: Milp) -> list[object]:
    return [row.key for row in milp.rows if row.kind == "phase"]


@lru_cache(maxsize=2)
def _activity(milp: Milp, key: bytes) -> np.ndarray:
    values = np.frombuffer(key)
    return np.asarray(milp.matrix @ values)


@lru_cache(maxsize=2)
def _zones(milp: Milp, key: bytes, dual_key: bytes) -> dict[int, tuple[float, str]]:
    """Per zone: the shadow price of its headroom, and what binds there: 'headroom' (a
    granted load's curtailment budget is used up), 'events' (a granted load's longest event
    is reached) or ''."""
    values, duals = np.frombuffer(key), np.frombuffer(dual_key)
    activity = _activity(milp, key)
    price: dict[int, float] = {}
    tight: dict[int, str] = {}
    for i, row in enumerate(milp.rows):
        if row.kind == "chord":
            zone, k = cast(tuple[int, int], row.key)
            slope = float(milp.chords[zone].slopes[k])
            price[zone] = price.get(zone, 0.0) + abs(float(duals[i])) * slope
        elif row.kind in ("budget", "event", "cut"):
            o = cast(int, row.key)
            z = milp.options[o].zone
            chosen = values[milp.n_options + o] > 0.5
            binds = chosen and milp.row_upper[i] - activity[i] <= SLACK_MW
            curtailed = values[milp.zone_column("e", z)] > SLACK_MW
            if binds and (row.kind == "event" or curtailed) and tight.get(z) != "headroom":
                tight[z] = "events" if row.kind == "event" else "headroom"
    return {z: (price.get(z, 0.0), tight.get(z, "")) for z in milp.zones}


def binding_for(
    a: int,
    app: Application,
    milp: Milp,
    values: np.ndarray,
    duals: np.ndarray,
    granted_mw: float,
    grid: GridCapacity,
) -> Binding:
    """The constraint that kept application `a` from getting more (see module docstring)."""
    from surplus.allocation.allocator import Binding

    if granted_mw >= app.requested_mw - 1e-6:
        return Binding("none", None, 0.0)
    rows = _row_index(milp)
    activity = _activity(milp, values.tobytes())

    def slack(kind: str, key: object) -> float:
        i = rows.get((kind, key))
        if i is None:
            return np.inf
        return float(min(milp.row_upper[i] - activity[i], activity[i] - milp.row_lower[i]))

    def dual(kind: str, key: object) -> float:
        i = rows.get((kind, key))
        return 0.0 if i is None else abs(float(duals[i]))

    zone_state = _zones(milp, values.tobytes(), np.asarray(duals, dtype=float).tobytes())
    mine = _options_of(milp).get(a, [])
    chosen = [i for i in mine if values[i] > SLACK_MW]
    zones_in_order = list(dict.fromkeys(milp.options[i].zone for i in (chosen or mine)))
    candidates: list[Binding] = []
    for z in zones_in_order:
        name = grid.zones[z]
        if app.firm and slack("firm", z) <= SLACK_MW:
            candidates.append(
                Binding(
                    "firm", name, dual("firm", z), {"firm_mw": float(grid.firm_headroom_mw()[z])}
                )
            )
            continue
        price, tight = zone_state.get(z, (0.0, ""))
        if tight:
            candidates.append(Binding(tight, name, price))
    operator_slack = slack("operator", app.operator)
    if operator_slack <= SLACK_MW:
        candidates.insert(0, Binding("operator", None, dual("operator", app.operator)))
    phases = _phases(milp)
    for p in phases:
        if slack("phase", p) <= SLACK_MW:
            candidates.append(Binding("quota", None, dual("phase", p), {"phase": float(p)}))  # type: ignore[arg-type]
            break
    if granted_mw == 0 and app.min_mw > 0:
        room = min((slack("phase", p) for p in phases), default=np.inf)
        if room < app.min_mw:
            candidates.append(Binding("min_size", None, 0.0, {"room_mw": float(room)}))
    if not candidates:
        return Binding("value", None, 0.0)
    if granted_mw > 0:
        return candidates[0]
    order = {"operator": 0, "firm": 1, "headroom": 2, "events": 2, "quota": 3, "min_size": 4}
    return sorted(candidates, key=lambda b: order.get(b.kind, 9))[0]


def _part_of_day(hour: int | None) -> str:
    if hour is None:
        return ""
    if 17 <= hour <= 23:
        return "evenings"
    if hour <= 5:
        return "nights"
    return "mornings" if hour <= 11 else "afternoons"


def _money(pkr: float) -> str:
    return f"Rs {pkr / 1e6:,.2f} m"


class _Context:
    """Figures the sentences quote, computed once per allocation."""

    def __init__(self, decisions: Sequence[Decision], grid: GridCapacity) -> None:
        self.grid = grid
        self.calendar1 = hour_calendar(grid.hours, [grid.timezone], grid.timezone)
        self.by_zone: dict[str, list[Decision]] = {}
        for d in decisions:
            if d.allocated_mw > 0 and d.zone:
                self.by_zone.setdefault(d.zone, []).append(d)
        granted = [d for d in decisions if d.allocated_mw > 0]
        self.cutoff = min((d.benefit_pkr_per_mw_year for d in granted), default=float("nan"))
        self._headroom: dict[tuple[str, float], float] = {}
        self._when: dict[str, str] = {}

    def label(self, zone: str) -> str:
        return self.grid.zone_labels.get(zone, zone)

    def headroom(self, zone: str, share: float) -> float:
        key = (zone, share)
        if key not in self._headroom:
            z = self.grid.zone_index(zone)
            spare = self.grid.spare_mw[:, [z]]
            self._headroom[key] = float(solve_headroom_mw(spare, self.calendar1, [share])[0, 0])
        return self._headroom[key]

    def when(self, zone: str) -> str:
        if zone not in self._when:
            z = self.grid.zone_index(zone)
            load = sum(d.allocated_mw for d in self.by_zone.get(zone, [])) or self.headroom(
                zone, 0.005
            )
            cut = curtailed_mw(self.grid.spare_mw[:, [z]], np.array([max(load, 1.0)]))
            stats = curtailment_stats(cut, np.array([max(load, 1.0)]), self.calendar1)[0]
            season = busiest_season(stats).split(" (")[0]
            part = _part_of_day(stats.busiest_hour_of_day)
            self._when[zone] = f"{season} {part}".strip()
        return self._when[zone]


def _sentence(d: Decision, ctx: _Context, settings: AllocationSettings) -> str:
    app, b = d.application, d.binding
    money = settings.objective == "benefit"
    per_mw = (
        f"{_money(d.benefit_pkr_per_mw_year)} a year per MW"
        if np.isfinite(d.benefit_pkr_per_mw_year)
        else ""
    )
    if d.allocated_mw >= app.requested_mw - 1e-6:
        head = f"Granted in full: {d.allocated_mw:,.1f} MW at {d.site} ({ctx.label(d.zone or '')})."
    elif d.allocated_mw > 0:
        head = (
            f"Granted {d.allocated_mw:,.1f} of the {app.requested_mw:,.1f} MW asked, at {d.site} "
            f"({ctx.label(d.zone or '')})."
        )
    else:
        head = f"Not granted (asked {app.requested_mw:,.1f} MW)."
    why = _why(d, ctx, settings, per_mw)
    price = ""
    if b.shadow_price > 0 and b.kind in ("quota", "operator", "headroom", "events", "firm"):
        unit = {"quota": "quota", "operator": "operator cap", "firm": "firm headroom there"}.get(
            b.kind, f"spare capacity in {ctx.label(b.zone or '')} in every hour"
        )
        gain = (
            _money(b.shadow_price) + " a year of net benefit"
            if money
            else f"{b.shadow_price:,.2f} MW more"
        )
        price = f" Shadow price: one more MW of {unit} would add {gain}."
    served = ""
    if d.verified is not None:
        v = d.verified
        served = (
            f" In the verification dispatch it is curtailed {v.total_share:.3%} of its energy "
            f"(offered {app.max_curtailment_share:.3%}): "
            f"{v.capacity.curtailed_hours_per_year:,.0f} "
            f"hours a year for lack of capacity, longest {v.capacity.longest_event_hours} h"
            + (
                f", and {v.price_hours_per_year:,.0f} hours on price"
                if v.price_hours_per_year
                else ""
            )
            + "."
        )
    return " ".join(part for part in (head, why) if part) + price + served


def _why(d: Decision, ctx: _Context, settings: AllocationSettings, per_mw: str) -> str:
    app, b = d.application, d.binding
    share = app.max_curtailment_share
    if b.kind == "none":
        return ""
    if b.kind == "headroom" and b.zone:
        given = ctx.by_zone.get(b.zone, [])
        others = [g for g in given if g.application.application_id != app.application_id]
        room = ctx.headroom(b.zone, share)
        text = (
            f"{ctx.label(b.zone)} has {room:,.0f} MW of headroom at the {share:.3%} curtailment "
            f"offered (its tight hours fall in {ctx.when(b.zone)})"
        )
        if app.firm:
            firm = float(ctx.grid.firm_headroom_mw()[ctx.grid.zone_index(b.zone)])
            text = f"{ctx.label(b.zone)} has {firm:,.0f} MW of firm headroom"
        if others:
            text += (
                f"; {sum(g.allocated_mw for g in others):,.0f} MW there went to "
                f"{len(others)} other application{'s' if len(others) != 1 else ''}"
            )
            if settings.objective == "benefit":
                text += (
                    f" worth {_money(min(g.benefit_pkr_per_mw_year for g in others))} a year "
                    "per MW "
                    f"or more (this one: {per_mw})"
                )
        return text + "."
    if b.kind == "events" and b.zone:
        given = ctx.by_zone.get(b.zone, [])
        return (
            f"In {ctx.label(b.zone)} a larger load would be cut in runs of hours longer than the "
            f"{app.longest_event_hours} h this application accepts (or another granted there "
            f"accepts); {sum(g.allocated_mw for g in given):,.0f} MW went there."
        )
    if b.kind == "quota":
        total = settings.cumulative_quota_mw()[-1]
        text = f"The quota of {total:,.0f} MW is fully allocated"
        if settings.objective == "benefit" and np.isfinite(ctx.cutoff):
            text += (
                f", to applications worth {_money(ctx.cutoff)} a year per MW or more "
                f"(this one: {per_mw})"
            )
        return text + "."
    if b.kind == "operator":
        return (
            f"{app.operator} has reached the cap of {settings.operator_cap_mw:,.0f} MW one "
            "operator may hold across its applications."
        )
    if b.kind == "firm" and b.zone:
        return (
            f"It asks for firm supply (never curtailed), and {ctx.label(b.zone)} has "
            f"{float(b.detail.get('firm_mw', 0.0)):,.0f} MW of firm headroom"
            + (" left" if ctx.by_zone.get(b.zone) else "")
            + "; no zone it named has enough."
        )
    if b.kind == "price" and b.zone:
        cap = float(b.detail.get("cost_cap", 0.0))
        lost = float(b.detail.get("price_share", 0.0))
        return (
            f"Its tariff rule ({app.tariff_rule}) stops supply whenever the marginal cost in "
            f"{ctx.label(b.zone)} exceeds Rs {cap / 1000:,.2f}/kWh, which costs {lost:.3%} of the "
            f"year's energy: more than the {share:.3%} curtailment it offered."
        )
    if b.kind == "min_size":
        return (
            f"The smallest size it accepts ({app.min_mw:,.0f} MW) does not fit in the "
            f"{float(b.detail.get('room_mw', 0.0)):,.0f} MW of quota left."
        )
    if b.kind == "value":
        if settings.objective == "benefit" and d.allocated_mw == 0 and "benefit" in b.detail:
            loss = _money(float(b.detail["benefit"]))
            return (
                f"At its sites its tariff would not cover the cost of serving it ({loss} a year "
                "per MW)."
            )
        return "Other applications used the room at its sites to more effect."
    if b.kind == "site":
        return f"Its site {b.detail.get('site')} is not on the grid studied."
    if b.kind == "verification":
        return (
            "The verification dispatch, with all granted loads running together, still "
            "curtailed it beyond its offer, so it was withdrawn from this round."
        )
    return ""


def explain(
    decisions: Sequence[Decision], grid: GridCapacity, settings: AllocationSettings
) -> tuple[Decision, ...]:
    """Every decision with its reason in plain words."""
    ctx = _Context(decisions, grid)
    return tuple(replace(d, reason=_sentence(d, ctx, settings)) for d in decisions)
