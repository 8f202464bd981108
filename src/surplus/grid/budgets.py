"""Monthly energy limits as tables: what each reservoir plant may release, and what each
limited fuel may generate, per local month.

The dispatch, the PyPSA export and the calibration all read the budgets the same way, so
they agree on which plants are budgeted, which calendar month an hour falls in (local
time, not UTC) and how much water a partly covered month gets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from surplus.grid.model import Dataset

MONTHS = range(1, 13)


def monthly_hydro_budgets_mwh(dataset: Dataset, *, pro_rated: bool = True) -> pd.DataFrame:
    """Local months 1..12 × operating plants with a budget (in the order the budgets list
    them), MWh; inf where a plant has no budget for a month.

    With `pro_rated`, each month's figure is scaled by the share of that month's hours the
    dataset holds (0 for a month it does not cover), so a window of a few days gets the
    matching part of its month's water; without, the full monthly figures.
    """
    budgets = dataset.hydro_budgets
    if "plant" not in budgets.columns:
        budgets = budgets.reset_index()
    operating = dataset.operating_plants.index
    budgets = budgets[budgets["plant"].isin(operating)] if len(budgets) else budgets
    plants = pd.Index(pd.unique(budgets["plant"]), dtype=object, name="plant")
    values = np.full((len(MONTHS), len(plants)), np.inf)
    months = budgets["month"].to_numpy(int) - 1
    values[months, plants.get_indexer(budgets["plant"])] = budgets["energy_mwh"].to_numpy(float)
    table = pd.DataFrame(values, index=pd.Index(MONTHS, name="month"), columns=plants)
    return _pro_rate(dataset, table) if pro_rated and len(plants) else table


def monthly_fuel_limits_mwh(dataset: Dataset, *, pro_rated: bool = True) -> pd.DataFrame:
    """Local months 1..12 × limited fuels that some operating plant burns (in the order the
    limits list them), MWh; inf where a fuel has no limit for a month. Pro-rated to the
    hours present as `monthly_hydro_budgets_mwh` is."""
    limits = dataset.fuel_limits
    burnt = set(dataset.operating_plants["fuel"].astype(str))
    limits = limits[limits["fuel"].astype(str).isin(burnt)] if len(limits) else limits
    fuels = pd.Index(pd.unique(limits["fuel"].astype(str)), dtype=object, name="fuel")
    values = np.full((len(MONTHS), len(fuels)), np.inf)
    months = limits["month"].to_numpy(int) - 1
    values[months, fuels.get_indexer(limits["fuel"].astype(str))] = limits["energy_mwh"].to_numpy(
        float
    )
    table = pd.DataFrame(values, index=pd.Index(MONTHS, name="month"), columns=fuels)
    return _pro_rate(dataset, table) if pro_rated and len(fuels) else table


def _pro_rate(dataset: Dataset, table: pd.DataFrame) -> pd.DataFrame:
    """Each month's figure × the share of that month's hours the dataset holds."""
    present, hours_in_month = hours_by_month(dataset)
    with np.errstate(invalid="ignore"):  # inf × 0 hours: kept as inf below
        scaled = table.to_numpy() * present[:, None] / hours_in_month[:, None]
    return table.where(np.isinf(table), scaled)


def hours_by_month(dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Hours the dataset holds in each local calendar month 1..12, and the month's full
    length in hours (that of its first covered year: a leap February has 696; 1 where the
    dataset has no hour of the month, to keep divisions defined)."""
    local = dataset.local_snapshots
    months = local.month.to_numpy()
    present = np.bincount(months, minlength=13)[1:].astype(float)
    full = np.ones(12)
    for month in np.flatnonzero(present) + 1:
        year = int(local[months == month][0].year)
        start = pd.Timestamp(year=year, month=int(month), day=1, tz=local.tz)
        full[month - 1] = (start + pd.offsets.MonthBegin(1) - start) / pd.Timedelta(hours=1)
    return present, full
