"""Grid feeds: the dispatch replay, the CSV replay (and its errors), the fail-safe rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surplus.control.feeds import CsvReplay, DispatchReplay, read_grid_csv
from surplus.control.grid import zone_inputs
from surplus.errors import InputError

START = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_the_dispatch_replay_maps_recorded_hours_onto_the_clock() -> None:
    hours = pd.date_range("2025-06-03", periods=3, freq="h", tz="UTC")
    spare = pd.DataFrame({"a": [10.0, 20.0, 30.0]}, index=hours)
    price = pd.DataFrame({"a": [1.0, 2.0, 3.0]}, index=hours)
    feed = DispatchReplay(spare, price, hours[0].to_pydatetime(), START)
    late = feed.snapshot(START + timedelta(minutes=90))
    assert late.zones["a"].spare_mw == 20.0 and late.zones["a"].price_pkr_per_mwh == 2.0
    assert late.zones["a"].observed_at == START + timedelta(hours=1)
    assert feed.next_change(START + timedelta(minutes=90)) == START + timedelta(hours=2)
    assert feed.snapshot(START + timedelta(hours=3)).zones == {}  # past the end: missing
    assert feed.snapshot(START - timedelta(seconds=1)).zones == {}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "day.csv"
    path.write_text(text)
    return path


def test_the_csv_replay_ages_data_through_gaps_so_the_fail_safe_applies(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "time,zone,spare_mw,price_pkr_per_mwh,frequency_hz\n"
        "2025-06-03T10:00:00Z,a,100,5000,\n"
        "2025-06-03T10:00:01Z,a,90,5000,\n"
        "2025-06-03T10:00:30Z,,,,49.7\n",
    )
    feed = CsvReplay.read(path, START)
    fresh = feed.snapshot(START + timedelta(seconds=2))
    assert fresh.zones["a"].spare_mw == 90.0
    inputs = zone_inputs(fresh, ["a"], START + timedelta(seconds=2), stale_after_s=10)
    assert not inputs.stale[0]
    later = START + timedelta(seconds=40)
    snapshot = feed.snapshot(later)
    assert zone_inputs(snapshot, ["a"], later, stale_after_s=10).stale.tolist() == [True]
    assert snapshot.frequency is not None and snapshot.frequency.hz == 49.7


def test_a_bad_csv_names_each_row_and_column_and_returns_nothing(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "time,zone,spare_mw,frequency_hz\n"
        "2025-06-03T10:00:00,a,100,\n"
        "2025-06-03T10:00:01Z,a,lots,\n"
        "2025-06-03T10:00:02Z,a,5,70\n",
    )
    with pytest.raises(InputError) as caught:
        read_grid_csv(path)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(2, "time"), (3, "spare_mw"), (4, "frequency_hz")}
    with pytest.raises(InputError) as missing:
        read_grid_csv(write(tmp_path, "when,zone\n1,2\n"))
    assert missing.value.problems[0].column == "time, spare_mw"


def test_missing_and_old_zones_are_stale_with_no_spare() -> None:
    from surplus.control.grid import GridSnapshot, ZoneState

    snap = GridSnapshot(
        START,
        {
            "a": ZoneState("a", 50.0, START - timedelta(seconds=31)),
            "b": ZoneState("b", float("nan"), START),
        },
    )
    inputs = zone_inputs(snap, ["a", "b", "c"], START, stale_after_s=30)
    assert inputs.stale.tolist() == [True, True, True]
    assert np.all(inputs.spare_mw == 0.0)
