"""summary.json is strict JSON and carries the penalised hours and both kinds of surplus."""

from __future__ import annotations

import json
from pathlib import Path

from surplus.dispatch import dispatch
from surplus.grid.model import CostCap
from surplus.report.assess import write_outputs
from surplus.report.summary import summarise
from tests.dispatch.systems import make_dataset


def _reject(constant: str) -> object:
    raise ValueError(f"non-standard JSON constant {constant}")


def test_summary_json_is_strict_and_explains_its_nulls(tmp_path: Path) -> None:
    # A plant of zero capacity has no utilisation (0 ÷ 0); must-run beyond demand is spilled.
    data = make_dataset(
        ["a"],
        [
            {
                "plant": "nuke",
                "zone": "a",
                "fuel": "nuclear",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 2_000.0,
                "must_run": 1.0,
                "provides_reserve": False,
            },
            {
                "plant": "gas",
                "zone": "a",
                "fuel": "gas",
                "capacity_mw": 200.0,
                "variable_cost_pkr_per_mwh": 25_000.0,
            },
            {
                "plant": "idle",
                "zone": "a",
                "fuel": "oil",
                "capacity_mw": 0.0,
                "variable_cost_pkr_per_mwh": 30_000.0,
            },
        ],
        {"a": [80.0, 150.0, 250.0]},
        cost_cap=CostCap(23_000.0, 1_000.0, 0.03),
    )
    result = dispatch(data)
    json_path, _ = write_outputs(summarise(data, result), tmp_path)
    summary = json.loads(json_path.read_text(), parse_constant=_reject)
    assert summary["totals"]["spilled_gwh"] == 0.02
    assert summary["cost_cap_pkr_per_mwh"] == 21_340.0
    (spill,) = summary["penalised_hours"]
    assert (spill["kind"], spill["where"], spill["hours"]) == ("spill", "a", 1)
    assert summary["penalised_zone_hours"]["count"] == 1
    # At a cost the gas plant (25,000 > 21,340) adds nothing: only the nuclear plant's room.
    physical = summary["spare_energy_gwh_by_zone_and_season"]["a"]["year"]
    at_cost = summary["spare_energy_at_cost_gwh_by_zone_and_season"]["a"]["year"]
    assert at_cost < physical
    assert summary["null_reasons"]
    assert all(reason for reason in summary["null_reasons"].values())
