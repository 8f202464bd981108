"""`surplus economics` end to end on two days of the embedded dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import typer
from typer.testing import CliRunner

from surplus.economics.cli import economics_command

app = typer.Typer()
app.command()(economics_command)
WINDOW = ["--start", "2025-01-06", "--end", "2025-01-08"]


def test_writes_the_comparison(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [*WINDOW, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Tariff rules compared" in result.output and "Who gains and who pays" in result.output
    assert "passes_subsidy_test" not in result.output  # labels in words, not column names
    document = json.loads((out / "comparison.json").read_text())
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["tariff"]) == [
        "proposed_fixed_23",
        "fixed_23_curtailed_on_price",
        "industrial_b3_27",
        "time_of_use",
        "dynamic",
    ]
    # Curtailed whenever the cost to serve exceeds the rate: it cannot fail the test.
    curtailed = summary.set_index("tariff").loc["fixed_23_curtailed_on_price"]
    assert bool(curtailed["passes_subsidy_test"]) and curtailed["failing_hours"] == 0
    # The delta measure is a cross-check without a verdict, not a second subsidy test.
    for outcome in document["outcomes"]:
        assert "passes" not in outcome["delta_cross_check"]
        assert "subsidy_test_delta" not in outcome
    assert document["hours"] == 48
    assert [row["tariff"] for row in document["summary"]] == list(summary["tariff"])
    # The dynamic tariff is cost plus a margin: it never fails the (price) test.
    dynamic = summary.set_index("tariff").loc["dynamic"]
    assert bool(dynamic["passes_subsidy_test"]) and dynamic["failing_hours"] == 0
    loads = pd.read_csv(out / "loads.csv")
    assert loads.groupby("tariff")["capacity_mw"].sum().round(6).eq(2000.0).all()
    hourly = pd.read_csv(out / "hourly_dynamic.csv", index_col=0)
    assert len(hourly) == 48
    for name in ("parties", "miner_profit_by_btc_price", "reserve_by_btc_price"):
        assert (out / f"{name}.csv").exists()


def test_a_bad_scenario_file_is_reported_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "btc.csv"
    path.write_text(
        "timestamp,btc_price_usd,fees_btc_per_block,network_hashrate_ehs\n"
        "2025-01-01T00:00Z,lots,0.02,1000\n"
    )
    result = CliRunner().invoke(app, [*WINDOW, "--btc-csv", str(path)])
    assert result.exit_code == 1
    assert "row 2" in result.output and "btc_price_usd" in result.output
    assert "Traceback" not in result.output


def test_a_bad_window_is_reported() -> None:
    result = CliRunner().invoke(app, ["--start", "not-a-date"])
    assert result.exit_code == 1
    assert "--start" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["--start", "2030-01-01"])
    assert result.exit_code == 1 and "window" in result.output


def test_the_summary_in_the_command_list_is_one_line() -> None:
    # typer lists each command with its docstring's first paragraph, line breaks kept.
    summary = (economics_command.__doc__ or "").strip().split("\n\n")[0]
    assert summary and "\n" not in summary
