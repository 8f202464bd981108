"""What an ensemble says: per-run values in one table, their distributions (percentiles),
the probability each phase's quota holds within the curtailment budget, and the largest
quota that holds in at least 95 % of runs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from surplus.scenarios.record import RunRecord
from surplus.scenarios.spec import ScenarioSpec

PERCENTILES = (5, 25, 50, 75, 95)
CONFIDENCE = 0.95
"""A quota "holds with 95 % confidence" when it holds in at least this share of the runs."""


class _Plain(BaseModel):
    model_config = ConfigDict(frozen=True)


class Distribution(_Plain):
    runs: int
    mean: float | None
    p5: float | None
    p25: float | None
    p50: float | None
    p75: float | None
    p95: float | None


class QuotaChance(_Plain):
    quota_mw: float
    runs: int
    holds: int
    probability: float
    curtailed_hours_per_year: Distribution
    curtailment_rate: Distribution


class TariffDistributions(_Plain):
    tariff: str
    runs: int
    subsidy_test_pass_probability: float
    shortfall_bn_pkr: Distribution
    public_net_benefit_bn_pkr: Distribution
    """Government/CPPA's net: receipts less fuel burnt and network cost (price measure)."""
    reserve_btc_per_year: Distribution


class FailedRun(_Plain):
    run_id: int
    error: str


class EnsembleSummary(_Plain):
    description: str
    runs_declared: int
    runs_ok: int
    failed: tuple[FailedRun, ...]
    budget: float
    confidence: float
    headroom_mw: dict[str, Distribution]
    """Per zone, physical headroom at the budget."""
    firm_headroom_mw: dict[str, Distribution]
    quotas: tuple[QuotaChance, ...]
    largest_quota_mw_at_confidence: float | None
    """The largest declared quota holding in at least `confidence` of the runs (None: none)."""
    tariffs: tuple[TariffDistributions, ...]
    unserved_gwh: Distribution
    reserve_shortfall_hours: Distribution
    mean_seconds_per_run: float | None


def distribution(values: Sequence[float] | pd.Series) -> Distribution:
    array = np.asarray(pd.Series(values, dtype=float).dropna(), dtype=float)
    if not len(array):
        return Distribution(runs=0, mean=None, p5=None, p25=None, p50=None, p75=None, p95=None)
    cuts = np.percentile(array, PERCENTILES)
    return Distribution(
        runs=len(array),
        mean=float(array.mean()),
        **{f"p{p}": float(v) for p, v in zip(PERCENTILES, cuts, strict=True)},
    )


def per_run(records: Sequence[RunRecord], budget: float) -> dict[str, pd.DataFrame]:
    """Long tables, one row per run and item: `headroom` (zone, budget, MW), `quotas`,
    `tariffs` and `runs` (the run's own figures)."""
    headroom, quotas, tariffs, runs = [], [], [], []
    for record in records:
        if record.figures is None:
            continue
        f = record.figures
        runs.append(
            {
                "run_id": record.run_id,
                "weather": record.weather,
                "tariff": record.tariff,
                "unserved_gwh": f.unserved_gwh,
                "reserve_shortfall_hours": f.reserve_shortfall_hours,
                "seconds": record.seconds.get("total", np.nan),
            }
        )
        headroom += [
            {"run_id": record.run_id, "zone": h.zone, "budget": h.budget, "mw": h.headroom_mw}
            for h in f.headroom
            if h.kind == "physical"
        ]
        quotas += [{"run_id": record.run_id, **q.model_dump()} for q in record.quotas]
        tariffs += [{"run_id": record.run_id, **t.model_dump()} for t in f.tariffs]
    return {
        "runs": pd.DataFrame(runs),
        "headroom": pd.DataFrame(headroom, columns=["run_id", "zone", "budget", "mw"]),
        "quotas": pd.DataFrame(quotas),
        "tariffs": pd.DataFrame(tariffs),
    }


def _by_zone(frame: pd.DataFrame, budget: float) -> dict[str, Distribution]:
    rows = frame[np.isclose(frame["budget"], budget)]
    return {str(zone): distribution(group["mw"]) for zone, group in rows.groupby("zone")}


def summarise(spec: ScenarioSpec, records: Sequence[RunRecord]) -> EnsembleSummary:
    ok = [r for r in records if r.status == "ok"]
    tables = per_run(ok, spec.programme.budget)
    quotas = []
    frame = tables["quotas"]
    for quota in spec.programme.quotas_mw:
        rows = frame[np.isclose(frame["quota_mw"], quota)] if len(frame) else frame
        holds = int(rows["holds"].sum()) if len(rows) else 0
        quotas.append(
            QuotaChance(
                quota_mw=quota,
                runs=len(rows),
                holds=holds,
                probability=holds / len(rows) if len(rows) else 0.0,
                curtailed_hours_per_year=distribution(
                    rows["curtailed_hours_per_year"] if len(rows) else []
                ),
                curtailment_rate=distribution(rows["curtailment_rate"] if len(rows) else []),
            )
        )
    confident = [q.quota_mw for q in quotas if q.runs and q.probability >= CONFIDENCE]
    tariffs = []
    for name, rows in (
        tables["tariffs"].groupby("tariff", sort=True) if len(tables["tariffs"]) else []
    ):
        tariffs.append(
            TariffDistributions(
                tariff=str(name),
                runs=len(rows),
                subsidy_test_pass_probability=float(rows["passes_subsidy_test"].mean()),
                shortfall_bn_pkr=distribution(rows["shortfall_bn_pkr"]),
                public_net_benefit_bn_pkr=distribution(rows["government_net_price_bn_pkr"]),
                reserve_btc_per_year=distribution(rows["reserve_btc_per_year"]),
            )
        )
    runs = tables["runs"]
    return EnsembleSummary(
        description=spec.description,
        runs_declared=spec.runs,
        runs_ok=len(ok),
        failed=tuple(
            FailedRun(run_id=r.run_id, error=r.error) for r in records if r.status != "ok"
        ),
        budget=spec.programme.budget,
        confidence=CONFIDENCE,
        headroom_mw=_by_zone(tables["headroom"], spec.programme.budget),
        firm_headroom_mw=_by_zone(tables["headroom"], 0.0),
        quotas=tuple(quotas),
        largest_quota_mw_at_confidence=max(confident) if confident else None,
        tariffs=tuple(tariffs),
        unserved_gwh=distribution(runs["unserved_gwh"] if len(runs) else []),
        reserve_shortfall_hours=distribution(runs["reserve_shortfall_hours"] if len(runs) else []),
        mean_seconds_per_run=float(runs["seconds"].mean()) if len(runs) else None,
    )
