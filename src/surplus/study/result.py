"""What a study found: `Study`, the full result the report presents, and `StudyFigures`,
its headline figures as a typed, serialisable value (JSON in and out unchanged) that an
ensemble stores one row per run."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import BaseModel, ConfigDict

from surplus.grid.model import Dataset
from surplus.sensitivity import AppliedChange
from surplus.study.inputs import StudyInput

if TYPE_CHECKING:
    from surplus.allocation import Allocation
    from surplus.dispatch import DispatchResult
    from surplus.economics.study import EconomicsStudy
    from surplus.headroom.joint import JointAnswer
    from surplus.headroom.results import HeadroomTable
    from surplus.headroom.siting import SitingReport
    from surplus.study.shedding import SheddingComparison


@dataclass(frozen=True, eq=False)
class Study:
    """Every stage's result for one `StudyInput`; a stage not run (or not possible on this
    dataset) is None."""

    spec: StudyInput
    dataset: Dataset
    """The dataset studied: cut to the window, with the changes applied."""
    changes: tuple[AppliedChange, ...]
    result: DispatchResult
    """The base dispatch: the year without new loads."""
    siting: SitingReport | None = None
    prices: pd.DataFrame | None = None
    """Per ranked site: the price before and with its load (`economics.siting`)."""
    shedding: SheddingComparison | None = None
    economics: EconomicsStudy | None = None
    allocation: Allocation | None = None

    def figures(self) -> StudyFigures:
        return study_figures(self)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ZoneHeadroom(_Frozen):
    zone: str
    kind: str
    """`physical`, or `at_cost` (within the cost cap)."""
    budget: float
    headroom_mw: float
    curtailed_hours_per_year: float


class JointFigure(_Frozen):
    """The programme's quota served at its sites together."""

    kind: str
    quota_mw: float
    curtailment_rate: float
    """Curtailed MWh ÷ (quota × hours)."""
    curtailed_hours_per_year: float


class TariffFigure(_Frozen):
    """One tariff rule's headline economics (`economics.compare.summary_row`)."""

    tariff: str
    energy_gwh: float
    passes_subsidy_test: bool
    failing_hours: int
    shortfall_bn_pkr: float
    government_net_price_bn_pkr: float
    """The public net benefit: receipts less the fuel burnt and network cost, price measure."""
    government_net_delta_bn_pkr: float | None
    miners_profit_bn_pkr: float
    reserve_btc_per_year: float


class StudyFigures(_Frozen):
    """The headline figures of one study, plain and serialisable."""

    dataset: str
    hours: int
    changes: tuple[str, ...]
    """`KEY=VALUE` of each change from the base dataset."""
    demand_gwh: float
    unserved_gwh: float
    hours_with_unserved: int
    reserve_shortfall_hours: int
    generation_cost_bn_pkr: float
    headroom: tuple[ZoneHeadroom, ...] = ()
    joint: tuple[JointFigure, ...] = ()
    tariffs: tuple[TariffFigure, ...] = ()


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def zone_figures(table: HeadroomTable, kind: str) -> list[ZoneHeadroom]:
    return [
        ZoneHeadroom(
            zone=item.region,
            kind=kind,
            budget=item.budget,
            headroom_mw=item.headroom_mw,
            curtailed_hours_per_year=item.curtailment.curtailed_hours_per_year,
        )
        for item in table.items
    ]


def joint_figure(answer: JointAnswer) -> JointFigure:
    return JointFigure(
        kind=answer.kind,
        quota_mw=answer.total_load_mw,
        curtailment_rate=answer.combined.rate,
        curtailed_hours_per_year=answer.combined.curtailed_hours_per_year,
    )


def tariff_figures(economics: EconomicsStudy) -> list[TariffFigure]:
    rows: Sequence[dict[str, object]] = economics.comparison.summary.to_dict(orient="records")
    fields = TariffFigure.model_fields
    return [
        TariffFigure.model_validate(
            {
                key: (_number(value) if isinstance(value, float) else value)
                for key, value in row.items()
                if key in fields
            }
        )
        for row in rows
    ]


def study_figures(study: Study) -> StudyFigures:
    result, dataset = study.result, study.dataset
    unserved = result.unserved_mw.sum(axis=1)
    headroom: list[ZoneHeadroom] = []
    joint: list[JointFigure] = []
    if study.siting is not None:
        headroom = zone_figures(study.siting.zones, "physical")
        if study.siting.zones_at_cost is not None:
            headroom += zone_figures(study.siting.zones_at_cost, "at_cost")
        joint = [
            joint_figure(answer)
            for answer in (study.siting.joint, study.siting.joint_at_cost)
            if answer is not None
        ]
    return StudyFigures(
        dataset=dataset.info.name,
        hours=len(dataset.snapshots),
        changes=tuple(f"{c.key}={c.value}" for c in study.changes),
        demand_gwh=float(dataset.demand_mw.to_numpy().sum()) / 1e3,
        unserved_gwh=float(unserved.sum()) / 1e3,
        hours_with_unserved=int((unserved > 1e-6).sum()),
        reserve_shortfall_hours=int((result.reserve_shortfall_mw > 1e-6).sum()),
        generation_cost_bn_pkr=result.generation_cost_pkr / 1e9,
        headroom=tuple(headroom),
        joint=tuple(joint),
        tariffs=tuple(tariff_figures(study.economics)) if study.economics is not None else (),
    )
