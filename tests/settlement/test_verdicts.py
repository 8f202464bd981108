"""Verdicts on orders, worked by hand, and the invariant delivered + shortfall = ordered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from surplus.settlement.verdicts import OrderWindow, escalate, judge_order
from tests.settlement.sheets import sheet

T0 = pd.Timestamp("2026-01-05T10:00Z")


def minutes(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.date_range(T0, periods=len(values), freq="1min"))


def order(start: int, end: int, limit: float) -> OrderWindow:
    a, b = T0 + pd.Timedelta(minutes=start), T0 + pd.Timedelta(minutes=end)
    return OrderWindow(1, 1, "shortfall", a.to_pydatetime(), a.to_pydatetime(), b.to_pydatetime(),
                       ((a.to_pydatetime(), b.to_pydatetime(), limit),))  # fmt: skip


SHEET = sheet(allocated_mw=10.0, telemetry={"tolerance_share": 0.02})  # 0.2 MW tolerance


def test_a_site_that_drops_in_time_complies() -> None:
    power = minutes([10.0] * 20 + [10.0] + [3.0] * 9)  # ordered to 4 MW at minute 20
    j = judge_order(order(20, 30, 4.0), SHEET, power)
    # Response is one minute: judged from minute 21; baseline 10 MW (meter before).
    assert j.verdict == "compliant" and j.reach_s == 60.0
    assert j.ordered_mw == pytest.approx(6.0) and j.delivered_mw == pytest.approx(6.0)
    assert j.shortfall_mw == 0.0 and j.penalty_pkr == 0


def test_a_site_that_drops_late_is_late_and_pays_for_the_mw_not_shed() -> None:
    power = minutes([10.0] * 21 + [8.0] + [3.0] * 8)
    j = judge_order(order(20, 30, 4.0), SHEET, power)
    assert j.verdict == "late"
    assert j.not_shed_mw == pytest.approx(8.0 - 4.0 - 0.2)
    # 10,000 PKR per MW not shed; excess 3.8 MW for one minute (0.063333 MWh, to the Wh)
    # at 240,000 PKR/MWh.
    assert j.penalty_late_pkr == Decimal("38000.00")
    assert j.penalty_excess_pkr == Decimal("15199.92")


def test_a_site_that_never_drops_exceeds_and_its_excess_energy_is_charged() -> None:
    power = minutes([10.0] * 30)
    j = judge_order(order(20, 30, 4.0), SHEET, power)
    assert j.verdict == "exceeded" and j.delivered_mw == 0.0 and j.shortfall_mw == 6.0
    assert j.excess_mwh == pytest.approx(9 * 5.8 / 60)  # 9 minutes after the deadline


def test_no_reading_after_the_deadline_is_no_data() -> None:
    power = minutes([10.0] * 21 + [np.nan] * 9)
    j = judge_order(order(20, 30, 4.0), SHEET, power)
    assert j.verdict == "no_data" and j.delivered_mw == 0.0 and j.shortfall_mw == 6.0


def test_escalation_counts_breaches_over_twelve_months() -> None:
    t = datetime(2026, 6, 1, tzinfo=UTC)
    earlier = [t - timedelta(days=400), t - timedelta(days=100)]  # one is too old to count
    steps = escalate(earlier, [(t, True), (t + timedelta(days=1), True)], 3)
    assert [(s.breach_number, s.escalation) for s in steps] == [
        (2, "final_warning"),
        (3, "suspension"),
    ]


power_values = st.lists(
    st.one_of(st.floats(0, 15), st.just(float("nan"))), min_size=40, max_size=40
)


@given(power_values, st.floats(0, 12), st.sampled_from(["meter_before", "firm"]))
def test_delivered_plus_shortfall_is_the_ordered_reduction(
    values: list[float], limit: float, method: str
) -> None:
    s = sheet(allocated_mw=10.0, telemetry={"baseline": method})
    j = judge_order(order(20, 40, limit), s, minutes(values))
    assert j.delivered_mw + j.shortfall_mw == pytest.approx(j.ordered_mw, abs=1e-9)
    assert j.delivered_mwh + j.shortfall_mwh == pytest.approx(j.ordered_mwh, abs=1e-9)
    assert 0.0 <= j.delivered_mw <= j.ordered_mw + 1e-12 and j.shortfall_mw >= 0.0
    assert j.excess_mwh >= 0.0 and j.penalty_pkr >= 0
