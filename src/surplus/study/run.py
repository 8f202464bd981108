"""`run_study`: the pipeline as one call — dataset and changes → dispatch → headroom and
siting → the load-shedding comparison → economics → allocation. Every stage after the
dispatch reuses the year's base dispatch instead of solving it again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from surplus.errors import InputError, Problem
from surplus.grid.model import Dataset
from surplus.sensitivity import AppliedChange, apply_changes, resolve_settings
from surplus.study.inputs import BitcoinPath, StudyInput
from surplus.study.result import Study

if TYPE_CHECKING:
    from surplus.allocation import Allocation
    from surplus.dispatch import DispatchResult, FlexibleLoad
    from surplus.economics.programme import Programme as EconomicsProgramme
    from surplus.economics.study import EconomicsStudy
    from surplus.headroom.sites import Site
    from surplus.headroom.siting import SitingReport
    from surplus.loads.bitcoin import BitcoinScenario
    from surplus.study.shedding import SheddingComparison

Progress = Callable[[str, int, int], None]
"""`progress(stage, done, total)`: called as each stage advances (a month solved, a site
priced); `total` is 0 while a stage's size is not known yet."""

STAGES = (
    "dispatch",
    "headroom",
    "siting prices with the load",
    "load-shedding",
    "economics",
    "allocation",
)
"""The stages' names, in the order they run (the progress callback's first argument)."""


def _ignore(_stage: str, _done: int, _total: int) -> None:
    return None


def prepare(
    spec: StudyInput, base: Dataset | None = None
) -> tuple[Dataset, Dataset, tuple[AppliedChange, ...]]:
    """The base dataset (read unless given), the studied dataset (cut to the window, changes
    applied) and the changes applied. Every setting is checked before anything is solved."""
    from surplus.grid.load import load_dataset

    loaded = base if base is not None else load_dataset(spec.dataset)
    windowed = window(loaded, spec.start, spec.end)
    dataset, changes = apply_changes(windowed, resolve_settings(windowed, list(spec.settings)))
    return windowed, dataset, tuple(changes)


def window(dataset: Dataset, start: pd.Timestamp | None, end: pd.Timestamp | None) -> Dataset:
    """The dataset cut to [start, end) when either is given."""
    if start is None and end is None:
        return dataset
    first = start if start is not None else dataset.snapshots[0]
    last = end if end is not None else dataset.snapshots[-1] + pd.Timedelta(hours=1)
    cut = dataset.subset(first, last)
    if len(cut.snapshots) == 0:
        problem = Problem(
            "options",
            None,
            "--start/--end",
            "a window with hours of the dataset",
            f"{first} to {last}",
        )
        raise InputError(problem)
    return cut


def run_study(
    spec: StudyInput, base: Dataset | None = None, progress: Progress | None = None
) -> Study:
    """Run every stage `spec.stages` asks for and return what each found.

    `base` is the dataset as read, when the caller has it already (an ensemble reads it once
    per worker); otherwise it is read from `spec.dataset`."""
    from surplus.dispatch import dispatch

    report = progress or _ignore
    unchanged, dataset, changes = prepare(spec, base)
    priced = economics_inputs(dataset, spec) if spec.stages.economics else None
    sites = joint_sites(dataset, spec) if spec.stages.headroom else ()
    report("dispatch", 0, 0)
    result = dispatch(
        dataset,
        progress=lambda done, total: report("dispatch", done, total),
        cost_cap_pkr_per_mwh=spec.cost_cap_pkr_per_mwh,
    )
    siting = prices = shedding = economics = allocation = None
    if spec.stages.headroom:
        siting = _siting(dataset, result, sites, spec, report)
        if spec.stages.siting_prices:
            prices = _prices(dataset, result, siting, report)
    joint = siting.joint if siting is not None else None
    if spec.stages.load_shedding and joint is not None and "Pakistan" in dataset.info.name:
        assert siting is not None
        shedding = _shedding(unchanged, spec, dataset, result, siting, sites, report)
    if priced is not None:
        economics = _economics(dataset, result, spec, priced, report)
    if spec.stages.allocation:
        allocation = _allocation(dataset, result, report)
    return Study(spec, dataset, changes, result, siting, prices, shedding, economics, allocation)


def joint_sites(dataset: Dataset, spec: StudyInput) -> tuple[Site, ...]:
    """The programme's sites, each with its equal share of the quota (none when the dataset
    has none of the named plants and none were given)."""
    from surplus.headroom.sites import NAMED_PLANTS, split_load

    named = spec.programme.sites
    if named is None:
        named = tuple(plant for plant in NAMED_PLANTS if plant in dataset.plants.index)
    return split_load(dataset, list(named), spec.programme.quota_mw) if named else ()


def _siting(
    dataset: Dataset,
    result: DispatchResult,
    sites: tuple[Site, ...],
    spec: StudyInput,
    report: Progress,
) -> SitingReport:
    from surplus.dispatch import dispatch
    from surplus.headroom.siting import assess_siting

    def run(
        data: Dataset,
        flexible_loads: Sequence[FlexibleLoad] = (),
        base: DispatchResult | None = None,
    ) -> DispatchResult:
        return dispatch(
            data,
            flexible_loads,
            progress=lambda done, total: report("headroom", done, total),
            base=base,
        )

    report("headroom", 0, 1)
    siting = assess_siting(
        dataset,
        result,
        sites,
        spec.ranking_budget,
        spec.budgets,
        value_pkr_per_mwh=spec.programme.value_pkr_per_mwh,
        run=run,
        at_cost=spec.stages.joint_at_cost,
    )
    report("headroom", 1, 1)
    return siting


