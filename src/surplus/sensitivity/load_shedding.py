"""Suppressed demand: what Pakistan's load-shedding keeps off the demand series.

The embedded demand is energy *served* (it is calibrated to generation), so the consumers
cut off by feeder load-shedding are not in it. Power Division's written reply in the National
Assembly [NA-FEEDERS] gives, per distribution company, how many 11 kV feeders were shed for
more than 10 hours a day. The estimate here: the shed feeders carry their company's average
load; each is off `hours_per_day` hours, spread evenly over the day (revenue-based shedding
rotates through the day); so a zone's served demand is `(1 − s)` of its true demand with
`s = shed feeders / all feeders × hours_per_day / 24`, and the suppressed demand is
`served × s / (1 − s)` every hour.

Bounds: 10 hours is the threshold of the published count, a lower bound for those feeders
(the reference cites 12-16 h a day in high-loss areas [ATC-BR24]); feeders shed for less
than 10 hours are not counted at all; rural high-loss feeders are likely smaller than the
company's average, which works the other way. Read the result as an order of magnitude.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from surplus.errors import InputError, Problem
from surplus.grid.model import Dataset

PUBLISHED_HOURS_PER_DAY = 10.0
"""The published count is of feeders shed for more than 10 hours a day [NA-FEEDERS]."""


@dataclass(frozen=True)
class ShedFeeders:
    """One zone's feeders shed more than 10 h a day, of all its feeders."""

    zone: str
    companies: str
    shed: int
    total: int
    source: str

    @property
    def share(self) -> float:
        """Share of the zone's feeders shed; 0 where none is (`total` 0: not published)."""
        return self.shed / self.total if self.shed else 0.0


NATIONAL_SHED, NATIONAL_TOTAL = 2_223, 12_665
"""All 11 ex-WAPDA distribution companies [NA-FEEDERS]."""

SHED_FEEDERS: tuple[ShedFeeders, ...] = (
    ShedFeeders("pesco", "PESCO + HAZECO + TESCO", 642 + 37 + 174, 1_376 + 286 + 357, "NA-FEEDERS"),
    ShedFeeders("qesco", "QESCO", 604, 814, "NA-FEEDERS"),
    ShedFeeders("sepco", "SEPCO", 407, 707, "NA-FEEDERS"),
    ShedFeeders("hesco", "HESCO", 322, 747, "NA-FEEDERS"),
    ShedFeeders("lesco", "LESCO (none over 10 h)", 0, 0, "NA-FEEDERS"),
    ShedFeeders("gepco", "GEPCO (none over 10 h)", 0, 0, "NA-FEEDERS"),
    ShedFeeders("fesco", "FESCO (none over 10 h)", 0, 0, "NA-FEEDERS"),
    ShedFeeders("iesco", "IESCO (not named; 37 feeders of the total are unassigned) [E]", 0, 0,
                "NA-FEEDERS"),
    ShedFeeders("mepco", "MEPCO (not named; see IESCO) [E]", 0, 0, "NA-FEEDERS"),
    ShedFeeders("ke", "K-Electric: no count published; the DISCOs' national share assumed [E]",
                NATIONAL_SHED, NATIONAL_TOTAL, "NA-FEEDERS ATC-BR24"),
)  # fmt: skip
"""Feeders shed more than 10 hours a day, by zone of the embedded dataset."""


def _shares(dataset: Dataset) -> dict[str, float]:
    missing = [f.zone for f in SHED_FEEDERS if f.zone not in dataset.demand_mw.columns]
    if missing:
        raise InputError(
            Problem(
                "load_shedding",
                None,
                None,
                "a dataset with the Pakistan DISCO zones the published feeder counts are for",
                f"no zone {', '.join(missing)} in {dataset.info.name}",
            )
        )
    return {f.zone: f.share for f in SHED_FEEDERS}


def suppressed_share(feeder_share: float, hours_per_day: float) -> float:
    """Suppressed demand as a share of served demand.

    >>> round(suppressed_share(0.5, 12), 4)  # s = 0.25 → 0.25 / 0.75
    0.3333
    """
    shed = feeder_share * hours_per_day / 24.0
    return shed / (1.0 - shed)


def suppressed_demand_mw(
    dataset: Dataset, hours_per_day: float = PUBLISHED_HOURS_PER_DAY
) -> pd.DataFrame:
    """Suppressed demand per hour and zone, MW (zero where no feeder count applies)."""
    shares = _shares(dataset)
    factors = pd.Series(
        {zone: suppressed_share(shares.get(zone, 0.0), hours_per_day) for zone in dataset.demand_mw}
    )
    return dataset.demand_mw.mul(factors, axis=1)


def checks_dataset(dataset: Dataset) -> None:
    """Raise the same error `suppressed_demand_mw` would, without computing anything."""
    _shares(dataset)
