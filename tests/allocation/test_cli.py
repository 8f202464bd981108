"""`surplus allocate` on the shipped sample, and on bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from surplus.allocation.cli import allocate_command

app = typer.Typer()
app.command("allocate")(allocate_command)
app.command("other")(lambda: None)
runner = CliRunner()


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    out = tmp_path_factory.mktemp("allocation") / "out"
    result = runner.invoke(app, ["allocate", "--out", str(out)], env={"COLUMNS": "200"})
    return result.exit_code, result.output, out


@pytest.mark.slow
def test_the_sample_runs_by_default(sample_run: tuple[int, str, Path]) -> None:
    code, output, out = sample_run
    assert code == 0, output
    table = pd.read_csv(out / "allocations.csv")
    assert {
        "application",
        "operator",
        "site",
        "zone",
        "requested_mw",
        "allocated_mw",
        "reason",
    } <= set(table.columns)
    assert len(table) >= 30 and table["reason"].notna().all()
    assert table["allocated_mw"].sum() <= 2000 + 1e-6
    assert (table["allocated_mw"] <= table["requested_mw"] + 1e-9).all()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["verification"]["passes"] is True
    assert summary["solver"]["relative_gap"] <= 1e-4
    granted = table[table["allocated_mw"] > 0]
    sheets = sorted((out / "term_sheets").glob("TS-*.json"))
    assert len(sheets) == len(granted) == summary["term_sheets"]
    assert (out / "term_sheets" / "term-sheet.schema.json").exists()
    assert (out / "allocation.html").read_text().count("plotly") > 0
    assert "optimality gap" in output and "Traceback" not in output


@pytest.mark.slow
def test_the_written_term_sheets_load_into_the_controller(
    sample_run: tuple[int, str, Path],
) -> None:
    from surplus.contracts import load_term_sheets
    from surplus.control.fleet import DATA_CENTRE, Fleet
    from surplus.simulation.scenario import allocated_sites

    code, output, out = sample_run
    assert code == 0, output
    sheets = load_term_sheets(out / "term_sheets")  # the folder as written, schema and all
    sites = allocated_sites(sheets, date(2025, 6, 1))
    zones = sorted({s.zone for s in sheets})
    fleet = Fleet.from_terms([s.sheet for s in sites], zones)
    assert len(fleet) == len(sheets) > 0
    for i, sheet in enumerate(sheets):
        c = sheet.curtailment
        assert fleet.allocated_mw[i] == sheet.allocated_mw
        assert fleet.notice_s[i] == 60 * c.notice_minutes
        assert fleet.max_event_s[i] == 3600 * c.longest_event_hours
        assert fleet.budget_s[i] == 3600 * c.max_hours_per_year
        assert fleet.budget_mwh[i] == pytest.approx(
            c.max_share_of_energy * sheet.allocated_mw * 8760
        )
        assert fleet.firm[i] == c.firm and fleet.flexible_share[i] == 1.0
        assert fleet.response_s[i] == 60 * sheet.penalties.response_minutes
        assert (fleet.kind[i] == DATA_CENTRE) == (sheet.kind == "ai_data_centre")
        cap = sheet.tariff.cost_cap_pkr_per_mwh if c.on_price else None
        assert (np.isnan(fleet.price_above[i]) and cap is None) or fleet.price_above[i] == cap


def test_a_bad_file_changes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "apps.csv"
    bad.write_text(
        "application_id,operator,kind,requested_mw,sites,max_curtailment_share,"
        "longest_event_hours,notice_minutes,accepts_price_curtailment,tariff_rule,start_date,"
        "ramp_mw_per_min\n"
        "A1,Op,miner,-10,thar,0.01,4,5,true,dynamic,2027-01-01,10\n"
        "A2,Op,miner,10,atlantis,0.01,4,5,true,dynamic,2027-01-01,10\n"
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["allocate", str(bad), "--out", str(out)], env={"COLUMNS": "300"})
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "2 problems found" in text
    assert "row 2, column 'requested_mw'" in text
    assert "row 3, column 'sites'" in text
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [["--objective", "fairness"], ["--gap", "2"], ["--phase", "lots@tomorrow"]],
)
def test_bad_options_are_refused(tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["allocate", "--out", str(out), *args])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not out.exists()
