"""Meter files: refused whole with every bad cell named, or kept whole with every doubt
flagged; and the hourly energy a bill uses."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from surplus.errors import InputError
from surplus.settlement.meter import check_rows, hourly_energy, read_meter_csv

RECEIVED = datetime(2026, 1, 2, tzinfo=UTC)


def csv(*rows: str, header: str = "site_id,read_at,power_mw,energy_mwh") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_bad_cells_are_named_by_file_row_and_field_and_nothing_is_read() -> None:
    content = csv(
        "1,2026-01-01T00:00:00Z,5.0,",
        "x,2026-01-01T00:01:00Z,5.0,",  # row 3: site
        "1,2026-01-01T00:02:00,5.0,",  # row 4: no offset
        "1,2026-01-01T00:03:00Z,five,",  # row 5: not a number
        "1,2026-01-01T00:04:00Z,,",  # row 6: no value at all
        "1,yesterday,1,",  # row 7
    )
    with pytest.raises(InputError) as caught:
        read_meter_csv(content, "meter.csv")
    where = [(p.file, p.row, p.column) for p in caught.value.problems]
    assert where == [
        ("meter.csv", 3, "site_id"),
        ("meter.csv", 4, "read_at"),
        ("meter.csv", 5, "power_mw"),
        ("meter.csv", 6, "power_mw"),
        ("meter.csv", 7, "read_at"),
    ]


def test_a_file_without_the_columns_is_refused_at_its_header() -> None:
    with pytest.raises(InputError, match=r"meter.csv, row 1: expected columns read_at"):
        read_meter_csv(csv("1,5", header="site_id,power_mw"), "meter.csv")
    with pytest.raises(InputError, match="power_mw or energy_mwh"):
        read_meter_csv(csv("1,2026-01-01T00:00Z", header="site_id,read_at"), "meter.csv")
    with pytest.raises(InputError, match="UTF-8"):
        read_meter_csv(b"\xff\xfe\x00", "meter.csv")


def test_every_doubt_is_flagged_and_every_row_kept() -> None:
    content = csv(
        "1,2026-01-01T00:00:00Z,5.0,",
        "1,2026-01-01T00:00:00Z,5.0,",  # row 3: the same again
        "1,2026-01-01T00:01:00+05:00,5.0,",  # row 4: 19:01 the day before: goes backwards
        "1,2026-01-01T00:02:00Z,-1.0,",  # row 5: negative
        "1,2026-01-01T00:03:00Z,99.0,",  # row 6: above 1.5 × 10 MW
        "1,2026-01-01T00:03:30Z,5.0,",  # row 7: off the minute
        "1,2026-01-01T00:00:00Z,6.0,",  # row 8: the first minute with another value
        "1,2026-01-01T00:09:00Z,5.0,",  # a gap of five minutes before it
        "1,2026-01-05T00:00:00Z,5.0,",  # row 10: after it was received
    )
    rows = read_meter_csv(content, "meter.csv")
    assert len(rows.records()) == 9  # nothing dropped
    flags = check_rows(rows, RECEIVED, {1: 10.0})
    by_row = {(f.row, f.flag) for f in flags if f.row is not None}
    assert {(3, "duplicate"), (8, "conflict"), (5, "negative"), (6, "implausible"),
            (7, "clock"), (10, "clock"), (4, "clock")} <= by_row  # fmt: skip
    assert (2, "duplicate") not in by_row  # the first of a pair is not the duplicate
    found = [f for f in flags if f.flag == "gap"]
    assert any("5 readings missing" in f.detail for f in found)


def test_hourly_energy_by_hand() -> None:
    power = np.r_[np.full(60, 3.0), np.full(45, 6.0), np.full(15, np.nan), np.full(60, 99.0)]
    energy, counts = hourly_energy(power, 10.0)
    # Hour 2: 45 usable minutes at 6 MW, billed on its mean; hour 3: all implausible.
    assert np.allclose(energy[:2], [3.0, 6.0]) and np.isnan(energy[2])
    assert counts.tolist() == [60, 45, 0]


@given(st.lists(st.one_of(st.floats(-5, 20), st.just(float("nan"))), min_size=60, max_size=60))
def test_hourly_energy_is_never_negative_nor_above_the_plausible(values: list[float]) -> None:
    energy, counts = hourly_energy(np.array(values), 10.0)
    assert counts[0] <= 60
    assert np.isnan(energy[0]) == (counts[0] == 0)
    if counts[0]:
        assert 0.0 <= energy[0] <= 15.0
