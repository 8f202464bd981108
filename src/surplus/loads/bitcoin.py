"""Bitcoin network economics: block subsidy by date, hashprice, and scenario paths.

Hashprice is what one PH/s earns in a day: all coins issued in a day (subsidy plus fees, 144
blocks) shared over the network hashrate, at the BTC price. The scenario inputs (price, fees,
network hashrate) are hourly series so a constant, a file or a random path all look the same
to the load models.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from surplus.errors import InputError, Problem
from surplus.loads.catalogue import BITCOIN

HALVINGS_UTC: tuple[tuple[pd.Timestamp, float], ...] = (
    (pd.Timestamp("2024-04-20 00:09", tz="UTC"), 3.125),
    (pd.Timestamp("2028-04-15 00:00", tz="UTC"), 1.5625),
)
"""(start, subsidy BTC) after each halving: block 840,000 [FORBESIN-HALV]; block 1,050,000
estimated for mid-April 2028 [HRI-DATA-NOV24]. Before the first entry the subsidy was 6.25."""

HASHES_PER_DIFFICULTY = 2**32
BLOCK_SECONDS = 600.0


def block_subsidy_btc(index: pd.DatetimeIndex) -> pd.Series:
    """Block subsidy at each timestamp, BTC.

    >>> t = pd.DatetimeIndex(["2025-01-01", "2029-01-01"], tz="UTC")
    >>> block_subsidy_btc(t).tolist()
    [3.125, 1.5625]
    """
    subsidy = np.full(len(index), 6.25)
    for start, value in HALVINGS_UTC:
        subsidy[index >= start] = value
    return pd.Series(subsidy, index=index, name="subsidy_btc")


def hashrate_from_difficulty_ehs(difficulty: float) -> float:
    """Network hashrate implied by a difficulty, EH/s (H = D × 2^32 / 600).

    >>> round(hashrate_from_difficulty_ehs(148.26e12))
    1061
    """
    return difficulty * HASHES_PER_DIFFICULTY / BLOCK_SECONDS / 1e18


def hashprice_usd_per_phs_day(
    btc_price_usd: float | pd.Series,
    subsidy_btc: float | pd.Series,
    fees_btc_per_block: float | pd.Series,
    network_hashrate_ehs: float | pd.Series,
    blocks_per_day: float = BITCOIN.default("blocks_per_day"),
) -> float | pd.Series:
    """Expected revenue of 1 PH/s for one day, USD.

    >>> round(hashprice_usd_per_phs_day(91_132, 3.125, 0.017, 1061.0), 2)
    38.86
    """
    network_phs = network_hashrate_ehs * 1000.0
    result: float | pd.Series = (
        (subsidy_btc + fees_btc_per_block) * blocks_per_day * btc_price_usd / network_phs
    )
    return result


def revenue_usd_per_mwh(
    hashprice: float | pd.Series, efficiency_j_per_th: float, pue: float = 1.0
) -> float | pd.Series:
    """Mining revenue per MWh drawn from the grid: 1 PH/s at e J/TH draws e kW.

    >>> round(revenue_usd_per_mwh(39.53, 17.0))
    97
    """
    result: float | pd.Series = hashprice / (0.024 * efficiency_j_per_th * pue)
    return result


@dataclass(frozen=True)
class BitcoinScenario:
    """Hourly BTC price, fees per block and network hashrate (without the programme's own)."""

    btc_price_usd: pd.Series
    fees_btc_per_block: pd.Series
    network_hashrate_ehs: pd.Series

    @property
    def index(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.btc_price_usd.index)

    def hashprice_usd_per_phs_day(self, added_hashrate_ehs: float = 0.0) -> pd.Series:
        """Hashprice each hour once `added_hashrate_ehs` (the programme's fleet) joins."""
        subsidy = block_subsidy_btc(self.index)
        network = self.network_hashrate_ehs + added_hashrate_ehs
        values = hashprice_usd_per_phs_day(
            self.btc_price_usd, subsidy, self.fees_btc_per_block, network
        )
        return pd.Series(values, index=self.index, name="hashprice_usd_per_phs_day")

    def with_price(self, btc_price_usd: float) -> BitcoinScenario:
        """The same path with a constant BTC price, for price sweeps."""
        price = pd.Series(float(btc_price_usd), index=self.index, name="btc_price_usd")
        return BitcoinScenario(price, self.fees_btc_per_block, self.network_hashrate_ehs)


def constant_scenario(
    index: pd.DatetimeIndex,
    btc_price_usd: float = BITCOIN.default("btc_price_usd"),
    fees_btc_per_block: float = BITCOIN.default("fees_btc_per_block"),
    network_hashrate_ehs: float = BITCOIN.default("network_hashrate_ehs"),
) -> BitcoinScenario:
    """The same price, fees and hashrate every hour."""
    _check_positive("bitcoin scenario", btc_price_usd, "btc_price_usd")
    _check_positive("bitcoin scenario", network_hashrate_ehs, "network_hashrate_ehs")

    def constant(value: float, name: str) -> pd.Series:
        return pd.Series(float(value), index=index, name=name)

    return BitcoinScenario(
        constant(btc_price_usd, "btc_price_usd"),
        constant(fees_btc_per_block, "fees_btc_per_block"),
        constant(network_hashrate_ehs, "network_hashrate_ehs"),
    )


def stochastic_scenario(
    index: pd.DatetimeIndex,
    seed: int,
    btc_price_usd: float = BITCOIN.default("btc_price_usd"),
    price_volatility: float = BITCOIN.default("price_volatility"),
    price_drift: float = BITCOIN.default("price_drift"),
    network_hashrate_ehs: float = BITCOIN.default("network_hashrate_ehs"),
    hashrate_growth: float = BITCOIN.default("hashrate_growth"),
    fees_btc_per_block: float = BITCOIN.default("fees_btc_per_block"),
) -> BitcoinScenario:
    """A seeded daily geometric Brownian motion for price, held through each day, and a
    smooth exponential drift for hashrate (difficulty moves every two weeks, not hourly)."""
    _check_positive("bitcoin scenario", btc_price_usd, "btc_price_usd")
    rng = np.random.default_rng(seed)
    days = (index - index[0]) / pd.Timedelta(days=1)
    day = np.floor(np.asarray(days, dtype=float)).astype(int)
    n_days = int(day.max()) + 1 if len(day) else 0
    dt = 1.0 / 365.0
    steps = (price_drift - 0.5 * price_volatility**2) * dt + price_volatility * np.sqrt(
        dt
    ) * rng.standard_normal(n_days)
    log_path = np.concatenate([[0.0], np.cumsum(steps)[:-1]]) if n_days else np.array([])
    price = btc_price_usd * np.exp(log_path[day])
    hashrate = network_hashrate_ehs * np.exp(np.log1p(hashrate_growth) * np.asarray(days) / 365)
    return BitcoinScenario(
        pd.Series(price, index=index, name="btc_price_usd"),
        pd.Series(float(fees_btc_per_block), index=index, name="fees_btc_per_block"),
        pd.Series(hashrate, index=index, name="network_hashrate_ehs"),
    )


CSV_COLUMNS = ("timestamp", "btc_price_usd", "fees_btc_per_block", "network_hashrate_ehs")


def scenario_from_csv(path: Path, index: pd.DatetimeIndex) -> BitcoinScenario:
    """Read a scenario file (any time step, UTC timestamps) and hold each value forward to
    the hourly `index`. Every bad cell is reported with its row and column."""
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError) as error:
        problem = Problem(str(path), None, None, "a readable CSV file", str(error))
        raise InputError(problem) from None
    missing = [c for c in CSV_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            [Problem(str(path), 1, c, "this column in the header", "nothing") for c in missing]
        )
    problems: list[Problem] = []
    stamps = pd.to_datetime(frame["timestamp"], utc=True, errors="coerce")
    raw_stamps = frame["timestamp"].astype(str).tolist()
    for row in np.flatnonzero(stamps.isna().to_numpy()):
        problems.append(
            Problem(str(path), int(row) + 2, "timestamp", "an ISO timestamp", raw_stamps[row])
        )
    values = {}
    for column in CSV_COLUMNS[1:]:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        minimum = 0.0 if column == "fees_btc_per_block" else np.nextafter(0.0, 1.0)
        for row in np.flatnonzero(~(numbers >= minimum).to_numpy()):
            found = str(frame[column].iloc[row])
            expected = "a number ≥ 0" if minimum == 0.0 else "a number > 0"
            problems.append(Problem(str(path), int(row) + 2, column, expected, found))
        values[column] = numbers
    if problems:
        raise InputError(problems)
    table = pd.DataFrame(values).set_index(pd.DatetimeIndex(stamps)).sort_index()
    if len(index) and table.index[0] > index[0]:
        raise InputError(
            Problem(
                str(path),
                2,
                "timestamp",
                f"a first timestamp at or before {index[0]}",
                str(table.index[0]),
            )
        )
    hourly = table.reindex(table.index.union(index)).ffill().reindex(index)
    return BitcoinScenario(
        hourly["btc_price_usd"], hourly["fees_btc_per_block"], hourly["network_hashrate_ehs"]
    )


def _check_positive(owner: str, value: float, name: str) -> None:
    if not value > 0:
        raise InputError(Problem(owner, None, name, "a number > 0", repr(value)))
