"""The report's calibration section: the model against published facts with every
disagreement said, and the programme's answer with and without the demand that
load-shedding suppresses."""

from __future__ import annotations

import pandas as pd

from surplus.report.facts import FACTS, compare_with_facts, disagreements
from surplus.report.html import Section
from surplus.report.summary import Assessment
from surplus.study.shedding import Run, SheddingComparison, other_side_of_shedding

__all__ = ["Run", "SheddingComparison", "calibration_section", "other_side_of_shedding"]


def calibration_section(
    assessment: Assessment, shedding: SheddingComparison | None = None, changed: bool = False
) -> Section:
    """The facts table with every disagreement explained; with `shedding`, the programme's
    answer both ways. `changed`: this run changes the base dataset (the facts describe the
    base year, so disagreements are expected)."""
    facts = compare_with_facts(assessment)
    notes = disagreements(facts, FACTS)
    agree = int((facts["verdict"] == "agrees").sum())
    paragraphs = [
        f"{agree} of {len(facts)} published figures agree within their tolerance; every "
        "disagreement is listed below with what the model leaves out. Tolerances: utilisation "
        "±5 points, shares of generation ±3 points, one fuel's energy ±10 %, annual generation "
        "±3 %. Published figures are FY25 (Jul 2024-Jun 2025) unless marked; the model's year "
        "is calendar 2025.",
    ]
    if changed:
        paragraphs.append(
            "This run changes the base dataset (see 'Changes from the base dataset'): the "
            "facts describe the year as it was, so disagreements here measure the change, "
            "not the calibration."
        )
    tables: list[tuple[str, pd.DataFrame]] = [("Model and published facts", facts)]
    data: dict[str, object] = {"facts": facts.reset_index().to_dict(orient="records")}
    if shedding is not None:
        table = shedding.table()
        paragraphs.append(
            "Pakistan's demand series counts energy served. Feeder load-shedding keeps "
            "consumers off supply for hours a day, so 'unserved energy' here cannot answer the "
            f"summer-shortage question alone. Adding the demand suppressed on feeders shed "
            f"{shedding.hours_per_day:g} h a day (the published count of feeders shed more than "
            f"10 h a day per DISCO, NA-FEEDERS; K-Electric at the national share, an estimate) "
            f"adds {shedding.suppressed_gwh:,.0f} GWh a year. Lines inside a zone are still not "
            "modelled."
        )
        notes += [f"As served: {table.iloc[0]['verdict']}",
                  f"With suppressed demand: {table.iloc[1]['verdict']}"]  # fmt: skip
        tables.append(("The programme with and without suppressed demand", table))
        data["load_shedding"] = {
            "hours_per_day": shedding.hours_per_day,
            "suppressed_gwh": shedding.suppressed_gwh,
            "runs": table.reset_index().to_dict(orient="records"),
        }
    return Section(
        "Calibration: the model against published facts",
        paragraphs=tuple(paragraphs),
        notes=tuple(notes),
        tables=tuple(tables),
        data={"calibration": data},
    )
