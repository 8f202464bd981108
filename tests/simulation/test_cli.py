"""`surplus simulate` from the command line: a short run on the embedded dataset, and
bad input refused with a message, exit code 1 and no traceback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from surplus.cli import app
from surplus.simulation.scenario import simulated_sheet

pytestmark = pytest.mark.slow


def test_a_short_simulation_keeps_households_whole_and_audits_every_order(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    result = CliRunner().invoke(
        app,
        ["simulate", "--sites", "qesco:600", "--day", "2025-06-13", "--hours", "3",
         "--frequency-dip", "01:00", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    facts = json.loads((out / "summary.json").read_text())
    assert facts["households_lost_without_mwh"] > 0  # the day is short in qesco
    assert facts["households_lost_with_mwh"] < 0.2 * facts["households_lost_without_mwh"]
    assert facts["orders"] > 0 and facts["audit_chain_ok"]
    assert facts["noncompliance_records"] >= 1  # the farm that only pretends is caught
    assert "Plotly" in (out / "report.html").read_text() and (out / "orders.csv").exists()


def test_the_allocations_term_sheets_are_simulated_as_written(tmp_path: Path) -> None:
    # Three grants in qesco (as an allocation writes them: no register id, starting in a
    # later year than the dataset's, which stands for a contract year).
    sheets = [
        simulated_sheet(
            n, f"op{n}", "qesco", "qesco", kind, mw, date(2027, 1, 1), rights, 2.0
        ).model_dump(mode="json", exclude={"register_site_id"})
        for n, kind, mw, rights in [
            (1, "miner", 300.0, {}),
            (2, "miner", 200.0, {"notice_minutes": 5}),
            (3, "ai_data_centre", 100.0, {"flexible_share": 0.3, "notice_minutes": 2}),
        ]
    ]
    path = tmp_path / "sheets.json"
    path.write_text(json.dumps({"term_sheets": sheets}))
    out = tmp_path / "sim"
    result = CliRunner().invoke(
        app,
        ["simulate", "--term-sheets", str(path), "--day", "2025-06-13", "--hours", "3",
         "--frequency-dip", "none", "--liars", "0", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    facts = json.loads((out / "summary.json").read_text())
    assert facts["households_lost_without_mwh"] > 0
    assert facts["households_lost_with_mwh"] < 0.2 * facts["households_lost_without_mwh"]
    assert facts["orders"] > 0 and facts["noncompliance_records"] == 0
    sites = pd.read_csv(out / "sites.csv")
    assert sorted(sites["name"]) == ["qesco SIM-1", "qesco SIM-2", "qesco SIM-3"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--sites", "atlantis:5"], "neither a plant nor a zone"),
        (["--sites", "qesco:-4"], "MW must be positive"),
        (["--day", "1999-01-01", "--sites", "qesco:50"], "outside the dataset's year"),
        (["--day", "soon"], "expected YYYY-MM-DD"),
        (["--term-sheets", "no-such-folder"], "a readable file"),
        (["--term-sheets", "x.json", "--sites", "qesco:5"], "not both"),
    ],
)
def test_bad_input_is_refused_with_a_message(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["simulate", *arguments, "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
