"""The report's calibration section: the model against published facts with every
disagreement said, and the programme's answer with and without the demand that
load-shedding suppresses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from surplus.report.facts import FACTS, compare_with_facts, disagreements
from surplus.report.html import Section
from surplus.report.summary import Assessment
from surplus.sensitivity.keys import read_switch
from surplus.sensitivity.settings import Setting
from surplus.sensitivity.values import Hours

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult
    from surplus.grid.model import Dataset
    from surplus.headroom.joint import JointAnswer


def other_side_of_shedding(given: Sequence[Setting]) -> tuple[list[Setting], float | None]:
    """The settings for the run on the other side of the load-shedding switch, and the hours a
    day of shedding this run already has (None when it has none): a run without it is
    compared with one that adds it (`on`), a run with it with one that drops it."""
    mine = [s for s in given if s.key == "load_shedding"]
    switched = read_switch(mine[-1].value) if mine else None
    hours = (
        switched.hours_per_day if isinstance(switched, Hours) and switched.hours_per_day else None
    )
    others = [s for s in given if s.key != "load_shedding"]
    if hours is not None:
        return others, hours
    return [*others, Setting("load_shedding", "on", "report")], None


@dataclass(frozen=True)
class Run:
    """One dispatch of the year and the programme's joint answer on it."""

    dataset: Dataset
    result: DispatchResult
    joint: JointAnswer


@dataclass(frozen=True)
class SheddingComparison:
    """The same question asked of the demand as served and of demand plus suppressed demand."""

    hours_per_day: float
    without: Run
    with_shedding: Run

    @property
    def suppressed_gwh(self) -> float:
        before = self.without.dataset.demand_mw.to_numpy().sum()
        return float(self.with_shedding.dataset.demand_mw.to_numpy().sum() - before) / 1000.0

    def table(self) -> pd.DataFrame:
        from surplus.headroom.joint import joint_verdict

        rows = {}
        runs = (("as served", self.without), ("with suppressed demand", self.with_shedding))
        for label, run in runs:
            stats = run.joint.combined
            unserved = run.result.unserved_mw.sum(axis=1)
            rows[label] = {
                "demand_gwh": float(run.dataset.demand_mw.to_numpy().sum()) / 1000.0,
                "peak_mw": float(run.dataset.demand_mw.sum(axis=1).max()),
                "unserved_gwh": float(unserved.sum()) / 1000.0,
                "hours_with_unserved": int((unserved > 1e-6).sum()),
                "programme_served_pct": 100.0 * (1.0 - stats.rate),
                "programme_curtailed_hours": stats.curtailed_hours_per_year,
                "verdict": joint_verdict(run.joint),
            }  # fmt: skip
        frame = pd.DataFrame(rows).T
        frame.index.name = "demand"
        return frame


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
