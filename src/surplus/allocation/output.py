"""Tables and files of an allocation: allocations.csv, summary.json and the term sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from surplus import strict_json
from surplus.allocation.allocator import Allocation
from surplus.allocation.term_sheets import TermsPolicy, term_sheets, to_html, to_markdown
from surplus.contracts import term_sheet_json_schema


def allocations_frame(allocation: Allocation) -> pd.DataFrame:
    """One row per application, in id order."""
    rows = []
    for d in allocation.decisions:
        app, v = d.application, d.verified
        rows.append(
            {
                "application": app.application_id,
                "operator": app.operator,
                "kind": app.kind,
                "site": d.site or "",
                "zone": d.zone or "",
                "requested_mw": app.requested_mw,
                "allocated_mw": d.allocated_mw,
                "reason": d.reason,
                "binding": d.binding.kind,
                "shadow_price": d.binding.shadow_price,
                "net_benefit_pkr_per_mw_year": d.benefit_pkr_per_mw_year,
                "offered_curtailment_share": app.max_curtailment_share,
                "verified_curtailment_share": v.total_share if v else float("nan"),
                "verified_curtailed_hours_per_year": v.capacity.curtailed_hours_per_year
                if v
                else float("nan"),
                "verified_longest_event_hours": v.capacity.longest_event_hours if v else None,
                "tariff_rule": app.tariff_rule,
            }
        )
    return pd.DataFrame(rows)


def summary(allocation: Allocation) -> dict[str, Any]:
    """The headline figures, as plain JSON values."""
    settings = allocation.settings
    frame = allocations_frame(allocation)
    granted = frame[frame["allocated_mw"] > 0]
    by_zone = granted.groupby("zone")["allocated_mw"].sum().sort_index()
    by_kind = granted.groupby("kind")["allocated_mw"].sum().sort_index()
    return {
        "dataset": allocation.grid.dataset,
        "objective": settings.objective,
        "phases": [
            {
                "name": p.name,
                "quota_mw": p.quota_mw,
                "opens_on": p.opens_on.isoformat() if p.opens_on else None,
            }
            for p in settings.phases
        ],
        "operator_cap_mw": settings.operator_cap_mw,
        "applications": len(frame),
        "requested_mw": float(frame["requested_mw"].sum()),
        "granted_applications": len(granted),
        "allocated_mw": float(granted["allocated_mw"].sum()),
        "net_benefit_pkr_per_year": float(
            (granted["allocated_mw"] * granted["net_benefit_pkr_per_mw_year"]).sum()
        ),
        "allocated_mw_by_zone": {str(k): float(v) for k, v in by_zone.items()},
        "allocated_mw_by_kind": {str(k): float(v) for k, v in by_kind.items()},
        "binding_constraints": {
            str(k): int(v) for k, v in frame["binding"].value_counts().sort_index().items()
        },
        "solver": {
            "objective": allocation.solver_objective,
            "bound": allocation.solver_bound,
            "relative_gap": allocation.gap,
            "rounds": allocation.rounds,
            "seconds": allocation.seconds,
        },
        "verification": {
            "passes": allocation.verification.passes,
            "withdrawn": list(allocation.withdrawn),
            "largest_share_of_offer_used": _largest_use(allocation),
        },
    }


def _largest_use(allocation: Allocation) -> float:
    uses = [
        v.total_share / v.grant.application.max_curtailment_share
        for v in allocation.verification.grants
        if v.grant.application.max_curtailment_share > 0
    ]
    return float(max(uses, default=0.0))


def write_outputs(
    allocation: Allocation, out: Path, policy: TermsPolicy | None = None
) -> dict[str, Path]:
    """Write every output under `out`; returns the main paths by name."""
    out.mkdir(parents=True, exist_ok=True)
    sheets_dir = out / "term_sheets"
    sheets_dir.mkdir(exist_ok=True)
    table = allocations_frame(allocation)
    csv_path = out / "allocations.csv"
    table.to_csv(csv_path, index=False)
    sheets = term_sheets(allocation, policy)
    for sheet in sheets:
        stem = sheets_dir / sheet.term_sheet_id
        stem.with_suffix(".json").write_text(
            strict_json.dumps(sheet.model_dump(mode="json")) + "\n", encoding="utf-8"
        )
        stem.with_suffix(".md").write_text(to_markdown(sheet), encoding="utf-8")
        stem.with_suffix(".html").write_text(to_html(sheet), encoding="utf-8")
    schema_path = sheets_dir / "term-sheet.schema.json"
    schema_path.write_text(strict_json.dumps(term_sheet_json_schema()) + "\n", encoding="utf-8")
    data = summary(allocation)
    data["term_sheets"] = len(sheets)
    summary_path = out / "summary.json"
    summary_path.write_text(strict_json.dumps(data) + "\n", encoding="utf-8")
    return {"allocations": csv_path, "summary": summary_path, "term_sheets": sheets_dir}
