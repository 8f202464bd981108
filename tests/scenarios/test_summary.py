"""The ensemble summary worked by hand on records built here: the probability a quota
holds, the largest quota holding in 95 % of runs, percentiles; and `surplus assess
--ensemble` adds the section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from surplus.cli import app
from surplus.scenarios import QuotaFigure, RunRecord, read_spec, store, summarise
from surplus.study import StudyFigures, TariffFigure, ZoneHeadroom
from tests.grid.tiny import write_tiny
from tests.scenarios.specs import write_spec


def record(run_id: int, headroom_mw: float, big_holds: bool, net_bn_pkr: float) -> RunRecord:
    figures = StudyFigures(
        dataset="hand",
        hours=48,
        changes=(),
        demand_gwh=1.0,
        unserved_gwh=0.0,
        hours_with_unserved=0,
        reserve_shortfall_hours=run_id % 2,
        generation_cost_bn_pkr=1.0,
        headroom=(
            ZoneHeadroom(zone="north", kind="physical", budget=0.005, headroom_mw=headroom_mw,
                         curtailed_hours_per_year=1.0),
            ZoneHeadroom(zone="north", kind="physical", budget=0.0, headroom_mw=0.0,
                         curtailed_hours_per_year=0.0),
        ),
        tariffs=(
            TariffFigure(tariff="dynamic", energy_gwh=1.0, passes_subsidy_test=run_id != 0,
                         failing_hours=0, shortfall_bn_pkr=0.0,
                         government_net_price_bn_pkr=net_bn_pkr, government_net_delta_bn_pkr=None,
                         miners_profit_bn_pkr=0.0, reserve_btc_per_year=2.0),
        ),
    )  # fmt: skip
    quotas = (
        QuotaFigure(quota_mw=500, curtailment_rate=0.0, curtailed_hours_per_year=0, holds=True),
        QuotaFigure(quota_mw=2000, curtailment_rate=0.01 if not big_holds else 0.001,
                    curtailed_hours_per_year=10, holds=big_holds),
    )  # fmt: skip
    return RunRecord(run_id=run_id, status="ok", figures=figures, quotas=quotas, tariff="dynamic")


@pytest.fixture
def ensemble(tmp_path: Path) -> Path:
    """20 runs: headroom 0, 10, …, 190 MW; 2,000 MW holds in 19 of them; one failed run."""
    spec_path = write_spec(tmp_path / "spec", runs=21)
    out = tmp_path / "ensemble"
    store.claim(out, spec_path)
    for i in range(20):
        store.write(out, record(i, 10.0 * i, big_holds=i != 7, net_bn_pkr=float(i)))
    store.write(out, RunRecord(run_id=20, status="failed", error="RuntimeError: no"))
    return out


def test_probabilities_and_percentiles_by_hand(ensemble: Path) -> None:
    spec, records = store.load(ensemble)
    summary = summarise(spec, records)
    small, big = summary.quotas
    assert (small.holds, small.runs, small.probability) == (20, 20, 1.0)
    assert (big.holds, big.runs, big.probability) == (19, 20, 0.95)
    assert summary.largest_quota_mw_at_confidence == 2000.0
    north = summary.headroom_mw["north"]
    assert north.p50 == pytest.approx(95.0) and north.p5 == pytest.approx(9.5)
    assert summary.firm_headroom_mw["north"].p95 == 0.0
    (dynamic,) = summary.tariffs
    assert dynamic.subsidy_test_pass_probability == pytest.approx(19 / 20)
    assert dynamic.public_net_benefit_bn_pkr.mean == pytest.approx(9.5)
    assert [f.run_id for f in summary.failed] == [20] and summary.runs_ok == 20


def test_one_more_failure_and_the_big_quota_drops_below_95(ensemble: Path) -> None:
    store.write(ensemble, record(3, 30.0, big_holds=False, net_bn_pkr=3.0))
    spec, records = store.load(ensemble)
    assert summarise(spec, records).largest_quota_mw_at_confidence == 500.0


def test_a_folder_of_another_spec_is_refused(ensemble: Path, tmp_path: Path) -> None:
    other = write_spec(tmp_path / "other", runs=3)
    result = CliRunner().invoke(app, ["scenarios", "run", str(other), "--out", str(ensemble)])
    assert result.exit_code == 1 and "another spec" in result.output


def test_assess_adds_the_ensemble_section(ensemble: Path, tmp_path: Path) -> None:
    tiny = write_tiny(tmp_path / "tiny")
    out = tmp_path / "report"
    args = ["assess", str(tiny), "-o", str(out), "--ensemble", str(ensemble)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    document = json.loads((out / "summary.json").read_text())
    assert document["ensemble"]["largest_quota_mw_at_confidence"] == 2000.0
    assert "Across the ensemble" in (out / "report.html").read_text()
    missing = CliRunner().invoke(app, [*args[:-1], str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "ensemble folder" in missing.output
    assert read_spec(ensemble / "spec.toml").runs == 21


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    from surplus.errors import InputError
    from surplus.scenarios import run_ensemble

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    spec = write_spec(tmp_path / "spec", runs=1)
    with pytest.raises(InputError, match="--scheduler"):
        run_ensemble(spec, tmp_path / "o", scheduler=f"tcp://127.0.0.1:{port}", connect_timeout_s=2)
