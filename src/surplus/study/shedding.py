"""The programme's question on the other side of the load-shedding switch: the demand as
served against demand plus what load-shedding suppresses (Pakistan only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

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
