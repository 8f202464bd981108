"""`surplus assess --set/--scenario`: settings checked before any computation, the changes
named in the report and summary.json, and summary.json strict JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from surplus.cli import app
from tests.grid.tiny import write_tiny


def strict(path: Path) -> dict[str, Any]:
    """Parse JSON, failing on NaN or Infinity (which Python's json accepts by default)."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"{path} holds {constant}, which is not JSON")

    document: dict[str, Any] = json.loads(path.read_text(), parse_constant=refuse)
    return document


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny(tmp_path_factory.mktemp("data") / "tiny")


def test_a_bad_setting_stops_before_any_computation(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["assess", str(tiny), "-o", str(out), "--set", "corridor.hub_sout=70%"]
    result = CliRunner().invoke(app, [*args, "--set", "demand=x"])
    assert result.exit_code == 1
    assert "2 problems found" in result.output
    assert (
        "--set corridor.hub_sout=70%: expected a corridor of Tiny test grid: hub_south, "
        "south_north, or * for all, found 'hub_sout'"
    ) in result.output
    assert "--set demand=x: expected P% of the base (70%) or a change" in result.output
    assert "Traceback" not in result.output and "dispatch" not in result.output
    assert not out.exists()


def test_the_changes_are_named_in_the_report_and_summary(tiny: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text('[set]\ndemand = "+50%"\n"corridor.hub_south" = "70%"\n')
    out = tmp_path / "out"
    args = ["assess", str(tiny), "-o", str(out), "--scenario", str(scenario)]
    result = CliRunner().invoke(app, [*args, "--set", "demand=+10%", "--set", "plant.coal=out"])
    assert result.exit_code == 0, result.output
    summary = strict(out / "summary.json")
    changes = [(c["key"], c["value"], c["source"]) for c in summary["changes"]]
    # --set overrides the file's demand; the order is that of first appearance otherwise.
    assert changes == [
        ("corridor.hub_south", "70%", str(scenario)),
        ("demand", "+10%", "--set"),
        ("plant.coal", "out", "--set"),
    ]
    assert summary["changes"][0]["change"] == (
        "corridor limit of hub_south set to 70 % of the base: forward 1,000 MW → 700 MW, "
        "reverse 800 MW → 560 MW"
    )
    # The tiny demand: north 900 + 300 sin, south 700 → 1,600 MW mean; +10 %.
    assert summary["totals"]["demand_gwh"] == pytest.approx(1.1 * 1_600 * 8_760 / 1000, rel=1e-3)
    html = (out / "report.html").read_text()
    assert "Changes from the base dataset" in html and "hub_south set to 70 %" in html
    assert "3 change(s) from the base" in html


def test_no_change_says_so(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["assess", str(tiny), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert strict(out / "summary.json")["changes"] == []
    assert "None: the dataset as read." in (out / "report.html").read_text()


@pytest.mark.slow
def test_sensitivities_run_on_the_embedded_dataset_and_write_strict_json(tmp_path: Path) -> None:
    # Demand +15 %, a dry year and K-2 out together (each also runs alone, docs/sensitivities.md;
    # the southern ring at 70 % is dispatched in tests/dispatch/test_deliverable.py).
    out = tmp_path / "out"
    settings = ["demand=+15%", "hydro=80%", "plant.k2=out"]
    args = ["assess", "-o", str(out), "--no-economics", "--no-load-shedding"]
    result = CliRunner().invoke(app, [*args, *(x for s in settings for x in ("--set", s))])
    assert result.exit_code == 0, result.output
    summary = strict(out / "summary.json")
    assert [f"{c['key']}={c['value']}" for c in summary["changes"]] == settings
    assert summary["totals"]["demand_gwh"] == pytest.approx(1.15 * 127_000, rel=1e-4)
    facts = {row["metric"]: row for row in summary["calibration"]["facts"]}
    assert facts["nuclear fleet utilisation"]["model"] < 0.6  # K-2 is out
    assert {row["verdict"] for row in facts.values()} <= {"agrees", "disagrees", "no figure"}
