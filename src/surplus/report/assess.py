"""The assessment: sections of the report built from one dispatch, and the files written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from surplus import __version__, strict_json
from surplus.grid.model import ReserveRegion
from surplus.report.figures import all_figures
from surplus.report.html import Section, render_report
from surplus.report.summary import Assessment, penalised_summary

if TYPE_CHECKING:
    from surplus.sensitivity import AppliedChange


def assumptions(assessment: Assessment) -> list[str]:
    """What the numbers rest on, stated in the report beside them."""
    info = assessment.dataset.info
    reserve = info.reserve
    floors = []
    if reserve.largest_unit:
        floors.append(f"the largest unit ({assessment.dataset.largest_unit_mw():,.0f} MW)")
    if reserve.share_of_demand:
        floors.append(f"{reserve.share_of_demand:.1%} of the hour's demand")
    if reserve.min_mw:
        floors.append(f"{reserve.min_mw:,.0f} MW")
    regions = assessment.dataset.reserve_regions()
    required = [r for r in regions if r.largest_unit or r.share_of_demand or r.min_mw]
    reserve_text = (
        f"A reserve of the largest of {', '.join(floors) or 'nothing'} is held back every "
        "hour across the system"
        if not reserve.regions
        else "Each reserve region holds its own reserve every hour ("
        + "; ".join(_region_rule(assessment, r) for r in required)
        + "); zones in no region hold none of their own"
    )
    limits = assessment.dataset.fuel_limits
    fuels = sorted(set(limits["fuel"].astype(str))) if len(limits) else []
    cap = assessment.result.cost_cap_pkr_per_mwh
    return [
        f"Dataset: {info.name}, local year {info.year} ({info.timezone}), read from {info.path}.",
        "Economic dispatch, hour by hour: least variable cost plus the value of lost load "
        f"({info.value_of_lost_load_per_mwh:,.0f} {info.currency}/MWh) times unserved energy.",
        "Transmission is a transport model: each corridor has a limit in each direction, with "
        "no losses and no loop flows (no DC power flow); lines inside a zone are not limits.",
        f"{reserve_text}. Reserve counts only where it can be delivered: from plants inside "
        "the region, or from outside it within the unused room of the corridors in between; "
        f"and only if it responds within {reserve.response_minutes:g} minutes: quick-start "
        "plants (reservoir hydro, engines) with all their unused capacity, slower ones "
        "(steam, coal, combined cycle) with the spinning headroom of their running output "
        "only, so a cold plant holds none.",
        "Plant output is at most capacity × the hourly availability profile (outages, water, "
        "wind, sun); reservoir hydro keeps to monthly budgets"
        + (f"; {', '.join(fuels)} keep to monthly fuel limits" if fuels else "")
        + f"; must-run output may be spilled at {assessment.dataset.spill_penalty_per_mwh:,.0f} "
        f"{info.currency}/MWh when nothing can take it.",
        "Spare capacity of a zone is the most additional load that zone alone could take that "
        "hour without shedding anyone, breaching a corridor limit or the reserve. Zones share "
        "plants, corridors and the reserve, so their spare capacities do not add up. "
        + (
            f"At a cost, only energy made at a marginal cost of at most {cap:,.0f} "
            f"{info.currency}/MWh counts (the programme's tariff net of network charge and "
            "losses)."
            if np.isfinite(cap)
            else "No cost cap is declared, so spare capacity at a cost equals physical."
        ),
        "Variable costs are fuel and variable O&M only; capacity payments are sunk and do not "
        "change the dispatch.",
        "Demand is energy served: load-shedding for revenue reasons (distribution companies "
        "cutting high-loss feeders) is not in it, and consumers are shed here only when "
        "supply, transmission or the reserve is short, so the model's unserved energy is far "
        "below the outages Pakistan reports. The calibration section asks the programme's "
        "question again with the suppressed demand added (an estimate from published feeder "
        "counts).",
        f"Produced by surplus {__version__}.",
    ]


def _region_rule(assessment: Assessment, region: ReserveRegion) -> str:
    parts = []
    if region.largest_unit:
        largest = assessment.dataset.largest_unit_mw(region.zones)
        parts.append(f"its largest unit ({largest:,.0f} MW)")
    if region.share_of_demand:
        parts.append(f"{region.share_of_demand:.1%} of its demand")
    if region.min_mw:
        parts.append(f"{region.min_mw:,.0f} MW")
    return f"{region.name}: the largest of " + ", ".join(parts)


def changes_section(changes: Sequence[AppliedChange]) -> Section:
    """Every change from the base dataset, one sentence each with figures before and after."""
    if not changes:
        return Section("Changes from the base dataset", paragraphs=("None: the dataset as read.",))
    return Section(
        "Changes from the base dataset",
        paragraphs=(
            "This run changes the dataset before dispatching it (`--set` / `--scenario`); "
            "every figure below is for the changed system.",
        ),
        notes=tuple(
            f"<code>{escape(c.key)}={escape(c.value)}</code> ({escape(c.source)}): "
            f"{escape(c.change)}"
            for c in changes
        ),
    )


def dispatch_sections(
    assessment: Assessment, changes: Sequence[AppliedChange] = ()
) -> list[Section]:
    totals = assessment.totals
    named = assessment.named_plants
    overview = [
        f"Demand {totals['demand_gwh']:,.0f} GWh; generation {totals['generation_gwh']:,.0f} "
        f"GWh; unserved energy {totals['unserved_gwh']:,.1f} GWh in "
        f"{int(totals['hours_with_unserved']):,} hours; total variable cost "
        f"{totals['total_cost_pkr'] / 1e9:,.1f} billion {assessment.dataset.info.currency}.",
    ]
    sections = [
        Section("Assumptions", paragraphs=tuple(assumptions(assessment))),
        changes_section(changes),
        Section(
            "Overview",
            paragraphs=tuple(overview),
            tables=(
                (
                    "Spare energy by zone and season, GWh (each zone alone)",
                    assessment.spare_by_zone_season_gwh,
                ),
                (
                    "Hours per year with at least this much spare capacity",
                    assessment.hours_above_threshold,
                ),
                (
                    "Utilisation of the programme's named plants",
                    named[["name", "zone", "capacity_mw", "energy_gwh", "utilisation"]],
                ),
                ("Utilisation by fuel", assessment.utilisation_by_fuel),
                ("Corridor congestion", assessment.corridor_congestion),
            ),
        ),
    ]
    sections.append(_penalised_section(assessment))
    sections += [Section(title, figures=(figure,)) for title, figure in all_figures(assessment)]
    return sections


def _penalised_section(assessment: Assessment) -> Section:
    table = penalised_summary(assessment.result)
    paragraph = (
        "Every hour in which load is shed, must-run output is spilled or a region runs short "
        "of reserve, by place, with its most frequent cause; summary.json lists each "
        "zone-hour with its own."
        if not table.empty
        else "No hour sheds load, spills must-run output or runs short of reserve."
    )
    tables = (("Penalised hours", table),) if not table.empty else ()
    return Section("Penalised hours", paragraphs=(paragraph,), tables=tables)


def write_outputs(
    assessment: Assessment,
    out: Path,
    extra: list[Section] | None = None,
    changes: Sequence[AppliedChange] = (),
) -> tuple[Path, Path]:
    """Write summary.json (strict JSON: no NaN or infinity) and report.html into `out`;
    return their paths. `changes` are the changes from the base dataset, named in both."""
    out.mkdir(parents=True, exist_ok=True)
    summary = {
        "version": __version__,
        "assumptions": assumptions(assessment),
        "changes": [asdict(change) for change in changes],
        **assessment.to_json(),
        **{key: value for section in extra or [] for key, value in section.data.items()},
    }
    json_path = out / "summary.json"
    json_path.write_text(strict_json.dumps(summary), encoding="utf-8")
    info = assessment.dataset.info
    changed = f" · {len(changes)} change(s) from the base" if changes else ""
    page = render_report(
        f"surplus assessment: {info.name} {info.year}",
        f"surplus {__version__} · dataset {info.path}{changed}",
        dispatch_sections(assessment, changes) + list(extra or []),
    )
    html_path = out / "report.html"
    html_path.write_text(page, encoding="utf-8")
    return json_path, html_path
