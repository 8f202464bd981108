"""Reading demand CSVs: good files load, bad ones name the file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from surplus.errors import InputError, SurplusError
from surplus.headroom.demand_file import read_demand_csv

GOOD = "timestamp,A,B\n2024-01-01T01:00Z,10,20\n2024-01-01T00:00Z,11,21.5\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "demand.csv"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_demand_csv(write(tmp_path, text))
    assert isinstance(caught.value, SurplusError)
    return [str(p) for p in caught.value.problems]


def test_good_file_is_sorted_and_utc(tmp_path: Path) -> None:
    frame = read_demand_csv(write(tmp_path, GOOD))
    assert list(frame.columns) == ["A", "B"]
    assert frame.index.is_monotonic_increasing
    assert str(frame.index.tz) == "UTC"
    assert frame["B"].tolist() == [21.5, 20.0]


def test_offsets_are_understood(tmp_path: Path) -> None:
    frame = read_demand_csv(write(tmp_path, "timestamp,A\n2024-01-01T05:00+05:00,1\n"))
    assert frame.index[0].hour == 0


def test_missing_timestamp_column(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, "time,A\n2024-01-01T00:00Z,1\n")
    assert "demand.csv, row 1, column 'timestamp'" in message


def test_unparseable_value_names_row_and_column(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, GOOD + "2024-01-01T02:00Z,12,lots\n")
    assert "row 4, column 'B'" in message and "lots" in message


@pytest.mark.parametrize("cell", ["", "nan", "NaN"])
def test_missing_or_nan_value(tmp_path: Path, cell: str) -> None:
    (message,) = problems(tmp_path, f"timestamp,A\n2024-01-01T00:00Z,{cell}\n")
    assert "row 2, column 'A'" in message and "a number" in message


def test_negative_demand(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, "timestamp,A\n2024-01-01T00:00Z,-3\n")
    assert "row 2, column 'A'" in message and "zero or more" in message


def test_naive_duplicate_and_off_hour_timestamps(tmp_path: Path) -> None:
    text = (
        "timestamp,A\n2024-01-01T00:00,1\n2024-01-01T01:00Z,1\n2024-01-01T01:00Z,1\n"
        "2024-01-01T02:30Z,1\n"
    )
    found = problems(tmp_path, text)
    assert any("row 2" in p and "time zone" in p for p in found)
    assert any("row 4" in p and "row 3" in p for p in found)
    assert any("row 5" in p and "whole hour" in p for p in found)


def test_a_column_with_one_fault_in_every_row_is_one_line(tmp_path: Path) -> None:
    rows = "".join(f"2024-01-0{d}T{h:02d}:00Z,x\n" for d in (1, 2, 3) for h in range(24))
    (message,) = problems(tmp_path, "timestamp,A\n" + rows)
    assert "column 'A'" in message and "rows 2–73" in message and "72 cells" in message


def test_every_distinct_problem_is_reported_up_to_a_cap(tmp_path: Path) -> None:
    # 72 columns, one bad cell each: distinct faults are listed, up to the cap.
    header = "timestamp," + ",".join(f"R{i}" for i in range(72))
    found = problems(tmp_path, f"{header}\n2024-01-01T00:00Z," + ",".join(["x"] * 72) + "\n")
    assert len(found) == 51 and "22 more" in found[-1]


def test_naive_timestamps_are_read_in_the_given_zone_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "demand.csv"
    path.write_text("timestamp,A\n2024-01-01T05:00,1\n2024-01-01T06:00,2\n", encoding="utf-8")
    warnings: list[str] = []
    frame = read_demand_csv(path, "Asia/Karachi", warnings.append)
    assert str(frame.index[0]) == "2024-01-01 00:00:00+00:00"
    assert len(warnings) == 1 and "Asia/Karachi" in warnings[0] and "no time zone" in warnings[0]


def test_naive_timestamps_without_an_assumed_zone_are_one_line(tmp_path: Path) -> None:
    rows = "".join(f"2024-01-01T{h:02d}:00,1\n" for h in range(24))
    (message,) = problems(tmp_path, "timestamp,A\n" + rows)
    assert "time zone" in message and "24 cells" in message


def test_unreadable_file(tmp_path: Path) -> None:
    (message,) = problems(tmp_path, "")
    assert "readable CSV" in message
