"""Data-centre accounts and its flexibility envelope."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surplus.errors import InputError
from surplus.loads import DataCentre, datacentre_economics, outside_envelope

HOURS = pd.date_range("2026-01-01", periods=12, freq="h", tz="UTC")
RATE = 280.0


def bare(**kwargs: object) -> DataCentre:
    values: dict[str, object] = {
        "it_mw": 100.0,
        "pue": 1.0,
        "opex_usd_per_mwh": 0.0,
        "capex_usd_per_mw": 0.0,
        "utilisation": 1.0,
    }
    values.update(kwargs)
    return DataCentre("dc", **values)  # type: ignore[arg-type]


def test_quarter_of_load_for_three_hours_is_within_the_envelope() -> None:
    centre = bare(pue=1.2)  # 120 MW at the meter, 30 MW flexible
    curtailed = pd.Series(0.0, HOURS)
    curtailed.iloc[2:5] = 30.0
    assert not outside_envelope(centre, curtailed).any()
    curtailed.iloc[5] = 30.0  # a fourth hour in a row
    assert outside_envelope(centre, curtailed).tolist() == [False] * 5 + [True] + [False] * 6
    curtailed.iloc[8] = 31.0  # deeper than the flexible share
    assert outside_envelope(centre, curtailed).sum() == 2


def test_accounts_by_hand() -> None:
    # 100 MW for 12 h, 25 MW shed in 2 h: 1,150 MWh at 1,400 USD of compute and Rs 23/kWh.
    centre = bare()
    curtailed = pd.Series(0.0, HOURS)
    curtailed.iloc[[3, 4]] = 25.0
    result = datacentre_economics(centre, curtailed, 23_000.0, RATE)
    assert result.energy_mwh == pytest.approx(1_150.0)
    assert result.revenue_usd == pytest.approx(1_150.0 * 1_400.0)
    assert result.energy_cost_pkr == pytest.approx(1_150.0 * 23_000.0)
    assert result.profit_pkr == pytest.approx(1_150.0 * (1_400.0 * RATE - 23_000.0))
    assert result.export_revenue_usd == pytest.approx(0.5 * 1_150.0 * 1_400.0)
    assert result.meets_uptime and result.hours_outside_envelope == 0


def test_an_outage_breaks_the_uptime_requirement() -> None:
    centre = bare(uptime_required=0.95)
    curtailed = pd.Series(0.0, HOURS)
    curtailed.iloc[0] = 100.0
    result = datacentre_economics(centre, curtailed, 23_000.0, RATE)
    assert result.hours_outside_envelope == 1
    assert result.uptime_achieved == pytest.approx(11 / 12)
    assert not result.meets_uptime


def test_capital_charge_is_an_annuity_share() -> None:
    # 20 M USD/MW × 100 MW at 12 % over 6 years, for 12 h of a year.
    centre = bare(capex_usd_per_mw=20e6)
    result = datacentre_economics(centre, pd.Series(0.0, HOURS), 0.0, RATE)
    annuity = 2e9 * 0.12 / (1 - 1.12**-6)
    assert result.capital_charge_pkr == pytest.approx(annuity * 12 / 8760 * RATE)


def test_bad_centre_is_refused() -> None:
    with pytest.raises(InputError) as error:
        DataCentre("bad", pue=0.9, flexible_share=1.5)
    assert {p.column for p in error.value.problems} == {"pue", "flexible_share"}


@settings(max_examples=60, deadline=None)
@given(
    shares=st.lists(st.floats(0.0, 1.0), min_size=12, max_size=12),
    hour=st.integers(0, 11),
    extra=st.floats(0.01, 1.0),
    tariff=st.floats(0.0, 250_000.0),
)
def test_profit_falls_when_curtailment_rises(
    shares: list[float], hour: int, extra: float, tariff: float
) -> None:
    centre = DataCentre("p")  # earns 313,600 - 16,800 opex PKR/MWh, above any tariff drawn
    base = pd.Series(shares, HOURS) * centre.grid_mw
    more = base.copy()
    more.iloc[hour] = min(centre.grid_mw, more.iloc[hour] + extra * centre.grid_mw)
    before = datacentre_economics(centre, base, tariff, RATE)
    after = datacentre_economics(centre, more, tariff, RATE)
    if more.sum() > base.sum() + 1e-9:
        assert after.profit_pkr < before.profit_pkr
    else:  # already (all but rounding) fully curtailed in that hour
        assert after.profit_pkr == pytest.approx(before.profit_pkr, rel=1e-12)
    assert after.uptime_achieved <= before.uptime_achieved
