"""What a simulation shows: energy households would have lost without the controller and
with it, what each flexible load gave up, each order's timing and each site's compliance.

Energies are integrated on the simulation's tick grid from the sites' own power (no
meter noise): MWh = Σ MW × tick seconds / 3600.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from surplus.simulation.world import SimResult


@dataclass(frozen=True)
class SimSummary:
    zones: pd.DataFrame
    """Per zone: flexible MW contracted, shortfall hours, households' lost MWh without and
    with the controller, curtailed MWh."""
    sites: pd.DataFrame
    """Per site: kind, MW, curtailed MWh, orders, non-compliance records, median and
    worst seconds from order to acknowledgement and to metered target."""
    orders: pd.DataFrame
    facts: dict[str, Any]


def summarise(result: SimResult) -> SimSummary:
    tl = result.timeline
    hours = result.tick_s / 3600.0
    spare = np.vstack(tl.spare_mw)
    drawn = np.vstack(tl.drawn_mw)
    site_mw = np.vstack(tl.site_mw)
    sites = result.scenario.sites
    zones = result.zones
    contracted = np.array([s.sheet.allocated_mw for s in sites])
    zone_of = np.array([zones.index(s.sheet.zone) for s in sites])
    full = np.bincount(zone_of, weights=contracted, minlength=len(zones))
    spare_known = np.nan_to_num(spare, nan=np.inf)
    without = np.clip(full[None, :] - spare_known, 0.0, None)
    with_controller = np.clip(drawn - spare_known, 0.0, None)
    zone_table = pd.DataFrame(
        {
            "flexible_mw": full,
            "shortfall_hours": (without > 1e-6).sum(axis=0) * hours,
            "households_lost_without_mwh": without.sum(axis=0) * hours,
            "households_lost_with_mwh": with_controller.sum(axis=0) * hours,
            "curtailed_mwh": (full[None, :] - drawn).clip(min=0).sum(axis=0) * hours,
        },
        index=pd.Index(zones, name="zone"),
    )
    orders = pd.DataFrame(result.orders)
    site_rows = []
    for k, sim in enumerate(sites):
        sheet = sim.sheet
        mine = orders[orders["site"] == sim.site_id] if len(orders) else orders
        faults = [f for f in result.noncompliance if f["site"] == sim.site_id]
        ack = _delays(mine, "acked_at")
        reach = _delays(mine, "reached_at")
        site_rows.append(
            {
                "site": sim.site_id,
                "name": sim.name,
                "zone": sheet.zone,
                "kind": sheet.kind,
                "allocated_mw": sheet.allocated_mw,
                "curtailed_mwh": float((contracted[k] - site_mw[:, k]).clip(min=0).sum() * hours),
                "orders": len(mine),
                "noncompliance": len(faults),
                "ack_s_median": _median(ack),
                "target_s_median": _median(reach),
                "target_s_worst": max(reach) if reach else None,
                "behaviour": "lies (acknowledges, never curtails)"
                if sim.behaviour.lies
                else "obeys",
            }
        )
    site_table = pd.DataFrame(site_rows).set_index("site")
    facts = {
        "day": result.scenario.day.isoformat(),
        "sites": len(sites),
        "households_lost_without_mwh": round(
            float(zone_table["households_lost_without_mwh"].sum()), 3
        ),
        "households_lost_with_mwh": round(float(zone_table["households_lost_with_mwh"].sum()), 3),
        "flexible_curtailed_mwh": round(float(site_table["curtailed_mwh"].sum()), 3),
        "orders": len(orders),
        "noncompliance_records": len(result.noncompliance),
        "audit_entries": result.audit_entries,
        "audit_chain_ok": result.audit_ok,
        "decisions_logged": result.decisions_logged,
        "control_cycles": result.cycles,
        "wall_s": round(result.wall_s, 2),
    }
    return SimSummary(zone_table, site_table, orders, facts)


def _delays(orders: pd.DataFrame, column: str) -> list[float]:
    if len(orders) == 0:
        return []
    found = orders.dropna(subset=[column])
    return [
        max((row[column] - row["applies_at"]).total_seconds(), 0.0) for _, row in found.iterrows()
    ]


def _median(values: list[float]) -> float | None:
    return float(np.median(values)) if values else None