def _prices(
    dataset: Dataset, result: DispatchResult, siting: SitingReport, report: Progress
) -> pd.DataFrame:
    from surplus.dispatch import dispatch
    from surplus.economics.siting import prices_with_load

    def run(data: Dataset, loads: Sequence[FlexibleLoad]) -> DispatchResult:
        return dispatch(data, loads, base=result)

    report("siting prices with the load", 0, 0)
    return prices_with_load(
        dataset,
        siting.ranks,
        run,
        lambda done, total: report("siting prices with the load", done, total),
    )


def _shedding(
    unchanged: Dataset,
    spec: StudyInput,
    dataset: Dataset,
    result: DispatchResult,
    siting: SitingReport,
    sites: tuple[Site, ...],
    report: Progress,
) -> SheddingComparison | None:
    """The programme's answer on the other side of the load-shedding switch: with the
    suppressed demand added when this run has none, without it when the settings add it."""
    from surplus.dispatch import dispatch
    from surplus.headroom.joint import joint_curtailment
    from surplus.sensitivity.load_shedding import PUBLISHED_HOURS_PER_DAY
    from surplus.study.shedding import Run, SheddingComparison, other_side_of_shedding

    assert siting.joint is not None
    other_side, hours = other_side_of_shedding(list(spec.settings))
    try:
        other, _ = apply_changes(unchanged, resolve_settings(unchanged, other_side))
    except InputError:
        return None
    report("load-shedding", 0, 0)
    other_result = dispatch(
        other, progress=lambda done, total: report("load-shedding", done, total)
    )
    other_joint = joint_curtailment(other, other_result, sites, run=dispatch)
    this_run, other_run = Run(dataset, result, siting.joint), Run(other, other_result, other_joint)
    if hours is not None:
        return SheddingComparison(hours, other_run, this_run)
    return SheddingComparison(PUBLISHED_HOURS_PER_DAY, this_run, other_run)


def bitcoin_scenario(dataset: Dataset, path: BitcoinPath) -> BitcoinScenario:
    """The miners' price path over the dataset's hours."""
    from surplus.loads.bitcoin import constant_scenario, scenario_from_csv, stochastic_scenario

    index = dataset.snapshots
    if path.csv is not None:
        return scenario_from_csv(path.csv, index)
    if path.seed is not None:
        return stochastic_scenario(index, path.seed, btc_price_usd=path.price_usd)
    return constant_scenario(index, path.price_usd)


def economics_inputs(
    dataset: Dataset, spec: StudyInput
) -> tuple[EconomicsProgramme, BitcoinScenario] | None:
    """The economics' programme and price path, built before anything is solved so a bad
    input fails first. None when the dataset lacks the programme's plants (an error instead
    when `spec.stages.economics_required`)."""
    from surplus.economics.programme import PROGRAMME_PLANTS, default_programme

    if not spec.stages.economics_required and not set(PROGRAMME_PLANTS) <= set(
        dataset.plants.index
    ):
        return None
    programme = default_programme(
        dataset.plants, spec.programme.quota_mw, spec.programme.miner_share
    )
    return programme, bitcoin_scenario(dataset, spec.bitcoin)


def _economics(
    dataset: Dataset,
    result: DispatchResult,
    spec: StudyInput,
    inputs: tuple[EconomicsProgramme, BitcoinScenario],
    report: Progress,
) -> EconomicsStudy:
    from surplus.dispatch import dispatch
    from surplus.economics.compare import default_tariffs
    from surplus.economics.study import reuse_base
    from surplus.economics.study import run_study as run_economics

    programme, scenario = inputs
    tariffs = [t for t in default_tariffs(spec.assumptions) if t.name in spec.tariffs]
    total = 1 + len(tariffs)
    steps = iter(range(1, total + 1))

    def step(_message: str) -> None:
        report("economics", next(steps), total)

    report("economics", 0, total)

    def run(data: Dataset, loads: Sequence[FlexibleLoad]) -> DispatchResult:
        return dispatch(data, loads, base=result)

    return run_economics(
        dataset,
        programme,
        scenario,
        reuse_base(run, result),
        spec.assumptions,
        progress=step,
        tariffs=tariffs,
    )


def _allocation(dataset: Dataset, result: DispatchResult, report: Progress) -> Allocation | None:
    from surplus.allocation import (
        allocate,
        at_cost_spares,
        caps_of,
        grid_capacity,
        known_sites,
        read_applications,
    )
    from surplus.allocation.cli import sample_applications
    from surplus.dispatch import dispatch

    try:
        applications = read_applications(sample_applications(), known_sites(dataset))
    except InputError:
        return None
    report("allocation", 0, 0)
    caps = caps_of({a.tariff_rule for a in applications})
    grid = grid_capacity(dataset, result, at_cost_spares(dataset, result, caps))

    def run(data: Dataset, flexible_loads: Sequence[FlexibleLoad] = ()) -> DispatchResult:
        return dispatch(data, flexible_loads, base=result)

    return allocate(
        applications,
        grid,
        dataset,
        run=run,
        progress=lambda _s, step, total: report("allocation", step, total),
    )
