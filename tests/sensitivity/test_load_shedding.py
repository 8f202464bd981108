"""The suppressed-demand estimate, worked by hand from the published feeder counts."""

from __future__ import annotations

import pytest

from surplus.grid.load import load_dataset
from surplus.sensitivity.load_shedding import (
    NATIONAL_SHED,
    NATIONAL_TOTAL,
    SHED_FEEDERS,
    suppressed_demand_mw,
    suppressed_share,
)


def test_the_published_counts_add_up_to_the_national_figure() -> None:
    named = sum(f.shed for f in SHED_FEEDERS if f.zone != "ke")
    # QESCO 604, SEPCO 407, TESCO 174, PESCO 642, HESCO 322, HAZECO 37 = 2,186 of 2,223:
    # 37 feeders are not assigned to a company in the reply.
    assert named == 2_186
    assert NATIONAL_SHED - named == 37
    assert NATIONAL_TOTAL == 12_665


def test_qesco_by_hand() -> None:
    qesco = next(f for f in SHED_FEEDERS if f.zone == "qesco")
    # 604 of 814 feeders off 10 h of 24: s = 0.7420 × 0.4167 = 0.3092; suppressed/served
    # = s / (1 − s) = 0.4476.
    assert qesco.share == pytest.approx(604 / 814)
    assert suppressed_share(qesco.share, 10) == pytest.approx(0.4476, abs=1e-4)


def test_no_shedding_suppresses_nothing_and_a_full_day_is_refused_as_infinite() -> None:
    assert suppressed_share(0.0, 10) == 0.0
    assert suppressed_share(0.5, 0) == 0.0
    with pytest.raises(ZeroDivisionError):
        suppressed_share(1.0, 24)


def test_on_the_embedded_dataset() -> None:
    dataset = load_dataset()
    extra = suppressed_demand_mw(dataset)
    served = dataset.demand_mw.sum()
    for feeders in SHED_FEEDERS:
        expected = served[feeders.zone] * suppressed_share(feeders.share, 10)
        assert extra[feeders.zone].sum() == pytest.approx(expected)
    assert extra[["lesco", "gepco", "fesco", "north_hydro"]].to_numpy().sum() == 0.0
    # About 8 % more energy nationally: an order of magnitude, not a measurement.
    assert 0.05 < extra.to_numpy().sum() / served.sum() < 0.12
