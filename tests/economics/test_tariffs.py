"""Tariffs as hourly prices, worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from surplus.economics.tariffs import (
    DynamicTariff,
    FixedTariff,
    TimeOfUseTariff,
    price_pkr_per_mwh,
)
from surplus.errors import InputError

DAY = pd.date_range("2026-01-01", periods=24, freq="h", tz="UTC")


def test_fixed_tariff_adds_losses_and_network() -> None:
    tariff = FixedTariff("f", 23_000.0, network_charge_pkr_per_mwh=1_000.0, loss_share=0.08)
    price = price_pkr_per_mwh(tariff, pd.Series(5_000.0, DAY))
    assert price.tolist() == pytest.approx([23_000 / 0.92 + 1_000] * 24)


def test_time_of_use_peak_is_in_local_time() -> None:
    # 17:00–22:00 in Karachi (UTC+5) is 12:00–17:00 UTC.
    tariff = TimeOfUseTariff("tou", peak_pkr_per_mwh=35_000, off_peak_pkr_per_mwh=22_000)
    price = price_pkr_per_mwh(tariff, pd.Series(0.0, DAY))
    peak_utc_hours = [t.hour for t, p in price.items() if p == 35_000]
    assert peak_utc_hours == [12, 13, 14, 15, 16]
    assert (price.drop(price.index[12:17]) == 22_000).all()


def test_peak_window_wraps_midnight() -> None:
    tariff = TimeOfUseTariff("tou", peak_start_hour=22, peak_hours=4)
    local_hours = DAY.tz_convert("Asia/Karachi").hour
    assert sorted(local_hours[tariff.is_peak(DAY)]) == [0, 1, 22, 23]


def test_dynamic_tariff_follows_cost_above_a_floor() -> None:
    tariff = DynamicTariff(
        "d",
        adder_pkr_per_mwh=1_000,
        floor_pkr_per_mwh=8_000,
        network_charge_pkr_per_mwh=500,
        loss_share=0.0,
    )
    cost = pd.Series([2_000.0, 10_000.0, 40_000.0], DAY[:3])
    assert price_pkr_per_mwh(tariff, cost).tolist() == [8_500.0, 11_500.0, 41_500.0]


@given(value=st.floats(0.0, 200_000.0), loss=st.floats(0.0, 0.3))
def test_dynamic_bid_is_where_the_price_meets_the_value(value: float, loss: float) -> None:
    tariff = DynamicTariff("d", loss_share=loss)
    bid = tariff.highest_marginal_cost_pkr_per_mwh(value)
    if bid == float("-inf"):
        floor_price = price_pkr_per_mwh(tariff, pd.Series(0.0, DAY[:1])).iloc[0]
        assert floor_price > value
        return
    price = price_pkr_per_mwh(tariff, pd.Series(bid, DAY[:1])).iloc[0]
    assert price == pytest.approx(value, rel=1e-9, abs=1e-6)


def test_negative_rates_are_refused() -> None:
    with pytest.raises(InputError, match="rate"):
        FixedTariff("bad", -1.0)
    with pytest.raises(InputError, match="loss_share"):
        DynamicTariff("bad", loss_share=1.0)
