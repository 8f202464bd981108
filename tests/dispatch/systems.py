"""Grid systems built directly as `Dataset` values, for dispatch tests, properties and the bench.

Until the loader and the embedded Pakistan dataset exist these stand in for files; they fill
every catalogue column so the dispatch sees what a loaded dataset would give it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from surplus.grid.model import CostCap, Dataset, DatasetInfo, ReserveRegion, ReserveRule

PLANT_DEFAULTS: dict[str, Any] = {
    "fuel": "other",
    "must_run": 0.0,
    "availability": "",
    "lat": 30.0,
    "lon": 70.0,
    "status": "operating",
    "source": "TEST",
    "unit_mw": np.nan,
    "provides_reserve": True,
    "start_minutes": np.nan,
    "min_stable_share": np.nan,
}


def hours(count: int, start: str = "2025-01-01T00:00+05:00") -> pd.DatetimeIndex:
    """`count` hourly UTC stamps from a local start."""
    index = pd.date_range(pd.Timestamp(start).tz_convert("UTC"), periods=count, freq="h")
    return index.rename("timestamp")


def make_dataset(
    zones: Sequence[str],
    plants: Sequence[Mapping[str, Any]],
    demand_mw: Mapping[str, Sequence[float] | np.ndarray | float],
    *,
    corridors: Sequence[Mapping[str, Any]] = (),
    availability: Mapping[str, Sequence[float] | np.ndarray] | None = None,
    hydro_budgets: Sequence[tuple[str, int, float]] = (),
    fuel_limits: Sequence[tuple[str, int, float]] = (),
    reserve: ReserveRule | None = None,
    spill_penalty_pkr_per_mwh: float | None = None,
    cost_cap: CostCap | None = None,
    voll_pkr_per_mwh: float = 100_000.0,
    index: pd.DatetimeIndex | None = None,
    timezone: str = "Asia/Karachi",
) -> Dataset:
    """A dataset from short literal tables; plant rows need `plant`, `zone`, `capacity_mw`,
    `variable_cost_pkr_per_mwh` and take the other columns from `PLANT_DEFAULTS`."""
    lengths = [len(v) for v in demand_mw.values() if not np.isscalar(v)]  # type: ignore[arg-type]
    index = index if index is not None else hours(lengths[0] if lengths else 1)
    zone_frame = pd.DataFrame(
        {"name": list(zones), "lat": 30.0, "lon": 70.0, "kind": "load", "description": ""},
        index=pd.Index(list(zones), name="zone"),
    )
    rows = [{**PLANT_DEFAULTS, "name": p["plant"], **p} for p in plants]
    plant_frame = pd.DataFrame(rows).set_index("plant")
    plant_frame["provides_reserve"] = plant_frame["provides_reserve"].astype(bool)
    plant_frame["must_run"] = plant_frame["must_run"].astype(float)
    plant_frame["unit_mw"] = plant_frame["unit_mw"].astype(float)
    corridor_rows = [
        {"kind": "ac", "reverse_capacity_mw": c["capacity_mw"], **c} for c in corridors
    ]
    corridor_frame = (
        pd.DataFrame(corridor_rows).set_index("corridor")
        if corridor_rows
        else pd.DataFrame(
            columns=["from_zone", "to_zone", "capacity_mw", "reverse_capacity_mw", "kind"],
            index=pd.Index([], name="corridor"),
        )
    )
    demand = pd.DataFrame(
        {z: np.broadcast_to(np.asarray(demand_mw.get(z, 0.0), float), len(index)) for z in zones},
        index=index,
    )
    profiles = pd.DataFrame(
        {k: np.asarray(v, float) for k, v in (availability or {}).items()}, index=index
    )
    budgets = pd.DataFrame(list(hydro_budgets), columns=["plant", "month", "energy_mwh"])
    limits = pd.DataFrame(list(fuel_limits), columns=["fuel", "month", "energy_mwh"])
    info = DatasetInfo(
        name="test system",
        year=int(index[0].tz_convert(timezone).year),
        timezone=timezone,
        currency="PKR",
        usd_exchange_rate=280.0,
        value_of_lost_load_per_mwh=voll_pkr_per_mwh,
        reserve=reserve if reserve is not None else ReserveRule(False, 0.0, 0.0),
        spill_penalty_per_mwh=spill_penalty_pkr_per_mwh,
        cost_cap=cost_cap,
    )
    return Dataset(info, zone_frame, plant_frame, corridor_frame, demand, profiles, budgets, limits)


def two_zones_congested(demand_b_mw: float = 300.0) -> Dataset:
    """North has a cheap 500 MW plant, south a dear 400 MW one and the demand; the corridor
    carries 200 MW north→south (100 MW back). Worked by hand in `test_worked.py`."""
    return make_dataset(
        ["north", "south"],
        [
            {
                "plant": "cheap",
                "zone": "north",
                "capacity_mw": 500.0,
                "variable_cost_pkr_per_mwh": 10_000.0,
            },
            {
                "plant": "dear",
                "zone": "south",
                "capacity_mw": 400.0,
                "variable_cost_pkr_per_mwh": 30_000.0,
            },
        ],
        {"north": [100.0, 100.0], "south": [demand_b_mw, 150.0]},
        corridors=[
            {
                "corridor": "ns",
                "from_zone": "north",
                "to_zone": "south",
                "capacity_mw": 200.0,
                "reverse_capacity_mw": 100.0,
            }
        ],
    )


def synthetic_grid(
    n_hours: int = 8760, n_zones: int = 12, n_plants: int = 120, seed: int = 7
) -> Dataset:
    """A Pakistan-sized system (zones on a ring with chords, mixed fleet, reservoir hydro with
    monthly budgets, solar and wind profiles, seasonal and daily demand), for the bench and
    the PyPSA cross-check while the embedded dataset is being built."""
    rng = np.random.default_rng(seed)
    index = hours(n_hours)
    local = index.tz_convert("Asia/Karachi")
    day = 2 * np.pi * (local.hour.to_numpy() + 0.5) / 24
    season = 2 * np.pi * (local.dayofyear.to_numpy() - 15) / 365
    zones = [f"z{k:02d}" for k in range(n_zones)]
    weight = rng.uniform(0.5, 1.5, n_zones)
    shape = 1.0 - 0.3 * np.cos(season) - 0.1 * np.cos(day - 0.6)
    base = 22_000.0 * weight / weight.sum()
    demand = {z: base[k] * shape * rng.uniform(0.95, 1.05, n_hours) for k, z in enumerate(zones)}
    solar = np.clip(np.sin(day - np.pi / 2) * 1.2, 0, 1) * rng.uniform(0.6, 1.0, n_hours)
    wind = np.clip(0.35 + 0.25 * np.sin(season) + rng.normal(0, 0.15, n_hours), 0, 1)
    thermal = np.clip(rng.normal(0.9, 0.03, n_hours), 0, 1)
    water = np.clip(0.55 - 0.4 * np.cos(season), 0, 1)
    profiles = {"solar": solar, "wind": wind, "thermal": thermal, "water": water}
    fuels = [
        ("hydro", 50.0, 1.0),
        ("nuclear", 2_000.0, 0.6),
        ("coal_local", 12_000.0, 0.0),
        ("coal_imported", 18_000.0, 0.0),
        ("rlng", 24_000.0, 0.0),
        ("oil", 40_000.0, 0.0),
        ("solar", 0.0, 0.0),
        ("wind", 0.0, 0.0),
    ]
    plants = []
    for p in range(n_plants):
        fuel, cost, must = fuels[p % len(fuels)]
        profile = {"solar": "solar", "wind": "wind", "hydro": "water"}.get(fuel, "thermal")
        plants.append(
            {
                "plant": f"p{p:03d}",
                "zone": zones[rng.integers(n_zones)],
                "fuel": fuel,
                "capacity_mw": float(rng.choice([50, 150, 330, 660, 1_100])),
                "variable_cost_pkr_per_mwh": cost * rng.uniform(0.9, 1.1) if cost else 0.0,
                "must_run": must if fuel != "hydro" else 0.2,
                "availability": profile,
                "provides_reserve": fuel not in ("solar", "wind", "nuclear"),
            }
        )
    links = [(k, (k + 1) % n_zones) for k in range(n_zones)]
    links += [(k, (k + n_zones // 3) % n_zones) for k in range(0, n_zones, 3)]
    corridors = [
        {
            "corridor": f"c{i:02d}",
            "from_zone": zones[a],
            "to_zone": zones[b],
            "capacity_mw": float(rng.choice([800, 1_500, 3_000])),
            "reverse_capacity_mw": float(rng.choice([600, 1_500, 3_000])),
        }
        for i, (a, b) in enumerate(links)
    ]
    months = local.month.to_numpy()
    budgets = []
    for plant in plants[:: len(fuels)]:  # every hydro plant is a reservoir plant
        for month in np.unique(months):
            hours_in_month = 24 * pd.Period(f"2025-{month:02d}").days_in_month
            share = 0.45 + 0.2 * np.sin(2 * np.pi * (month - 3) / 12)
            budgets.append(
                (plant["plant"], int(month), plant["capacity_mw"] * hours_in_month * share)
            )
    return make_dataset(
        zones,
        plants,
        demand,
        corridors=corridors,
        availability=profiles,
        hydro_budgets=budgets,
        reserve=ReserveRule(True, 0.05, 0.0),
        voll_pkr_per_mwh=250_000.0,
        index=index,
    )


@st.composite
def small_systems(
    draw: st.DrawFn, max_hours: int = 3, budgets: bool = True, rich: bool = False
) -> Dataset:
    """Random small systems for property tests: 1-3 zones, 1-5 plants, some corridors, a
    reserve rule, optional hydro budgets and a little must-run (kept feasible). `rich` adds
    what the classic rule lacks: reserve regions, slow plants that only spin, fuel limits,
    a cost cap, and must-run output that may exceed what demand and corridors can take."""
    n_zones = draw(st.integers(1, 3))
    n_hours = draw(st.integers(1, max_hours))
    zones = [f"z{k}" for k in range(n_zones)]
    mw = st.floats(0.0, 500.0, allow_nan=False).map(lambda v: round(v, 3))
    share = st.floats(0.0, 1.0, allow_nan=False).map(lambda v: round(v, 3))
    must = [0.0, 0.5, 1.0] if rich else [0.0, 0.0, 0.0, 0.2]
    plants = []
    for p in range(draw(st.integers(1, 5))):
        plant = {
            "plant": f"p{p}",
            "zone": draw(st.sampled_from(zones)),
            "capacity_mw": draw(mw),
            "variable_cost_pkr_per_mwh": draw(st.sampled_from([0.0, 5e3, 1e4, 2e4, 4e4])),
            "availability": f"a{p}",
            "provides_reserve": draw(st.booleans()),
            "must_run": draw(st.sampled_from(must)),
        }
        if rich:
            plant["fuel"] = draw(st.sampled_from(["coal_imported", "rlng", "hydro"]))
            if draw(st.booleans()):
                plant["start_minutes"] = 600.0
                plant["min_stable_share"] = draw(st.sampled_from([0.3, 0.5]))
        plants.append(plant)
    profiles = {f"a{p}": [draw(share) for _ in range(n_hours)] for p in range(len(plants))}
    demand = {z: [draw(mw) for _ in range(n_hours)] for z in zones}
    pairs = [(a, b) for i, a in enumerate(zones) for b in zones[i + 1 :]]
    corridors = [
        {
            "corridor": f"c{i}",
            "from_zone": a,
            "to_zone": b,
            "capacity_mw": draw(mw),
            "reverse_capacity_mw": draw(mw),
        }
        for i, (a, b) in enumerate(pairs)
        if draw(st.booleans())
    ]
    regions: tuple[ReserveRegion, ...] = ()
    if rich:
        home = [draw(st.sampled_from([None, "r0", "r1"])) for _ in zones]
        regions = tuple(
            ReserveRegion(
                name,
                tuple(z for z, h in zip(zones, home, strict=True) if h == name),
                draw(st.booleans()),
                draw(st.sampled_from([0.0, 0.1])),
                draw(st.sampled_from([0.0, 50.0])),
            )
            for name in ("r0", "r1")
            if name in home
        )
    reserve = ReserveRule(
        draw(st.booleans()),
        draw(st.sampled_from([0.0, 0.05])),
        draw(st.sampled_from([0.0, 50.0])),
        regions=regions,
    )
    hydro = []
    if budgets and draw(st.booleans()):
        hydro = [("p0", 1, draw(st.floats(0.0, 744 * 300.0).map(lambda v: round(v, 1))))]
    limits = []
    if rich and draw(st.booleans()):
        limits = [("rlng", 1, draw(st.floats(0.0, 744 * 300.0).map(lambda v: round(v, 1))))]
    return make_dataset(
        zones,
        plants,
        demand,
        corridors=corridors,
        availability=profiles,
        hydro_budgets=hydro,
        fuel_limits=limits,
        reserve=reserve,
        cost_cap=CostCap(draw(st.sampled_from([8e3, 15e3, 3e4]))) if rich else None,
        index=hours(n_hours),
    )


def deliverable_grid(n_hours: int = 48, seed: int = 11) -> Dataset:
    """`synthetic_grid` (demand halved) with every rule the classic reserve lacks: three
    reserve regions and some zones in none, slow thermal plants that hold only spinning
    reserve, monthly fuel limits that bind, a cost cap, and a hub whose 1,500 MW of
    must-run nuclear has a 500 MW corridor and no demand (so some of it is spilled)."""
    base = synthetic_grid(n_hours=n_hours, n_zones=8, n_plants=40, seed=seed)
    hub = pd.DataFrame(
        {"name": ["hub"], "lat": 30.0, "lon": 70.0, "kind": "hub", "description": ""},
        index=pd.Index(["hub"], name="zone"),
    )
    zones = pd.concat([base.zones, hub])
    plants = base.plants.copy()
    thermal = plants["fuel"].isin(["coal_local", "coal_imported", "rlng", "oil"])
    plants.loc[thermal, "start_minutes"] = 240.0
    plants.loc[thermal, "min_stable_share"] = 0.4
    nuclear = {**PLANT_DEFAULTS, "name": "hub nuclear", "zone": "hub", "fuel": "nuclear"}
    nuclear |= {"capacity_mw": 1_500.0, "variable_cost_pkr_per_mwh": 2_000.0, "must_run": 1.0}
    nuclear |= {"provides_reserve": False}
    plants = pd.concat([plants, pd.DataFrame([nuclear], index=pd.Index(["k9"], name="plant"))])
    corridors = pd.concat(
        [
            base.corridors,
            pd.DataFrame(
                [
                    {
                        "from_zone": "hub",
                        "to_zone": "z00",
                        "capacity_mw": 500.0,
                        "reverse_capacity_mw": 500.0,
                        "kind": "ac",
                    }
                ],
                index=pd.Index(["hub_link"], name="corridor"),
            ),
        ]
    )
    names = list(base.zones.index)
    regions = (
        ReserveRegion("r0", tuple(names[0:3]), True, 0.05, 0.0),
        ReserveRegion("r1", tuple(names[3:5]), False, 0.05, 200.0),
        ReserveRegion("r2", (names[5],), False, 0.1, 0.0),
    )
    info = replace(
        base.info,
        reserve=ReserveRule(True, 0.05, 0.0, 15.0, regions),
        spill_penalty_per_mwh=30_000.0,
        cost_cap=CostCap(23_000.0, 1_000.0, 0.03),
    )
    limits = pd.DataFrame(
        {"fuel": ["rlng", "oil"], "month": [1, 1], "energy_mwh": [500.0 * 744, 50.0 * 744]}
    )
    return replace(
        base,
        info=info,
        zones=zones,
        plants=plants,
        corridors=corridors,
        demand_mw=(base.demand_mw * 0.5).assign(hub=0.0),
        fuel_limits=limits,
    )
