"""One run's draws, from the spec's seed and the run's id alone: run `i` of an ensemble is
the same whether it runs first, last, alone or on another machine.

Each dimension draws from its own stream, `SeedSequence(seed, spawn_key=(run_id, k))`, so
adding a dimension to a spec leaves the others' draws as they were. The draws become
sensitivity settings (`surplus.sensitivity` keys) and the study's tariff and price path."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surplus.grid.model import Dataset
from surplus.scenarios.spec import ScenarioSpec
from surplus.sensitivity import Setting
from surplus.study import BitcoinPath, Programme, Stages, StudyInput

DIMENSIONS = (
    "demand_growth",
    "weather",
    "outages",
    "fuel_price",
    "fuel_supply",
    "bitcoin",
    "tariff",
)
"""Each dimension's stream is numbered by its place here; never reorder, only append."""

SOURCE = "scenario"


@dataclass(frozen=True)
class Draw:
    """What one run drew: the settings applied to the dataset, and the economics' inputs."""

    run_id: int
    settings: tuple[Setting, ...]
    weather: str
    tariff: str
    btc_seed: int | None


def stream(spec: ScenarioSpec, run_id: int, dimension: str) -> np.random.Generator:
    sequence = np.random.SeedSequence(spec.seed, spawn_key=(run_id, DIMENSIONS.index(dimension)))
    return np.random.default_rng(sequence)


def _percent(factor: float) -> str:
    return f"{100.0 * max(factor, 0.0):.4f}%"


def draw(spec: ScenarioSpec, run_id: int, dataset: Dataset) -> Draw:
    """Run `run_id`'s draws on `dataset` (the base, before any change)."""
    settings: list[Setting] = []
    if (growth := spec.demand_growth) is not None:
        rng = stream(spec, run_id, "demand_growth")
        zones = sorted(str(z) for z in dataset.zones.index)
        common = rng.normal(growth.mean, growth.sd)
        for zone in zones:
            law = growth.zones.get(zone, growth)
            change = (
                rng.normal(law.mean, law.sd) if growth.per_zone or zone in growth.zones else common
            )
            settings.append(Setting(f"demand.{zone}", _percent(1.0 + change), SOURCE))
    weather = ""
    if spec.weather:
        rng = stream(spec, run_id, "weather")
        weights = np.array([year.weight for year in spec.weather])
        year = spec.weather[int(rng.choice(len(spec.weather), p=weights / weights.sum()))]
        weather = year.name
        settings += [
            Setting("hydro", _percent(year.hydro), SOURCE),
            Setting("wind", _percent(year.wind), SOURCE),
            Setting("solar", _percent(year.solar), SOURCE),
        ]
    if spec.outages is not None:
        settings += _outages(spec, run_id, dataset)
    if spec.fuel_price:
        rng = stream(spec, run_id, "fuel_price")
        for fuel, law in sorted(spec.fuel_price.items()):
            factor = 1.0 + rng.normal(law.mean, law.sd)
            settings.append(Setting(f"fuel_price.{fuel}", _percent(factor), SOURCE))
    if spec.fuel_supply:
        rng = stream(spec, run_id, "fuel_supply")
        for fuel, share in sorted(spec.fuel_supply.items()):
            factor = rng.uniform(share.low, share.high)
            settings.append(Setting(f"fuel_limit.{fuel}", _percent(factor), SOURCE))
    btc_seed = None
    if spec.bitcoin.path == "gbm":
        btc_seed = int(stream(spec, run_id, "bitcoin").integers(0, 2**31 - 1))
    rng = stream(spec, run_id, "tariff")
    rules = spec.tariff.rules
    weights = np.array(spec.tariff.weights or [1.0] * len(rules))
    tariff = rules[int(rng.choice(len(rules), p=weights / weights.sum()))]
    return Draw(run_id, tuple(settings), weather, tariff, btc_seed)


def _outages(spec: ScenarioSpec, run_id: int, dataset: Dataset) -> list[Setting]:
    """Each eligible plant out for each block with probability `rate`; the share of blocks
    out derates its availability for the year (all of them: out)."""
    assert spec.outages is not None
    rate, days = spec.outages.rate, spec.outages.block_days
    rng = stream(spec, run_id, "outages")
    plants = dataset.operating_plants
    eligible = sorted(
        str(p) for p in plants.index[plants["capacity_mw"] >= spec.outages.min_capacity_mw]
    )
    blocks = max(1, round(len(dataset.snapshots) / (24 * days)))
    settings = []
    for plant in eligible:
        out = int(rng.binomial(blocks, rate))
        if out == blocks:
            settings.append(Setting(f"plant.{plant}", "out", SOURCE))
        elif out:
            settings.append(Setting(f"plant.{plant}", _percent(1.0 - out / blocks), SOURCE))
    return settings


def utc(text: str | None) -> pd.Timestamp | None:
    if text is None:
        return None
    stamp = pd.Timestamp(text)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def study_input(spec: ScenarioSpec, run: Draw) -> StudyInput:
    """The study one run asks: the first phase's quota at the named sites, its drawn tariff
    and price path; the headroom and economics stages only."""
    return StudyInput(
        dataset=spec.dataset,
        settings=run.settings,
        start=utc(spec.start),
        end=utc(spec.end),
        programme=Programme(quota_mw=spec.programme.quotas_mw[0], sites=spec.programme.sites),
        tariffs=(run.tariff,),
        bitcoin=BitcoinPath(price_usd=spec.bitcoin.price_usd, seed=run.btc_seed),
        budgets=(0.0, spec.programme.budget),
        ranking_budget=spec.programme.budget,
        stages=Stages(
            siting_prices=False,
            load_shedding=False,
            joint_at_cost=False,
            allocation=False,
        ),
    )
