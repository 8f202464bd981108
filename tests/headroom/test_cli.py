"""`surplus headroom --demand`: on the real 22-region EIA-930 history (shipped with the
package) and on bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from surplus.headroom.cli import headroom_command

app = typer.Typer()
app.command("headroom")(headroom_command)
app.command("other")(lambda: None)  # two commands keep the sub-command name on the line
runner = CliRunner()


@pytest.fixture(scope="module")
def eia_result(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("headroom") / "us.csv"
    result = runner.invoke(
        app, ["headroom", "--demand", "eia930-us22", "--out", str(out)], env={"COLUMNS": "200"}
    )
    return result.exit_code, result.output, pd.read_csv(out) if out.exists() else pd.DataFrame()


def test_cli_runs_on_the_eia_history(eia_result: tuple[int, str, pd.DataFrame]) -> None:
    code, output, table = eia_result
    assert code == 0, output
    assert len(table) == 22 * 5
    assert {
        "region",
        "budget",
        "headroom_mw",
        "curtailed_mwh_per_year",
        "curtailed_hours_per_year",
    } <= set(table.columns)
    assert sorted(table["budget"].unique()) == [0.0, 0.0025, 0.005, 0.01, 0.05]
    assert "PJM" in output and "0.5%" in output
    assert "Seasonal peak thresholds" in output and "Nov-Mar" in output


def test_eia_headroom_is_consistent(eia_result: tuple[int, str, pd.DataFrame]) -> None:
    _, _, table = eia_result
    by_budget = table.pivot(index="region", columns="budget", values="headroom_mw")
    # Peak thresholds are historical maxima, so nothing is firm.
    assert (by_budget[0.0] == 0).all()
    assert (by_budget.diff(axis=1).iloc[:, 1:] > 0).all().all()
    # Each solved load meets its budget: the reported rate equals the budget.
    flexible = table[table["budget"] > 0]
    assert (flexible["rate"] - flexible["budget"]).abs().max() < 1e-6
    # Cross-check against the published total (Norris et al. 2025: 98 GW at 0.5 %), which
    # rests on differently cleaned data of the same source and years.
    assert 90_000 < by_budget[0.005].sum() < 105_000


def test_bad_input_gives_a_clean_message(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("timestamp,A\n2024-01-01T00:00Z,12\n2024-01-01T01:00Z,oops\n")
    result = runner.invoke(app, ["headroom", "--demand", str(path)])
    assert result.exit_code == 1
    assert "bad.csv, row 3, column 'A'" in result.output
    assert "Traceback" not in result.output


def test_bad_month_option_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text("timestamp,A\n2024-01-01T00:00Z,12\n2024-07-01T01:00Z,20\n")
    result = runner.invoke(app, ["headroom", "--demand", str(path), "--summer-peak", "A=13-2"])
    assert result.exit_code == 1
    assert "months run from 1 to 12" in result.output


def test_peak_window_option_changes_the_threshold(tmp_path: Path) -> None:
    # A's highest demand falls in May: outside the default June-August summer window.
    rows = ["timestamp,A"]
    for month, value in ((1, 50), (5, 100), (7, 80), (12, 60)):
        rows += [f"2024-{month:02d}-15T{h:02d}:00Z,{value if h == 12 else 10}" for h in range(24)]
    path = tmp_path / "may.csv"
    path.write_text("\n".join(rows) + "\n")
    out_default, out_wide = tmp_path / "default.csv", tmp_path / "wide.csv"
    args = ["headroom", "--demand", str(path), "--budget", "0.05"]
    assert runner.invoke(app, [*args, "--out", str(out_default)]).exit_code == 0
    wide = [*args, "--out", str(out_wide), "--summer-peak", "A=5-9"]
    assert runner.invoke(app, wide).exit_code == 0
    default = pd.read_csv(out_default)["headroom_mw"].iloc[0]
    widened = pd.read_csv(out_wide)["headroom_mw"].iloc[0]
    # Worked by hand over the 96 hours: by default May's 100 MW hour is 20 MW above the 80 MW
    # summer threshold and counts as fully curtailed, and 4.8 = 50 - 2310/L gives L = 51.1 MW;
    # with May in the window the threshold is 100 MW and 4.8 = 50 - 2330/L gives L = 51.5 MW.
    assert default == pytest.approx(2310 / 45.2, rel=1e-6)
    assert widened == pytest.approx(2330 / 45.2, rel=1e-6)


@pytest.mark.parametrize("command", ["headroom_command", "sites_command"])
def test_the_summary_in_the_command_list_is_one_line(command: str) -> None:
    # typer lists each command with its docstring's first paragraph, line breaks kept.
    import surplus.headroom.cli as cli

    doc = getattr(cli, command).__doc__ or ""
    summary = doc.strip().split("\n\n")[0]
    assert summary and "\n" not in summary
