"""A rough merit-order check of the embedded Pakistan dataset (not the project's dispatch).

Solves one linear programme per month: least-cost generation per hour with zone balances,
corridor limits, must-run floors, monthly hydro budgets, unserved energy at the value of
lost load, no reserve and no ramping. It tells whether the dataset's costs and corridors give
plausible utilisations (southern imported coal low, Thar and nuclear near base load):

    python tools/pakistan_merit_order_check.py
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "surplus" / "data" / "pakistan"
SOUTH_COAL = ("port_qasim", "china_power_hub", "lucky_electric")
SPILL_COST = 1.0
FLOW_COST = 0.01


def read(data_dir: Path) -> dict[str, pd.DataFrame | dict]:
    def hourly(name: str) -> pd.DataFrame:
        frame = pd.read_csv(data_dir / name, index_col="timestamp")
        frame.index = pd.DatetimeIndex([pd.Timestamp(s) for s in frame.index])
        return frame

    plants = pd.read_csv(data_dir / "plants.csv", keep_default_na=False, index_col="plant")
    return {
        "info": tomllib.loads((data_dir / "dataset.toml").read_text()),
        "zones": pd.read_csv(data_dir / "zones.csv", index_col="zone"),
        "plants": plants[plants["status"] == "operating"],
        "corridors": pd.read_csv(data_dir / "corridors.csv", index_col="corridor"),
        "demand": hourly("demand.csv"),
        "availability": hourly("availability.csv"),
        "budgets": pd.read_csv(data_dir / "hydro_budgets.csv"),
    }


def solve_month(data: dict, month: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Generation (hours x plants), flows (hours x corridors) and unserved MW per hour."""
    plants, corridors, zones = data["plants"], data["corridors"], list(data["zones"].index)
    hours = data["demand"].index[data["demand"].index.month == month]
    demand = data["demand"].reindex(columns=zones, fill_value=0.0).loc[hours].to_numpy()
    avail = (
        np.column_stack(
            [
                data["availability"].loc[hours, prof].to_numpy() if prof else np.ones(len(hours))
                for prof in plants["availability"]
            ]
        )
        * plants["capacity_mw"].to_numpy()
    )
    n_t, n_p, n_c, n_z = len(hours), len(plants), len(corridors), len(zones)
    zone_of = {z: i for i, z in enumerate(zones)}
    m_zp = sp.csr_matrix(
        (np.ones(n_p), ([zone_of[z] for z in plants["zone"]], np.arange(n_p))), shape=(n_z, n_p)
    )
    rows = [zone_of[z] for z in corridors["to_zone"]] + [zone_of[z] for z in corridors["from_zone"]]
    vals = np.r_[np.ones(n_c), -np.ones(n_c)]
    m_zc = sp.csr_matrix((vals, (rows, np.r_[np.arange(n_c), np.arange(n_c)])), shape=(n_z, n_c))
    eye_t = sp.identity(n_t, format="csr")
    eye_tz = sp.identity(n_t * n_z, format="csr")
    a_eq = sp.hstack([sp.kron(eye_t, m_zp), sp.kron(eye_t, m_zc), eye_tz, -eye_tz]).tocsr()
    a_ub, b_ub = budget_rows(data["budgets"], plants, month, n_t, n_c, n_z)
    voll = float(data["info"]["value_of_lost_load_per_mwh"])
    cost = np.r_[
        np.tile(plants["variable_cost_pkr_per_mwh"].to_numpy(float), n_t),
        np.full(n_t * n_c, FLOW_COST),
        np.full(n_t * n_z, voll),
        np.full(n_t * n_z, SPILL_COST),
    ]
    low = np.r_[
        (avail * plants["must_run"].to_numpy(float)).ravel(),
        np.tile(-corridors["reverse_capacity_mw"].to_numpy(float), n_t),
        np.zeros(2 * n_t * n_z),
    ]
    high = np.r_[
        avail.ravel(),
        np.tile(corridors["capacity_mw"].to_numpy(float), n_t),
        np.full(2 * n_t * n_z, np.inf),
    ]
    result = linprog(
        cost,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=demand.ravel(),
        bounds=np.column_stack([low, high]),
        method="highs",
    )
    if result.status != 0:
        raise SystemExit(f"month {month}: {result.message}")
    x = result.x
    gen = pd.DataFrame(x[: n_t * n_p].reshape(n_t, n_p), index=hours, columns=plants.index)
    flow = x[n_t * n_p : n_t * (n_p + n_c)].reshape(n_t, n_c)
    unserved = x[n_t * (n_p + n_c) : n_t * (n_p + n_c + n_z)].reshape(n_t, n_z).sum(axis=1)
    return (
        gen,
        pd.DataFrame(flow, index=hours, columns=corridors.index),
        pd.Series(unserved, index=hours),
    )


