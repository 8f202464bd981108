"""Statements worked by hand (fixed, time-of-use, dynamic, curtail-on-price), and the
invariant that a statement is the sum of its lines, each rounded once."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from surplus.errors import SurplusError
from surplus.settlement.money import ENERGY_DIGITS, PRICE_DIGITS, scaled
from surplus.settlement.statements import MeterUse, SiteMonth, Statement, build_statement
from tests.settlement.sheets import fixed, sheet

METER = MeterUse(source="meter", version=0, readings=0, expected_readings=0, hours_billed=0,
                 hours_without_readings=0, flags=0, sha256="x")  # fmt: skip


def hours(start: str, n: int) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="h", tz="UTC")


def amounts(statement: Statement) -> dict[str, Decimal]:
    return {line.code: line.amount_pkr for line in statement.lines}


def test_a_fixed_tariff_by_hand() -> None:
    # 20,000 PKR/MWh grossed up for 20 % losses is 25,000 at the meter; network 500.
    s = sheet(tariff=fixed(20_000.0, 500.0, 0.2))
    site = SiteMonth(1, s, hours("2026-01-05", 4), np.array([10.0, 10.0, 5.5, np.nan]), METER)
    statement = build_statement("2026-01", "Op A", [site])
    assert amounts(statement) == {
        "energy": Decimal("637500.00"),  # 25.5 MWh × 25,000
        "network": Decimal("12750.00"),  # 25.5 MWh × 500
        "penalty_telemetry_gap": Decimal("5000.00"),  # one hour without readings × 5,000
    }
    assert statement.total_pkr == Decimal("655250.00")
    assert statement.energy_mwh == Decimal("25.5")


def test_a_time_of_use_tariff_by_hand() -> None:
    # 16:00 to 19:00 in Karachi: one off-peak hour, then three in the peak (from 17:00).
    tou = {"rule": "tou", "basis": "time_of_use", "peak_pkr_per_mwh": 30_000.0,
           "off_peak_pkr_per_mwh": 10_000.0, "peak_start_hour": 17, "peak_hours": 4,
           "adder_pkr_per_mwh": None, "floor_pkr_per_mwh": None, "loss_share": 0.0,
           "network_charge_pkr_per_mwh": 1_000.0}  # fmt: skip
    site = SiteMonth(1, sheet(tariff=tou), hours("2026-01-05T11:00", 4), np.full(4, 2.0), METER)
    statement = build_statement("2026-01", "Op A", [site])
    assert amounts(statement) == {
        "energy_peak": Decimal("180000.00"),  # 6 MWh × 30,000
        "energy_off_peak": Decimal("20000.00"),  # 2 MWh × 10,000
        "network": Decimal("8000.00"),
    }
    assert statement.total_pkr == Decimal("208000.00")


def test_a_dynamic_tariff_by_hand() -> None:
    # max(mc + 1,000, 8,600) / 0.97: 8,600 / 0.97 = 8,865.98; 13,000.123 / 0.97 = 13,402.19.
    s = sheet()  # the simulated programme's dynamic tariff
    h = hours("2026-01-05", 2)
    cost = pd.Series([5_000.0, 12_000.123], index=h)
    site = SiteMonth(1, s, h, np.array([1.0, 2.0]), METER, cost)
    statement = build_statement("2026-01", "Op A", [site])
    assert amounts(statement) == {"energy": Decimal("35670.36"), "network": Decimal("3000.00")}
    assert statement.total_pkr == Decimal("38670.36")
    # The cost of serving: 1 × (5,000 / 0.97 + 1,000) + 2 × (12,000.123 / 0.97 + 1,000)
    # = 6,154.64 + 2 × 13,371.26.
    assert statement.sites[0].cost_of_serving_pkr == Decimal("32897.16")
    assert statement.sites[0].revenue_pkr == Decimal("38670.36")


def test_curtail_on_price_charges_the_cost_above_the_tariff_in_priced_out_hours() -> None:
    s = sheet(
        tariff=fixed(23_000.0, 1_000.0, 0.03, cost_cap_pkr_per_mwh=21_340.0),
        rights={"on_price": True},
    )
    h = hours("2026-01-05", 2)
    cost = pd.Series([20_000.0, 25_000.0], index=h)  # the second hour is above the cap
    site = SiteMonth(1, s, h, np.array([10.0, 4.0]), METER, cost)
    found = amounts(build_statement("2026-01", "Op A", [site]))
    assert found["energy"] == Decimal("331958.76")  # 14 × 23,711.34
    assert found["network"] == Decimal("14000.00")
    assert found["price_cap_recovery"] == Decimal("8247.44")  # 4 × (2,000 / 0.97 = 2,061.86)


def test_a_dynamic_tariff_without_marginal_cost_is_refused() -> None:
    site = SiteMonth(1, sheet(), hours("2026-01-05", 2), np.ones(2), METER)
    with pytest.raises(SurplusError, match="marginal cost"):
        build_statement("2026-01", "Op A", [site])


def test_miners_owe_their_reserve_share_in_kind_and_data_centres_none() -> None:
    s = sheet(tariff=fixed(20_000.0, 0.0, 0.0))
    dc = sheet(site_id=2, tariff=fixed(20_000.0, 0.0, 0.0), kind="ai_data_centre")
    h = hours("2026-01-05", 2)
    statement = build_statement("2026-01", "Op A", [
        SiteMonth(1, s, h, np.array([100.0, 100.0]), METER),
        SiteMonth(2, dc, h, np.array([100.0, 100.0]), METER),
    ])  # fmt: skip
    (share,) = statement.reserve
    assert share.site_id == 1 and share.share == pytest.approx(0.1)
    assert float(share.btc) == pytest.approx(200.0 * share.btc_per_mwh * 0.1, abs=1e-8)
    assert "reserve" not in {line.code for line in statement.lines}  # not in the PKR total


def test_credits_reduce_the_total() -> None:
    s = sheet(tariff=fixed(20_000.0, 0.0, 0.0))
    site = SiteMonth(1, s, hours("2026-01-05", 1), np.array([1.0]), METER,
                     credits=(("goodwill after a meter fault", Decimal("1234.567")),))  # fmt: skip
    statement = build_statement("2026-01", "Op A", [site])
    assert amounts(statement)["credit"] == Decimal("-1234.57")
    assert statement.total_pkr == Decimal("18765.43")


money = st.floats(0, 500, allow_nan=False)


@given(
    energy=st.lists(st.one_of(money, st.just(float("nan"))), min_size=1, max_size=48),
    cost=st.floats(-5_000, 200_000),
    rate=st.floats(0, 100_000),
    loss=st.floats(0, 0.5),
)
def test_a_statement_is_the_sum_of_its_lines_each_rounded_once(
    energy: list[float], cost: float, rate: float, loss: float
) -> None:
    h = hours("2026-03-01", len(energy))
    costs = pd.Series(np.linspace(cost, cost * 1.5 + 1, len(h)), index=h)
    sites = [
        SiteMonth(1, sheet(tariff=fixed(rate, 700.0, loss)), h, np.array(energy), METER),
        SiteMonth(2, sheet(site_id=2), h, np.array(energy), METER, costs),
    ]
    statement = build_statement("2026-03", "Op A", sites)
    assert statement.total_pkr == sum(line.amount_pkr for line in statement.lines)
    assert all(
        line.amount_pkr == line.amount_pkr.quantize(Decimal("0.01")) for line in statement.lines
    )
    # Each line is within half a paisa of the exact sum at the stated resolutions.
    for site_id in (1, 2):
        (table,) = [h for h in statement.hours if h.site_id == site_id]
        exact = sum(e * p for e, p in zip(table.energy_mwh, table.energy_pkr_per_mwh, strict=True))
        line = next(x for x in statement.lines if x.site_id == site_id and x.code == "energy")
        assert abs(line.amount_pkr - exact) <= Decimal("0.005")


def test_the_resolutions_are_the_stated_ones() -> None:
    assert scaled([0.5, 1.5, 2.5, -0.5], 0) == [0, 2, 2, 0]  # half to even
    assert scaled([1.25], ENERGY_DIGITS) == [1_250_000]  # watt-hours
    assert scaled([1.25], PRICE_DIGITS) == [125]  # paisa
