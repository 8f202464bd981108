"""Writing a tariff comparison to a folder: one JSON document and the tables as CSV."""

from __future__ import annotations

import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from surplus import strict_json
from surplus.economics.compare import Comparison, loads_table, parties_table
from surplus.errors import SurplusError


def _clean(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def comparison_document(
    comparison: Comparison, assumptions: dict[str, Any], extra: dict[str, pd.DataFrame]
) -> dict[str, Any]:
    outcomes = []
    for outcome in comparison.outcomes:
        outcomes.append(
            {
                "tariff": outcome.tariff,
                "finance": asdict(outcome.finance),
                "subsidy_test_price": _test(outcome.subsidy_price),
                "subsidy_test_delta": _test(outcome.subsidy_delta),
                "reserve": asdict(outcome.reserve),
                "parties": outcome.parties.to_dict(orient="records"),
            }
        )
    document = {
        "dataset": comparison.dataset,
        "hours": comparison.hours,
        "assumptions": assumptions,
        "summary": comparison.summary.to_dict(orient="records"),
        "loads": loads_table(comparison).to_dict(orient="records"),
        "outcomes": outcomes,
    }
    document.update({name: table.to_dict(orient="records") for name, table in extra.items()})
    return dict(_clean(document))


def _test(test: Any) -> dict[str, Any]:
    return {
        "passes": test.passes,
        "failing_hours": test.failing_hours,
        "failing_mwh": test.failing_mwh,
        "shortfall_pkr": test.shortfall_pkr,
        "min_flat_tariff_pkr_per_mwh": test.min_flat_tariff_pkr_per_mwh,
        "flat_tariff_p99_pkr_per_mwh": test.flat_tariff_p99_pkr_per_mwh,
        "average_cost_pkr_per_mwh": test.average_cost_pkr_per_mwh,
    }


def write_comparison(
    comparison: Comparison,
    out: Path,
    assumptions: dict[str, Any],
    extra: dict[str, pd.DataFrame],
) -> list[Path]:
    """Write `comparison.json`, `summary.csv`, `loads.csv`, `parties.csv`, one
    `hourly_<tariff>.csv` per tariff and each `extra` table; return the paths written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "comparison.json"]
        document = comparison_document(comparison, assumptions, extra)
        written[0].write_text(strict_json.dumps(document, default=str), encoding="utf-8")
        tables = {
            "summary": comparison.summary,
            "loads": loads_table(comparison),
            "parties": parties_table(comparison),
            **extra,
        }
        for outcome in comparison.outcomes:
            hourly = outcome.hourly.join(outcome.subsidy_price.hourly[["failing_mw"]])
            tables[f"hourly_{outcome.tariff}"] = hourly
        for name, table in tables.items():
            path = out / f"{name}.csv"
            table.to_csv(path, index=name.startswith("hourly_"))
            written.append(path)
    except OSError as error:
        raise SurplusError(f"cannot write to {out}: {error}") from None
    return written
