"""Miner fleet accounts: worked by hand, and the properties any curtailment must keep."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surplus.errors import InputError
from surplus.loads import MinerFleet, asic_model, curtailment_from_share, miner_economics

DAY = pd.date_range("2026-01-01", periods=24, freq="h", tz="UTC")
RATE = 280.0


def bare_fleet(**kwargs: object) -> MinerFleet:
    """A fleet with no costs other than energy, so revenue and profit are pure arithmetic."""
    settings_: dict[str, object] = {
        "cooling_overhead": 0.0,
        "pool_fee_share": 0.0,
        "opex_usd_per_mwh": 0.0,
        "asic_price_usd_per_th": 0.0,
        "site_capex_usd_per_mw": 0.0,
        "restart_minutes": 0.0,
    }
    settings_.update(kwargs)
    return MinerFleet("test", **settings_)  # type: ignore[arg-type]


def test_100_phs_at_50_usd_earns_5000_usd_a_day() -> None:
    # S21 XP: 13.5 J/TH, so 100 PH/s draws 1.35 MW.
    fleet = bare_fleet(grid_mw=1.35, mix=(("antminer_s19j_pro", 0.0), ("antminer_s21_xp", 1.0)))
    assert fleet.hashrate_phs == pytest.approx(100.0)
    result = miner_economics(fleet, pd.Series(0.0, DAY), 0.0, 50.0, RATE)
    assert result.revenue_usd == pytest.approx(5_000.0)
    assert result.energy_mwh == pytest.approx(1.35 * 24)


def test_mixed_fleet_hashrate_and_efficiency() -> None:
    # 10 MW of ASICs, half S21 (17.5 J/TH) and half S19j Pro (29.5 J/TH):
    # 5,000 kW / 17.5 + 5,000 kW / 29.5 PH/s.
    fleet = bare_fleet(
        grid_mw=10.5, cooling_overhead=0.05, mix=(("antminer_s21", 0.5), ("antminer_s19j_pro", 0.5))
    )
    expected = 5000 / 17.5 + 5000 / 29.5
    assert fleet.hashrate_phs == pytest.approx(expected)
    assert fleet.efficiency_j_per_th == pytest.approx(10_000 / expected)


def test_asic_capex_matches_the_reference_estimate() -> None:
    # Reference: S21 XP fleet at 25.70 USD/TH ≈ 1.9 M USD per MW of miners.
    fleet = MinerFleet("capex", grid_mw=1.0, cooling_overhead=0.0, site_capex_usd_per_mw=0.0)
    assert fleet.capex_usd == pytest.approx(1.9e6, rel=0.01)


def test_models_carry_the_reference_efficiencies() -> None:
    for name, j_per_th in [
        ("antminer_s21_xp", 13.5),
        ("antminer_s21", 17.5),
        ("antminer_s19j_pro", 29.5),
        ("antminer_s21_pro", 15.0),
        ("whatsminer_m66s_plus", 17.0),
        ("whatsminer_m60s", 18.5),
    ]:
        assert asic_model(name).efficiency_j_per_th == pytest.approx(j_per_th, abs=0.05)


def test_on_off_curtailment_sheds_whole_containers() -> None:
    fleet = bare_fleet(grid_mw=10.0, curtailment_mode="on_off", block_mw=1.5)
    asked = pd.Series([0.0, 0.1, 2.1, 3.0, 9.9], index=DAY[:5])
    assert fleet.effective_curtailment_mw(asked).tolist() == [0.0, 1.5, 3.0, 3.0, 10.0]


def test_restart_loses_output_but_not_energy() -> None:
    # 100 MW off in hour 1, back in hour 2 with a 6-minute restart: 0.1 h × 100 MW lost.
    fleet = bare_fleet(grid_mw=100.0, restart_minutes=6.0)
    curtailed = pd.Series(0.0, DAY)
    curtailed.iloc[1] = 100.0
    result = miner_economics(fleet, curtailed, 0.0, 48.0, RATE)
    mw_hours_hashing = 100.0 * 23 - 10.0
    expected_usd = mw_hours_hashing * fleet.hashrate_phs / 100.0 * 48.0 / 24.0
    assert result.revenue_usd == pytest.approx(expected_usd)
    assert result.energy_mwh == pytest.approx(100.0 * 23)
    assert result.curtailed_mwh == pytest.approx(100.0)


def test_curtailment_outside_capacity_is_refused() -> None:
    fleet = bare_fleet(grid_mw=10.0)
    with pytest.raises(InputError, match="curtailed_mw"):
        miner_economics(fleet, pd.Series(11.0, DAY), 0.0, 50.0, RATE)
    with pytest.raises(InputError, match="curtailed_mw"):
        miner_economics(fleet, pd.Series(-1.0, DAY), 0.0, 50.0, RATE)


def test_bad_fleets_are_refused_with_every_problem() -> None:
    with pytest.raises(InputError) as error:
        MinerFleet("bad", grid_mw=-5.0, cooling_overhead=2.0)
    assert {p.column for p in error.value.problems} == {"grid_mw", "cooling_overhead"}
    with pytest.raises(InputError, match="mix"):
        MinerFleet("bad", mix=(("antminer_s21", 0.5),))
    with pytest.raises(InputError, match="antminer_s9"):
        MinerFleet("bad", mix=(("antminer_s9", 1.0),))


def test_btc_mined_is_the_fleet_share_of_issuance() -> None:
    # 1 % of a 1,000 EH/s network for a day: 1 % of 144 × 3.125 BTC.
    fleet = bare_fleet(grid_mw=10.0 * 13.5)  # 10 EH/s of S21 XP
    price = 80_000.0
    hashprice = 144 * 3.125 * price / 1e6
    result = miner_economics(fleet, pd.Series(0.0, DAY), 0.0, hashprice, RATE, price)
    assert result.btc_mined == pytest.approx(0.01 * 144 * 3.125)


curtailments = st.lists(st.floats(0.0, 1.0), min_size=24, max_size=24)


@settings(max_examples=60, deadline=None)
@given(
    shares=curtailments,
    extra=st.floats(0.01, 1.0),
    hour=st.integers(0, 23),
    hashprice=st.floats(20.0, 120.0),
    margin=st.floats(0.05, 0.9),
    mode=st.sampled_from(["power_target", "on_off"]),
)
def test_profit_falls_when_curtailment_rises(
    shares: list[float], extra: float, hour: int, hashprice: float, margin: float, mode: str
) -> None:
    fleet = MinerFleet("p", grid_mw=30.0, curtailment_mode=mode)  # type: ignore[arg-type]
    # A tariff below what a MWh earns once restart losses are paid for, so shedding hurts.
    earned_pkr = fleet.hashrate_phs / fleet.grid_mw * hashprice / 24 * 0.98 * RATE
    keep = 1.0 - fleet.restart_minutes / 60.0
    tariff = (earned_pkr * keep - fleet.opex_usd_per_mwh * RATE) * (1.0 - margin)
    base = curtailment_from_share(pd.Series(shares, DAY), fleet.grid_mw)
    more = base.copy()
    more.iloc[hour] = min(fleet.grid_mw, more.iloc[hour] + extra * fleet.grid_mw)
    before = miner_economics(fleet, base, tariff, hashprice, RATE)
    after = miner_economics(fleet, more, tariff, hashprice, RATE)
    assert after.profit_pkr <= before.profit_pkr + 1e-6 * abs(before.profit_pkr)


@settings(max_examples=60, deadline=None)
@given(shares=curtailments, hashprice=st.floats(10.0, 150.0), tariff=st.floats(0, 60_000))
def test_breakeven_tariff_gives_zero_profit(
    shares: list[float], hashprice: float, tariff: float
) -> None:
    fleet = MinerFleet("b", grid_mw=50.0, restart_minutes=5.0)
    curtailed = curtailment_from_share(pd.Series(shares, DAY), fleet.grid_mw)
    first = miner_economics(fleet, curtailed, tariff, hashprice, RATE)
    if first.energy_mwh < 1e-9:
        assert np.isnan(first.breakeven_tariff_pkr_per_mwh)
        return
    at_breakeven = miner_economics(
        fleet, curtailed, first.breakeven_tariff_pkr_per_mwh, hashprice, RATE
    )
    assert at_breakeven.profit_pkr == pytest.approx(0.0, abs=1e-6 * first.revenue_pkr + 1e-3)
    cash = miner_economics(
        fleet, curtailed, first.cash_breakeven_tariff_pkr_per_mwh, hashprice, RATE
    )
    assert cash.profit_pkr + cash.capital_charge_pkr == pytest.approx(
        0.0, abs=1e-6 * first.revenue_pkr + 1e-3
    )


def test_the_reserve_levy_is_a_cost_in_profit_and_breakeven() -> None:
    # 100 PH/s at 50 USD/PH/day: 5,000 USD a day from 32.4 MWh. A 10 % share of coins mined
    # is 500 USD; a 2 USD/MWh fee is 64.8 USD; together Rs 158,144 at 280. At Rs 20,000/MWh
    # the energy costs Rs 648,000; revenue is Rs 1,400,000.
    from surplus.loads.miner import Levy

    fleet = bare_fleet(grid_mw=1.35, mix=(("antminer_s21_xp", 1.0),))
    curtailed = pd.Series(0.0, DAY)
    before = miner_economics(fleet, curtailed, 20_000.0, 50.0, RATE, 100_000.0)
    after = miner_economics(fleet, curtailed, 20_000.0, 50.0, RATE, 100_000.0, Levy(0.1, 2.0))
    levy_pkr = (500.0 + 2.0 * 32.4) * RATE
    assert after.levy_pkr == pytest.approx(levy_pkr)
    # (The S21 XP carries its own ASIC price, so there is a capital charge besides.)
    assert after.cash_profit_pkr == pytest.approx(1_400_000 - 648_000 - levy_pkr)
    assert after.profit_pkr == pytest.approx(after.cash_profit_pkr - after.capital_charge_pkr)
    assert after.cash_profit_pkr == pytest.approx(before.cash_profit_pkr - levy_pkr)
    # Cash breakeven: (revenue − levy) / energy = (1,400,000 − 158,144) / 32.4 = Rs 38,329.
    assert after.cash_breakeven_tariff_pkr_per_mwh == pytest.approx(38_328.9, abs=0.1)
    assert before.cash_breakeven_tariff_pkr_per_mwh == pytest.approx(1_400_000 / 32.4)
    # In bitcoin: 5,000 USD is 0.05 BTC at 100k; the levy 0.1 × 0.05 + 64.8 / 100,000.
    assert after.levy_btc == pytest.approx(0.005 + 0.000648)


def test_the_run_decision_is_the_cash_value_against_the_tariff() -> None:
    from surplus.loads.miner import Levy, cash_value_pkr_per_mwh, runs

    fleet = bare_fleet(grid_mw=1.35, mix=(("antminer_s21_xp", 1.0),), opex_usd_per_mwh=5.0)
    # 5,000 USD over 32.4 MWh = 154.32 USD/MWh mined; 90 % kept = 138.89; −5 = 133.89 USD.
    value = cash_value_pkr_per_mwh(fleet, 50.0, RATE, Levy(0.1, 0.0))
    assert value == pytest.approx((5_000 / 32.4 * 0.9 - 5.0) * RATE)
    hashprice = pd.Series([50.0, 50.0, 20.0], DAY[:3])
    tariff = pd.Series([value, value + 1, 0.4 * value], DAY[:3])
    # At 20 USD/PH/day it is worth (61.73 × 0.9 − 5) × 280 = Rs 14,156 ≥ 0.4 × 37,489.
    assert runs(fleet, hashprice, tariff, RATE, Levy(0.1, 0.0)).tolist() == [True, False, False]
