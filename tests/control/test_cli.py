"""`surplus control` and `surplus agent` from the command line: clean failures, and one
control cycle against a fresh database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from surplus.cli import app


def test_control_run_cycles_on_a_fresh_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    result = CliRunner().invoke(
        app, ["control", "run", "--cycles", "2", "--cycle-s", "0.5", "--database-url", url]
    )
    assert result.exit_code == 0, result.output
    assert "controller running" in result.output


def test_control_run_refuses_an_unknown_feed_and_a_bad_csv(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    result = CliRunner().invoke(app, ["control", "run", "--feed", "radio", "--database-url", url])
    assert result.exit_code == 1 and "push or csv" in result.output
    bad = tmp_path / "day.csv"
    bad.write_text("time,zone,spare_mw\nyesterday,mepco,10\n")
    result = CliRunner().invoke(
        app, ["control", "run", "--feed", "csv", "--csv", str(bad), "--database-url", url]
    )
    assert result.exit_code == 1
    assert "row 2" in result.output and "Traceback" not in result.output


def test_the_term_sheet_schema_is_printed() -> None:
    result = CliRunner().invoke(app, ["control", "term-sheet-schema"])
    assert result.exit_code == 0
    assert "curtailment" in json.loads(result.output)["properties"]


@pytest.mark.parametrize(
    ("extra", "env", "message"),
    [
        ([], {}, "SURPLUS_AGENT_CLIENT_SECRET"),
        (["--adapter", "toaster"], {"SURPLUS_AGENT_CLIENT_SECRET": "s"}, "--adapter must be"),
        (["--adapter", "pyasic"], {"SURPLUS_AGENT_CLIENT_SECRET": "s"}, "--miner"),
        (["--listen", "nowhere"], {"SURPLUS_AGENT_CLIENT_SECRET": "s"}, "HOST:PORT"),
    ],
)
def test_the_agent_refuses_bad_options_cleanly(
    extra: list[str], env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SURPLUS_AGENT_CLIENT_SECRET", raising=False)
    base = ["agent", "--vtn", "http://127.0.0.1:9/openadr3/3.1.0", "--client-id", "c",
            "--site-id", "1", "--full-kw", "100"]  # fmt: skip
    result = CliRunner().invoke(app, base + extra, env=env)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
