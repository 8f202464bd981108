"""End to end from a fresh install: `surplus simulate` a day of June into a kept store,
then `surplus settle import-meter`, `settle month` and `settle report`; and bad input is
a clean error (exit 1, the file's row and field named, no traceback)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from surplus.cli import app
from surplus.settings import get_settings
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.readings import Reading
from surplus.store.settlement_tables import MeterBatch


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


@pytest.mark.slow
def test_a_simulated_day_settles_end_to_end(tmp_path: Path) -> None:
    get_settings()  # a settings object cached by an earlier caller must not pick the store
    sim = tmp_path / "sim"
    code, out = run("simulate", "--day", "2025-06-03", "--days", "1", "--sites", "sahiwal:300",
                    "--liars", "1", "--out", str(sim))  # fmt: skip
    assert code == 0, out
    assert (sim / "simulation.db").exists() and (sim / "prices.csv").exists()
    env = {"SURPLUS_DATABASE_URL": f"sqlite:///{sim / 'simulation.db'}"}
    meters = sorted(str(p) for p in (sim / "meter").glob("site-*.csv"))
    assert len(meters) == 4
    code, out = run("settle", "import-meter", *meters, env=env)
    assert code == 0, out
    settled = tmp_path / "settled"
    args = ("settle", "month", "--month", "2025-06", "--prices", str(sim / "prices.csv"))
    code, out = run(*args, "--out", str(settled), env=env)
    assert code == 0, out
    folder = settled / "2025-06"
    verdicts = (folder / "verdicts.csv").read_text().splitlines()
    assert len(verdicts) > 1  # the frequency dip at 10:00 ordered every miner
    assert any(",exceeded," in row for row in verdicts)  # the farm that only pretends
    statements = sorted((folder / "statements").glob("*.json"))
    assert len(statements) == 2  # the mining operator and the data centre's
    for path in statements:
        body = json.loads(path.read_text())
        total = sum(Decimal(line["amount_pkr"]) for line in body["lines"])
        assert Decimal(body["total_pkr"]) == total
        assert all(site["meter"]["source"] == "meter" for site in body["sites"])
        assert path.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    # The agents' OpenADR reports were folded in as telemetry (kind 1), in one batch.
    engine = make_engine(env["SURPLUS_DATABASE_URL"])
    with make_sessionmaker(engine)() as session:
        sources = set(session.scalars(select(MeterBatch.source)))
        telemetry = session.scalar(select(func.count()).where(Reading.kind == 1))
    engine.dispose()
    assert {"csv", "openadr"} <= sources and telemetry
    code, out = run("settle", "report", "--month", "2025-06", "--out", str(settled), env=env)
    assert code == 0, out
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["subsidy"]["passed"] is not None and summary["compliance"]["exceeded"] >= 1
    page = (folder / "report.html").read_text()
    assert "public report for 2025-06" in page and 'src="http' not in page
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")
    # Running the month again changes nothing; the public report has no operator's bill.
    code, out = run(*args, "--out", str(settled), env=env)
    assert code == 0 and "(unchanged)" in out
    assert "statements" not in summary


def test_a_bad_meter_file_is_a_clean_error(tmp_path: Path) -> None:
    env = {"SURPLUS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    bad = tmp_path / "meter.csv"
    bad.write_text("site_id,read_at,power_mw\n1,2026-01-01T00:00:00Z,x\n")
    code, out = run("settle", "import-meter", str(bad), env=env)
    assert code == 1
    assert "row 2, column 'power_mw'" in out and "Traceback" not in out
    code, out = run("settle", "month", "--month", "2026-13", env=env)
    assert code == 1 and "YYYY-MM" in out and "Traceback" not in out
    code, out = run("settle", "report", "--month", "2026-01", env=env)
    assert code == 1 and "has not been settled" in out