def budget_rows(
    budgets: pd.DataFrame, plants: pd.DataFrame, month: int, n_t: int, n_c: int, n_z: int
) -> tuple[sp.csr_matrix | None, np.ndarray | None]:
    rows = budgets[(budgets["month"] == month) & budgets["plant"].isin(plants.index)]
    if rows.empty:
        return None, None
    n_p = len(plants)
    n_vars = n_t * (n_p + n_c + 2 * n_z)
    position = {p: i for i, p in enumerate(plants.index)}
    cols = [np.arange(n_t) * n_p + position[p] for p in rows["plant"]]
    row_idx = np.repeat(np.arange(len(rows)), n_t)
    a = sp.csr_matrix(
        (np.ones(len(rows) * n_t), (row_idx, np.concatenate(cols))), shape=(len(rows), n_vars)
    )
    return a, rows["energy_mwh"].to_numpy(float)


def report(data: dict, gen: pd.DataFrame, flow: pd.DataFrame, unserved: pd.Series) -> None:
    plants = data["plants"]
    energy = gen.sum()
    cf = energy / (plants["capacity_mw"] * len(gen))
    by_fuel = energy.groupby(plants["fuel"]).sum() / 1e6
    print("energy by fuel, TWh (share):")
    for fuel, twh in by_fuel.sort_values(ascending=False).items():
        print(f"  {fuel:14s} {twh:7.2f}  ({twh / by_fuel.sum():5.1%})")
    hours = int((unserved > 1).sum())
    print(f"unserved energy {unserved.sum() / 1e6:.2f} TWh in {hours} hours")
    south = list(SOUTH_COAL)
    south_cf = energy[south].sum() / (plants.loc[south, "capacity_mw"].sum() * len(gen))
    print(f"southern imported coal (PQ, CPHGC, Lucky) CF {south_cf:.1%}")
    for group in (
        ["sahiwal"],
        ["jamshoro_coal"],
        ["thar_ssrl", "engro_thar", "thar_energy", "thalnova"],
        ["k2", "k3"],
        ["chashma_c1", "chashma_c2", "chashma_c3", "chashma_c4"],
        ["bhikki", "balloki", "haveli_bahadur_shah", "trimmu"],
    ):
        cap = plants.loc[group, "capacity_mw"].sum()
        print(f"  CF {'+'.join(group):55s} {energy[group].sum() / (cap * len(gen)):6.1%}")
    fuel_cf = energy.groupby(plants["fuel"]).sum() / (
        plants.groupby("fuel")["capacity_mw"].sum() * len(gen)
    )
    print("CF by fuel:", ", ".join(f"{f} {v:.0%}" for f, v in fuel_cf.items()))
    for name in (
        "southern_ring",
        "ntdc_ke",
        "thar_matiari",
        "hvdc_matiari_lahore",
        "jamshoro_guddu",
    ):
        cap = data["corridors"].loc[name, "capacity_mw"]
        at_limit = (flow[name] >= cap - 1).mean()
        print(f"  corridor {name:22s} mean {flow[name].mean():7.0f} MW, at limit {at_limit:5.1%}")
    idle(data, gen, cf)


def idle(data: dict, gen: pd.DataFrame, cf: pd.Series) -> None:
    """Winter surplus: available but unused capacity of dispatchable thermal plants."""
    plants = data["plants"]
    thermal = plants[plants["fuel"].isin(["coal_imported", "coal_local", "rlng", "gas", "oil"])]
    avail = pd.DataFrame(
        {
            p: data["availability"].loc[gen.index, thermal.loc[p, "availability"]]
            * thermal.loc[p, "capacity_mw"]
            for p in thermal.index
        }
    )
    spare = (avail - gen[thermal.index]).sum(axis=1)
    winter = spare[np.isin(spare.index.month, (12, 1, 2))]
    evening = winter[np.isin(winter.index.hour, (18, 19, 20))]
    print(
        f"winter (Dec-Feb) idle available thermal MW: mean {winter.mean():.0f}, "
        f"at 18-21 h mean {evening.mean():.0f}, min {winter.min():.0f}"
    )
    south = list(SOUTH_COAL)
    south_spare = (avail[south] - gen[south]).sum(axis=1)
    print(
        f"idle available southern imported coal MW: mean {south_spare.mean():.0f}, "
        f"winter mean {south_spare[np.isin(south_spare.index.month, (12, 1, 2))].mean():.0f}"
    )


def run_check(data_dir: Path = DATA_DIR) -> None:
    data = read(data_dir)
    parts = [solve_month(data, m) for m in range(1, 13)]
    gen = pd.concat([p[0] for p in parts])
    flow = pd.concat([p[1] for p in parts])
    unserved = pd.concat([p[2] for p in parts])
    report(data, gen, flow, unserved)


if __name__ == "__main__":
    run_check(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA_DIR)
