"""`surplus.study`: one call gives the same numbers as the stages run by hand, its figures
go through JSON unchanged, a bad setting stops it before anything is solved, and its
progress names every stage it runs."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from surplus.dispatch import dispatch
from surplus.economics.compare import default_tariffs
from surplus.economics.programme import default_programme
from surplus.economics.study import reuse_base
from surplus.economics.study import run_study as run_economics
from surplus.errors import InputError
from surplus.grid.load import load_dataset
from surplus.grid.model import Dataset
from surplus.headroom.grid import zone_headroom
from surplus.headroom.joint import joint_curtailment
from surplus.loads.bitcoin import constant_scenario
from surplus.sensitivity import Setting
from surplus.study import (
    Programme,
    Stages,
    Study,
    StudyFigures,
    StudyInput,
    run_study,
)

START, END = pd.Timestamp("2025-01-06", tz="UTC"), pd.Timestamp("2025-01-08", tz="UTC")
ECONOMICS_ONLY = Stages(headroom=False, siting_prices=False, load_shedding=False, allocation=False)


@pytest.fixture(scope="module")
def pakistan() -> Dataset:
    return load_dataset(None)


@pytest.fixture(scope="module")
def study(pakistan: Dataset) -> Study:
    spec = StudyInput(
        settings=(Setting("demand", "+5%"),),
        start=START,
        end=END,
        stages=Stages(siting_prices=False, load_shedding=False, allocation=False),
    )
    return run_study(spec, base=pakistan)


def test_the_study_matches_the_stages_run_by_hand(pakistan: Dataset, study: Study) -> None:
    dataset = pakistan.subset(START, END)
    demand = dataset.demand_mw * 1.05
    assert study.dataset.demand_mw.to_numpy() == pytest.approx(demand.to_numpy())
    base = dispatch(study.dataset)
    assert study.result.objective_pkr == pytest.approx(base.objective_pkr, rel=1e-9)
    assert study.siting is not None
    by_hand = zone_headroom(base, study.spec.budgets).headroom_mw()
    pd.testing.assert_frame_equal(study.siting.zones.headroom_mw(), by_hand)
    assert study.siting.joint is not None
    joint = joint_curtailment(
        study.dataset, base, [s.site for s in study.siting.joint.sites], run=dispatch
    )
    assert study.siting.joint.combined.rate == pytest.approx(joint.combined.rate, abs=1e-9)
    # The economics reuse the base dispatch (each run with the programme warm-started from
    # it), as `surplus assess` always did: run by hand the same way, the same summary.
    assert study.economics is not None
    alone = run_economics(
        study.dataset,
        default_programme(study.dataset.plants),
        constant_scenario(study.dataset.snapshots),
        reuse_base(lambda data, loads: dispatch(data, loads, base=base), base),
    )
    pd.testing.assert_frame_equal(study.economics.comparison.summary, alone.comparison.summary)


def test_the_figures_round_trip_through_json(study: Study) -> None:
    figures = study.figures()
    again = StudyFigures.model_validate_json(figures.model_dump_json())
    assert again == figures
    assert figures.changes == ("demand=+5%",)
    assert figures.hours == 48
    assert {t.tariff for t in figures.tariffs} == {t.name for t in default_tariffs()}
    zones = {h.zone for h in figures.headroom}
    assert zones == {str(z) for z in study.dataset.zones.index}
    physical = [j for j in figures.joint if j.kind == "physical"]
    assert [j.quota_mw for j in physical] == [pytest.approx(2000.0)]
    assert all(math.isfinite(t.government_net_price_bn_pkr) for t in figures.tariffs)


def test_a_bad_setting_stops_before_anything_is_solved(pakistan: Dataset) -> None:
    stages: list[str] = []
    spec = StudyInput(settings=(Setting("demand", "lots"),), start=START, end=END)
    with pytest.raises(InputError, match="demand"):
        run_study(spec, base=pakistan, progress=lambda stage, _d, _t: stages.append(stage))
    assert stages == []


def test_an_empty_window_is_an_input_error(pakistan: Dataset) -> None:
    spec = StudyInput(start=pd.Timestamp("2030-01-01", tz="UTC"))
    with pytest.raises(InputError, match="window"):
        run_study(spec, base=pakistan)


def test_progress_names_each_stage_run_and_tariffs_can_be_chosen(pakistan: Dataset) -> None:
    stages: list[str] = []
    spec = StudyInput(
        start=START,
        end=END,
        tariffs=("dynamic",),
        programme=Programme(quota_mw=1000.0),
        stages=ECONOMICS_ONLY,
    )
    study = run_study(spec, base=pakistan, progress=lambda s, _d, _t: stages.append(s))
    assert list(dict.fromkeys(stages)) == ["dispatch", "economics"]
    assert study.siting is None and study.allocation is None
    assert study.economics is not None
    assert list(study.economics.comparison.summary["tariff"]) == ["dynamic"]
    assert study.economics.programme.grid_mw == pytest.approx(1000.0)
