"""Compliance verdicts: per order, the baseline, the reduction ordered and delivered, the
time to reach the limit, the verdict under the term sheet, the penalty, and escalation.

Per minute of the order after its response deadline (`penalties.response_minutes` after
the limit applied): ordered = max(0, baseline − limit), delivered = the reduction the
meter shows (baseline − metered) clipped to [0, ordered], shortfall = ordered − delivered,
so delivered + shortfall = ordered, minute by minute and in total. The verdict follows the
controller's rule on metered power (mean after the deadline at most the limit plus the
contract's tolerance): `exceeded` when above, `late` when within on average but not in
the first minute after the deadline, `no_data` when no reading came after the deadline,
else `compliant` (as is an order that ended before its deadline: nothing was due).
Penalties: every MWh drawn above limit + tolerance after the deadline
(`excess_energy_pkr_per_mwh`) and, for a late or exceeded order, the MW not shed at the
deadline (`late_response_pkr_per_mw`). Breaches (`late`, `exceeded`, `no_data`) are
counted per site over twelve months; the contract's `suspension_after_breaches`-th is a
suspension, the one before it a final warning, earlier ones a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd

from surplus.contracts import TermSheet
from surplus.settlement.baselines import Baseline, Event, baseline
from surplus.settlement.money import pkr

VerdictName = Literal["compliant", "late", "exceeded", "no_data"]
Escalation = Literal["none", "warning", "final_warning", "suspension"]
BREACHES: frozenset[str] = frozenset({"late", "exceeded", "no_data"})


@dataclass(frozen=True)
class OrderWindow:
    """An order as settlement sees it: limits over time (start, end, limit MW)."""

    order_id: int
    site_id: int
    reason: str
    decided_at: datetime
    applies_at: datetime
    ends_at: datetime
    intervals: tuple[tuple[datetime, datetime, float], ...]

    baseline_notice_at: datetime | None = None
    """When the baseline's 'before' ends: the notice of the first order of a chain (an
    order that follows another closely), so a chained order is not measured against the
    curtailed draw of the one before it. None: this order's own notice."""

    def limit_mw(self, minutes: pd.DatetimeIndex, free_mw: float) -> tuple[np.ndarray, np.ndarray]:
        """Per minute, the mean MW allowed (time-weighted: the limit where the order covers
        the minute, `free_mw` elsewhere, as a meter's minute energy sees it) and whether
        the order covers any of it."""
        begin = np.asarray((minutes - pd.Timestamp(0, tz="UTC")).total_seconds())
        covered = np.zeros(len(minutes))
        allowed = np.zeros(len(minutes))
        for start, end, mw in self.intervals:
            a, b = pd.Timestamp(start).timestamp(), pd.Timestamp(end).timestamp()
            overlap = np.clip(np.minimum(b, begin + 60.0) - np.maximum(a, begin), 0.0, 60.0)
            overlap = np.minimum(overlap, 60.0 - covered)
            covered += overlap
            allowed += overlap * mw
        mean = (allowed + (60.0 - covered) * free_mw) / 60.0
        return mean, covered > 0


@dataclass(frozen=True)
class Judgement:
    order_id: int
    site_id: int
    baseline: Baseline
    limit_mw: float
    """The lowest limit of the order."""
    ordered_mw: float
    delivered_mw: float
    shortfall_mw: float
    """Means over the minutes after the deadline (MW)."""
    ordered_mwh: float
    delivered_mwh: float
    shortfall_mwh: float
    excess_mwh: float
    not_shed_mw: float
    reach_s: float | None
    verdict: VerdictName
    penalty_excess_pkr: Decimal
    penalty_late_pkr: Decimal

    @property
    def breach(self) -> bool:
        return self.verdict in BREACHES

    @property
    def penalty_pkr(self) -> Decimal:
        return self.penalty_excess_pkr + self.penalty_late_pkr


