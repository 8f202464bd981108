"""The scenario file is checked field by field, and a run's draws depend on the seed and
its id alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from surplus.cli import app
from surplus.errors import InputError
from surplus.grid.load import load_dataset
from surplus.grid.model import Dataset
from surplus.scenarios import check, draw, read_spec
from surplus.scenarios.draws import stream
from tests.scenarios.specs import TINY, write_spec


@pytest.fixture(scope="module")
def pakistan() -> Dataset:
    return load_dataset(None)


def test_a_run_draws_the_same_alone_or_among_others(tmp_path: Path, pakistan: Dataset) -> None:
    spec = read_spec(write_spec(tmp_path, runs=50))
    in_order = [draw(spec, i, pakistan) for i in range(50)]
    assert draw(spec, 37, pakistan) == in_order[37]
    # different runs differ, and every dimension is drawn
    assert len({d.settings for d in in_order}) == 50
    keys = {s.key.split(".")[0] for s in in_order[0].settings}
    assert {"demand", "hydro", "wind", "solar", "fuel_price", "fuel_limit"} <= keys
    assert {d.weather for d in in_order} == {"wet", "dry"}
    assert {d.tariff for d in in_order} == {"dynamic", "proposed_fixed_23"}
    # roughly two dry years for each wet one (weights 2:1)
    assert 0.45 < np.mean([d.weather == "dry" for d in in_order]) < 0.9


def test_a_new_dimension_leaves_the_others_draws_alone(tmp_path: Path, pakistan: Dataset) -> None:
    without = TINY.replace("[outages]\nrate = 0.05\nmin_capacity_mw = 600\n", "")
    assert "[outages]" not in without
    plain = read_spec(write_spec(tmp_path / "a", text=without))
    more = read_spec(write_spec(tmp_path / "b"))
    a, b = draw(plain, 3, pakistan), draw(more, 3, pakistan)
    demand = [s for s in a.settings if s.key.startswith("demand.")]
    assert demand and demand == [s for s in b.settings if s.key.startswith("demand.")]
    assert (a.weather, a.tariff, a.btc_seed) == (b.weather, b.tariff, b.btc_seed)
    assert not any(s.key.startswith("plant.") for s in a.settings)
    assert any(s.key.startswith("plant.") for s in b.settings)


def test_outages_follow_the_rate(tmp_path: Path, pakistan: Dataset) -> None:
    spec = read_spec(write_spec(tmp_path, runs=40))
    big = pakistan.operating_plants["capacity_mw"] >= 600
    shares = []
    for run in range(40):
        out = {
            s.key: s.value for s in draw(spec, run, pakistan).settings if s.key.startswith("plant.")
        }
        for plant in pakistan.operating_plants.index[big]:
            value = out.get(f"plant.{plant}", "100%")
            shares.append(0.0 if value == "out" else 1.0 - float(value.rstrip("%")) / 100.0)
    assert np.mean(shares) == pytest.approx(0.05, abs=0.01)


def test_streams_are_independent_per_run_and_dimension(tmp_path: Path) -> None:
    spec = read_spec(write_spec(tmp_path))
    first = stream(spec, 0, "weather").random(4)
    assert not np.allclose(first, stream(spec, 1, "weather").random(4))
    assert not np.allclose(first, stream(spec, 0, "tariff").random(4))
    assert np.allclose(first, stream(spec, 0, "weather").random(4))


@pytest.mark.parametrize(
    ("change", "key", "found"),
    [
        (("runs = {runs}", "runs = 0"), "runs", "0"),
        (("sd = 0.02", "sd = -1"), "demand_growth.sd", "-1"),
        (('rules = ["dynamic", "proposed_fixed_23"]', 'rules = ["free"]'), "tariff", "free"),
        (("[fuel_price.rlng]", "[fuel_price.unobtainium]"), "fuel_price.unobtainium",
         "unobtainium"),
        (("[demand_growth]", "[demand_growth.zones.atlantis]\n[demand_growth]"),
         "demand_growth.zones.atlantis", "atlantis"),
        (('start = "2025-01-06"', 'start = "someday"'), "start", "someday"),
        (("budget = 0.005", "budget = 0.005\ncolour = 'red'"), "programme.colour", "red"),
    ],
)  # fmt: skip
def test_a_bad_entry_names_the_file_the_key_and_the_value(
    tmp_path: Path, change: tuple[str, str], key: str, found: str
) -> None:
    path = write_spec(tmp_path, text=TINY.replace(*change))
    result = CliRunner().invoke(app, ["scenarios", "run", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1, result.output
    assert str(path) in result.output and key in result.output and found in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()  # nothing written


def test_an_unreadable_file_is_one_clear_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("runs = = 3\n")
    with pytest.raises(InputError, match="TOML"):
        read_spec(path)


def test_the_first_runs_settings_are_checked_against_the_dataset(
    tmp_path: Path, pakistan: Dataset
) -> None:
    path = write_spec(tmp_path, text=TINY.replace("[fuel_supply.rlng]", "[fuel_supply.hydro]"))
    with pytest.raises(InputError) as error:
        check(read_spec(path), path, pakistan)
    assert str(path) in str(error.value) and "hydro" in str(error.value)


def test_the_shipped_sample_reads_and_checks(pakistan: Dataset) -> None:
    from surplus.scenarios.samples import PHASE1

    spec = read_spec(PHASE1)
    assert spec.runs == 100
    check(spec, PHASE1, pakistan)
