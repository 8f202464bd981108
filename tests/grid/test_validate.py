"""Each class of dataset error is reported with its file, row and column."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from surplus.errors import DatasetError, Problem
from surplus.grid import load_dataset
from tests.grid.tiny import write_tiny


def problems_of(folder: Path) -> list[Problem]:
    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)
    return caught.value.problems


def edit_csv(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell; `row` numbered as the error messages do (header is row 1)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row - 2, column] = value
    frame.to_csv(path, index=False)


def only(problems: list[Problem], file: str) -> Problem:
    matching = [p for p in problems if Path(p.file).name == file]
    assert len(matching) == 1, problems
    return matching[0]


def test_tiny_dataset_is_valid(tiny: Path) -> None:
    dataset = load_dataset(tiny)
    assert len(dataset.snapshots) == 8760
    assert list(dataset.operating_plants.index) == ["dam", "ccgt", "coal", "nuke"]
    assert dataset.corridors.loc["south_north", "reverse_capacity_mw"] == 1500


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "expected"),
    [
        ("plants.csv", 3, "capacity_mw", "-5", "a number >= 0 MW"),
        ("plants.csv", 4, "capacity_mw", "nan", "a number >= 0 MW"),
        ("plants.csv", 2, "capacity_mw", "", "a number >= 0 MW"),
        ("plants.csv", 2, "variable_cost_pkr_per_mwh", "cheap", "a number >= 0"),
        ("plants.csv", 5, "must_run", "2", "<= 1"),
        ("plants.csv", 2, "fuel", "unobtainium", "one of hydro"),
        ("plants.csv", 2, "status", "sleeping", "one of operating"),
        ("plants.csv", 3, "zone", "west", "a zone of zones.csv"),
        ("plants.csv", 4, "availability", "windy", "a profile"),
        ("plants.csv", 2, "lat", "95", "<= 90"),
        ("plants.csv", 2, "plant", "has space", "an identifier"),
        ("zones.csv", 2, "lon", "east", "a number"),
        ("corridors.csv", 2, "to_zone", "south", "a zone other than from_zone"),
        ("corridors.csv", 3, "from_zone", "mars", "a zone of zones.csv"),
        ("corridors.csv", 2, "capacity_mw", "-1", "a number >= 0"),
        ("hydro_budgets.csv", 2, "month", "13", "a whole number from 1 to 12"),
        ("hydro_budgets.csv", 3, "plant", "ccgt", "hydro plant"),
        ("demand.csv", 10, "north", "-3", "a number >= 0 MW"),
        ("demand.csv", 11, "south", "", "a number >= 0 MW"),
        ("availability.csv", 100, "hydro", "1.5", "<= 1"),
        ("demand.csv", 7, "timestamp", "2025-01-01T05:00", "an explicit UTC offset"),
        ("demand.csv", 7, "timestamp", "yesterday", "an ISO 8601 time"),
        ("availability.csv", 8, "timestamp", "2025-01-01T06:30+05:00", "the start of an hour"),
    ],
)
def test_bad_cell_is_named(
    tiny: Path, file: str, row: int, column: str, value: str, expected: str
) -> None:
    edit_csv(tiny / file, row, column, value)
    problem = only(problems_of(tiny), file)
    assert (problem.row, problem.column) == (row, column)
    assert expected in problem.expected
    assert problem.found


def test_duplicate_key(tiny: Path) -> None:
    edit_csv(tiny / "plants.csv", 3, "plant", "dam")
    problem = only(problems_of(tiny), "plants.csv")
    assert problem.row == 3 and problem.column == "plant"
    assert "first at row 2" in problem.found


def test_missing_column(tiny: Path) -> None:
    frame = pd.read_csv(tiny / "plants.csv").drop(columns="capacity_mw")
    frame.to_csv(tiny / "plants.csv", index=False)
    problem = only(problems_of(tiny), "plants.csv")
    assert problem.column == "capacity_mw" and problem.row is None


def test_missing_file(tiny: Path) -> None:
    (tiny / "corridors.csv").unlink()
    problem = only(problems_of(tiny), "corridors.csv")
    assert problem.found == "no such file"


def test_hydro_budgets_are_optional(tiny: Path) -> None:
    (tiny / "hydro_budgets.csv").unlink()
    assert load_dataset(tiny).hydro_budgets.empty


def test_csv_and_parquet_together_are_ambiguous(tiny: Path) -> None:
    pd.read_csv(tiny / "zones.csv").to_parquet(tiny / "zones.parquet")
    problem = only(problems_of(tiny), "zones.csv")
    assert "both" in problem.found


def test_parquet_is_accepted(tiny: Path) -> None:
    expected = load_dataset(tiny)
    for name in ("plants", "demand"):
        pd.read_csv(tiny / f"{name}.csv", dtype=str, keep_default_na=False).to_parquet(
            tiny / f"{name}.parquet"
        )
        (tiny / f"{name}.csv").unlink()
    loaded = load_dataset(tiny)
    pd.testing.assert_frame_equal(loaded.plants, expected.plants)
    pd.testing.assert_frame_equal(loaded.demand_mw, expected.demand_mw)


def test_gap_in_hours(tiny: Path) -> None:
    frame = pd.read_csv(tiny / "demand.csv").drop(index=[100, 101])
    frame.to_csv(tiny / "demand.csv", index=False)
    problem = only(problems_of(tiny), "demand.csv")
    assert problem.column == "timestamp"
    assert "2 missing" in problem.found
    assert "2025-01-04 23:00:00+00:00" in problem.found  # 04:00 local, UTC+5


def test_duplicate_hour(tiny: Path) -> None:
    frame = pd.read_csv(tiny / "availability.csv")
    frame = pd.concat([frame, frame.iloc[[5]]], ignore_index=True)
    frame.to_csv(tiny / "availability.csv", index=False)
    problem = only(problems_of(tiny), "availability.csv")
    assert problem.row == len(frame) + 1 and "repeated" in problem.found


def test_hour_outside_year(tiny: Path) -> None:
    edit_csv(tiny / "demand.csv", 2, "timestamp", "2024-06-01T00:00+05:00")
    problems = [p for p in problems_of(tiny) if p.file.endswith("demand.csv")]
    assert any(p.row == 2 and "an hour from" in p.expected for p in problems)


def test_demand_for_unknown_zone(tiny: Path) -> None:
    frame = pd.read_csv(tiny / "demand.csv").rename(columns={"south": "sooth"})
    frame.to_csv(tiny / "demand.csv", index=False)
    problem = only(problems_of(tiny), "demand.csv")
    assert problem.column == "sooth"


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ('name = "x"\n', "year"),
        (
            'name = "x"\nyear = 2025\ntimezone = "Mars/Olympus"\ncurrency = "PKR"\n'
            "usd_exchange_rate = 280\nvalue_of_lost_load_per_mwh = 1\n",
            "timezone",
        ),
        ("year = [unclosed", None),
    ],
)
def test_bad_dataset_toml(tiny: Path, text: str, column: str | None) -> None:
    (tiny / "dataset.toml").write_text(text)
    problems = [p for p in problems_of(tiny) if p.file.endswith("dataset.toml")]
    assert problems
    if column:
        assert column in {p.column for p in problems}


def test_every_problem_in_one_run_and_nothing_written(tiny: Path) -> None:
    edit_csv(tiny / "plants.csv", 2, "capacity_mw", "-1")
    edit_csv(tiny / "zones.csv", 3, "lat", "north")
    edit_csv(tiny / "demand.csv", 50, "north", "x")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in tiny.iterdir()}
    files = {Path(p.file).name for p in problems_of(tiny)}
    assert files == {"plants.csv", "zones.csv", "demand.csv"}
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in tiny.iterdir()}
    assert before == after


def test_unreadable_csv(tiny: Path) -> None:
    (tiny / "zones.csv").write_bytes(b'zone,name,lat,lon\n"a,b\n')
    problem = only(problems_of(tiny), "zones.csv")
    assert "readable CSV" in problem.expected


def test_dst_year_has_every_utc_hour(tmp_path: Path) -> None:
    dataset = load_dataset(write_tiny(tmp_path / "ny", 2024, "America/New_York"))
    local = dataset.local_snapshots
    assert len(dataset.snapshots) == 8784
    assert (local.normalize() == pd.Timestamp("2024-03-10", tz="America/New_York")).sum() == 23
    assert (local.normalize() == pd.Timestamp("2024-11-03", tz="America/New_York")).sum() == 25


def test_dst_gap_is_found(tmp_path: Path) -> None:
    folder = write_tiny(tmp_path / "ny", 2024, "America/New_York")
    frame = pd.read_csv(folder / "demand.csv")
    # the repeated 01:00 on 3 November, one with -04:00 and one with -05:00: drop the second
    second = frame.index[frame["timestamp"] == "2024-11-03T01:00-05:00"]
    frame.drop(index=second).to_csv(folder / "demand.csv", index=False)
    problem = only(problems_of(folder), "demand.csv")
    assert "1 missing" in problem.found and "2024-11-03 06:00:00+00:00" in problem.found


REGIONS = """
[[reserve.regions]]
name = "mainland"
zones = ["north", "south"]
min_mw = 500
"""


def test_reserve_regions_fuel_limits_and_reserve_classes_are_read(tiny: Path) -> None:
    toml = tiny / "dataset.toml"
    text = toml.read_text().replace(
        "share_of_demand = 0.05\n", "share_of_demand = 0.05\n" + REGIONS
    )
    top = "spill_penalty_per_mwh = 5000\n\n[cost_cap]\ntariff_per_mwh = 23000\n"
    top += "network_charge_per_mwh = 1000\nloss_share = 0.03\n\n"
    toml.write_text(text.replace("[reserve]", top + "[reserve]", 1))
    edit_csv(tiny / "plants.csv", 4, "start_minutes", "480")  # coal: slow
    edit_csv(tiny / "plants.csv", 4, "min_stable_share", "0.4")
    (tiny / "fuel_limits.csv").write_text("fuel,month,energy_mwh\nrlng,1,100000\n")
    dataset = load_dataset(tiny)
    (mainland, hub) = dataset.reserve_regions()
    assert (mainland.name, mainland.zones, mainland.min_mw) == ("mainland", ("north", "south"), 500)
    # Floors a region leaves out come from the top level: largest unit and 5 % of demand.
    assert mainland.largest_unit and mainland.share_of_demand == 0.05
    assert (hub.name, hub.zones, hub.min_mw, hub.largest_unit) == ("hub", ("hub",), 0.0, False)
    assert dataset.largest_unit_mw(mainland.zones) == 1000
    assert dataset.plant_reserve()["kind"].to_dict() == {
        "dam": "quick",
        "ccgt": "quick",
        "coal": "slow",
        "nuke": "quick",
    }
    assert dataset.plant_reserve().loc["coal", "spin_ratio"] == pytest.approx(1.5)
    assert dataset.fuel_limits["energy_mwh"].tolist() == [100000]
    assert dataset.cost_ceiling_per_mwh == pytest.approx(21_340.0)
    assert dataset.spill_penalty_per_mwh == 5000


@pytest.mark.parametrize(
    ("regions", "column", "found"),
    [
        ('[[reserve.regions]]\nname = "a"\nzones = ["north", "atlantis"]\n', "zones", "atlantis"),
        (
            '[[reserve.regions]]\nname = "a"\nzones = ["north"]\n'
            '[[reserve.regions]]\nname = "b"\nzones = ["north", "south"]\n',
            "reserve.regions.1.zones",
            "already in region 'a'",
        ),
        ('[[reserve.regions]]\nname = "south"\nzones = ["north"]\n', "name", "south"),
        (
            '[[reserve.regions]]\nname = "a"\nzones = ["north"]\n'
            '[[reserve.regions]]\nname = "a"\nzones = ["south"]\n',
            "reserve.regions",
            "",
        ),
    ],
)
def test_bad_reserve_regions_are_named(tiny: Path, regions: str, column: str, found: str) -> None:
    toml = tiny / "dataset.toml"
    toml.write_text(toml.read_text().replace("[[sources]]", regions + "\n[[sources]]", 1))
    problem = only(problems_of(tiny), "dataset.toml")
    assert problem.column is not None and column in problem.column
    assert found in problem.found


def test_a_slow_plant_that_holds_reserve_needs_its_stable_share(tiny: Path) -> None:
    edit_csv(tiny / "plants.csv", 4, "start_minutes", "480")
    problem = only(problems_of(tiny), "plants.csv")
    assert (problem.row, problem.column) == (4, "min_stable_share")
    assert "response time (15 min)" in problem.expected


def test_a_bad_fuel_limit_is_named(tiny: Path) -> None:
    (tiny / "fuel_limits.csv").write_text("fuel,month,energy_mwh\nlng,13,-5\n")
    problems = problems_of(tiny)
    assert {(p.row, p.column) for p in problems} == {(2, "fuel"), (2, "month"), (2, "energy_mwh")}
