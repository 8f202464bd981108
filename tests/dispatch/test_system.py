"""What the dispatch refuses before it builds a programme."""

from __future__ import annotations

import pandas as pd
import pytest

from surplus.dispatch import DispatchError, dispatch
from tests.dispatch.systems import make_dataset

PLANT = {"plant": "p", "zone": "z", "capacity_mw": 100.0, "variable_cost_pkr_per_mwh": 1.0}


def test_a_month_that_comes_back_is_refused() -> None:
    # Jan, Feb, then Jan of the next year: budgets are per calendar month, so both Januaries
    # would each get January's water.
    stamps = ["2025-01-31T23:00+05:00", "2025-02-01T00:00+05:00", "2026-01-01T00:00+05:00"]
    index = pd.DatetimeIndex([pd.Timestamp(s).tz_convert("UTC") for s in stamps])
    dataset = make_dataset(["z"], [PLANT], {"z": [10.0, 10.0, 10.0]}, index=index)
    with pytest.raises(DispatchError, match="appears twice"):
        dispatch(dataset)
    two_months = make_dataset(["z"], [PLANT], {"z": [10.0, 10.0]}, index=index[:2])
    assert dispatch(two_months).generation_mw["p"].tolist() == [10.0, 10.0]