def judge_order(
    order: OrderWindow,
    sheet: TermSheet,
    power_mw: pd.Series,
    excluded_days: frozenset[object] = frozenset(),
    timezone: str = "Asia/Karachi",
) -> Judgement:
    """Judge one order on the site's one-minute power (MW, UTC minute index, NaN: none).

    >>> t = pd.date_range("2026-01-05T10:00Z", periods=60, freq="1min")
    >>> p = pd.Series(np.r_[np.full(30, 10.0), np.full(30, 1.0)], t)
    >>> w = OrderWindow(1, 1, "capacity", t[30], t[30], t[45], ((t[30], t[45], 2.0),))
    >>> from surplus.simulation.scenario import simulated_sheet
    >>> sheet = simulated_sheet(1, "op", "s", "z", "miner", 10.0, t[0].date(), {}, 1.0)
    >>> j = judge_order(w, sheet, p)
    >>> j.verdict, j.ordered_mw, j.delivered_mw, j.shortfall_mw
    ('compliant', 8.0, 8.0, 0.0)
    """
    notice = order.baseline_notice_at or order.decided_at
    event = Event(notice, order.applies_at, order.ends_at, timezone)
    minutes = event.minutes()
    terms = sheet.telemetry
    base = baseline(
        terms.baseline,
        power_mw,
        event,
        frozenset(excluded_days),  # type: ignore[arg-type]
        sheet.allocated_mw,
        terms.baseline_minutes,
    )
    limit, inside = order.limit_mw(minutes, sheet.allocated_mw)
    limit = np.where(inside, limit, np.nan)
    index = power_mw.index
    near = power_mw.iloc[index.searchsorted(minutes[0]) : index.searchsorted(minutes[-1], "right")]
    metered = near.reindex(minutes).to_numpy(dtype=float)
    tolerance = terms.tolerance_share * sheet.allocated_mw
    deadline = pd.Timestamp(order.applies_at) + pd.Timedelta(seconds=sheet.response_s)
    after = (minutes >= deadline.ceil("min")) & np.isfinite(limit)
    reference = np.where(np.isfinite(base.mw), base.mw, sheet.allocated_mw)
    ordered = np.clip(reference - limit, 0.0, None)
    delivered = np.clip(reference - metered, 0.0, ordered)
    shortfall = ordered - delivered
    seen = after & np.isfinite(metered)
    over = np.clip(metered - limit - tolerance, 0.0, None)
    excess_mwh = float(np.sum(over[seen]) / 60.0)
    reach = np.flatnonzero(np.isfinite(metered) & (metered <= limit + tolerance))
    reach_s = (
        max((minutes[reach[0]] - pd.Timestamp(order.applies_at)).total_seconds(), 0.0)
        if reach.size
        else None
    )
    verdict: VerdictName
    not_shed = 0.0
    if not after.any():  # the order ended before anything was due
        verdict = "compliant"
    elif not seen.any():
        verdict = "no_data"
    else:
        first = int(np.flatnonzero(seen)[0])
        not_shed = float(over[first])
        mean_over = float(np.mean(metered[seen] - limit[seen])) > tolerance
        verdict = "exceeded" if mean_over else "late" if not_shed > 0 else "compliant"
    p = sheet.penalties
    late_pkr = pkr(Decimal(repr(p.late_response_pkr_per_mw)) * Decimal(repr(round(not_shed, 6))))
    excess_pkr = pkr(
        Decimal(repr(p.excess_energy_pkr_per_mwh)) * Decimal(repr(round(excess_mwh, 6)))
    )

    def mean(values: np.ndarray) -> float:
        return float(np.mean(values[seen])) if seen.any() else 0.0

    def energy(values: np.ndarray) -> float:
        return float(np.sum(values[seen]) / 60.0)

    if not seen.any():  # nothing metered: the whole order counts as not delivered
        ordered_seen = ordered[after]
        return Judgement(
            order.order_id,
            order.site_id,
            base,
            float(np.nanmin(limit)) if np.isfinite(limit).any() else 0.0,
            float(np.mean(ordered_seen)) if ordered_seen.size else 0.0,
            0.0,
            float(np.mean(ordered_seen)) if ordered_seen.size else 0.0,
            float(np.sum(ordered_seen) / 60.0),
            0.0,
            float(np.sum(ordered_seen) / 60.0),
            0.0,
            0.0,
            reach_s,
            verdict,
            pkr(0),
            pkr(0),
        )
    return Judgement(
        order.order_id,
        order.site_id,
        base,
        float(np.nanmin(limit)),
        mean(ordered),
        mean(delivered),
        mean(shortfall),
        energy(ordered),
        energy(delivered),
        energy(shortfall),
        excess_mwh,
        not_shed,
        reach_s,
        verdict,
        excess_pkr,
        late_pkr if verdict in ("late", "exceeded") else pkr(0),
    )


@dataclass(frozen=True)
class Step:
    """Where a breach leaves a site: its number in twelve months and what follows."""

    breach_number: int
    escalation: Escalation


def escalate(
    earlier_breaches: Sequence[datetime],
    judgements: Sequence[tuple[datetime, bool]],
    suspension_after: int,
) -> list[Step]:
    """For a site's orders in time order (when, breach?), given the times of its breaches
    already judged: each breach's number over the twelve months before it, and the
    escalation the contract gives it.

    >>> from datetime import UTC
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> steps = escalate([], [(t, True), (t, False), (t, True), (t, True)], 3)
    >>> [(s.breach_number, s.escalation) for s in steps]
    [(1, 'warning'), (0, 'none'), (2, 'final_warning'), (3, 'suspension')]
    """
    history = sorted(earlier_breaches)
    steps = []
    for when, breached in judgements:
        if not breached:
            steps.append(Step(0, "none"))
            continue
        history.append(when)
        number = sum(1 for b in history if when - timedelta(days=365) < b <= when)
        level: Escalation = (
            "suspension"
            if number >= suspension_after
            else "final_warning"
            if number == suspension_after - 1
            else "warning"
        )
        steps.append(Step(number, level))
    return steps
