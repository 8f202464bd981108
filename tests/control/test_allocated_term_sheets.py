"""End to end: the allocator grants applications and writes their term sheets; the sheets
are read back from the files it wrote, enrolled in the register, and protect the grid in a
shortfall. Every order stays within the rights of the sheet it was given under."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from surplus.allocation import AllocationSettings, Phase, allocate
from surplus.allocation.output import write_outputs
from surplus.contracts import TermSheet, load_term_sheets
from surplus.control.registry import active_term_sheets
from surplus.simulation.scenario import allocated_sites
from surplus.store.audit import AuditEntry
from tests.allocation.helpers import tiny_dataset, tiny_grid, zone_dispatch
from tests.allocation.test_hand import application
from tests.control.stack import DAY, START, ScriptedFeed, orders, world

pytestmark = pytest.mark.slow


def written_term_sheets(out: Path) -> list[TermSheet]:
    """Allocate five applications on a two-zone grid and write the outputs under `out`."""
    spare = np.array([[300.0, 500.0], [300.0, 500.0], [250.0, 500.0], [150.0, 500.0]])
    grid = tiny_grid(spare, ["north", "south"])
    apps = [
        application("A", requested_mw=100.0),  # a miner with 5 minutes' notice
        application(
            "B",
            kind="ai_data_centre",
            requested_mw=50.0,
            max_curtailment_share=0.0,
            longest_event_hours=0,
        ),  # firm
        application(
            "D",
            kind="ai_data_centre",
            requested_mw=60.0,
            max_curtailment_share=0.3,
            longest_event_hours=2,
            notice_minutes=2,
            ramp_mw_per_min=30.0,
        ),
        application("E", requested_mw=80.0, notice_minutes=0, ramp_mw_per_min=40.0),
        application(
            "C",
            requested_mw=10.0,
            tariff_rule="industrial_b3_27",
            start_date=date(2028, 3, 1),
            sites=("south",),
        ),  # a fixed tariff: curtailed when the price passes its cap
    ]
    settings = AllocationSettings(
        phases=(Phase("one", 400.0), Phase("two", 20.0, date(2028, 1, 1))),
        operator_cap_mw=None,
        objective="mw",
    )
    result = allocate(apps, grid, tiny_dataset(), settings, run=zone_dispatch(grid))  # type: ignore[arg-type]
    folder = write_outputs(result, out)["term_sheets"]
    # The data centre keeps its critical half on: a controller clause the allocator leaves
    # at its default, signed into the JSON file itself.
    path = folder / "TS-D.json"
    data = json.loads(path.read_text())
    data["curtailment"]["flexible_share"] = 0.5
    path.write_text(json.dumps(data))
    return load_term_sheets(folder)


def test_the_allocations_term_sheets_protect_the_grid_within_their_rights(tmp_path: Path) -> None:
    sheets = written_term_sheets(tmp_path / "allocation")
    assert {s.term_sheet_id for s in sheets} == {"TS-A", "TS-B", "TS-C", "TS-D", "TS-E"}
    sites = allocated_sites(sheets, DAY)
    by_site = {s.site_id: s.sheet for s in sites}
    by_id = {s.sheet.term_sheet_id: s.site_id for s in sites}
    cap = by_site[by_id["TS-C"]].curtail_above_price_pkr_per_mwh
    assert cap is not None
    # North carries 290 MW (A 100, B 50 firm, D 60 of which 30 flexible, E 80).
    feed = ScriptedFeed({"north": 400.0, "south": 400.0}, prices={"south": cap + 5_000.0})
    feed.set(START + timedelta(minutes=2), north=150.0)  # 140 MW must come off
    feed.set(START + timedelta(minutes=12), north=30.0)  # 260: more than contracts allow
    w = world(tmp_path, list(sites), feed, agent={"report_s": 10.0})
    result = asyncio.run(w.run(START + timedelta(minutes=20)))

    with w.factory() as session:
        enrolled = {s.register_site_id: s for s in active_term_sheets(session, START)}
        decisions = list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == "control.decision"))
        )
    assert set(enrolled) == set(by_site)  # every sheet read back from the register
    placed = orders(w)
    assert placed and result.audit_ok and not result.noncompliance
    for order in placed:
        sheet = by_site[order.site_id]
        rights = sheet.curtailment
        assert order.limit_mw >= sheet.floor_mw - 1e-6
        assert order.ends_at - order.applies_at <= timedelta(hours=rights.longest_event_hours)
        if order.reason == "shortfall":
            assert order.applies_at - order.decided_at >= timedelta(minutes=rights.notice_minutes)
        assert not rights.firm or order.reason == "price"
    ordered = {by_site[o.site_id].term_sheet_id: o for o in placed}
    assert "TS-B" not in ordered  # firm, no price clause: never curtailed
    assert ordered["TS-C"].reason == "price"  # south is short of nothing, but priced out
    # Miners first: E at once, A after its 5 minutes' notice; D's half only in the deeper cut.
    first = {o.site_id for o in placed if o.decided_at < START + timedelta(minutes=12)}
    assert {by_id["TS-E"], by_id["TS-A"]} <= first and by_id["TS-D"] not in first
    assert ordered["TS-D"].limit_mw == pytest.approx(30.0, abs=1.0)
    # The deeper cut needs 260 MW; E, A and D's flexible half give 210. The other 50 only
    # a breach (the firm B) could cover: the audit log says so.
    gaps = [g for d in decisions for g in d.payload["gaps"] if g["zone"] == "north"]
    assert gaps and gaps[-1]["uncovered_mw"] == pytest.approx(50.0, abs=1.0)
    assert gaps[-1]["needs_breach_mw"] == pytest.approx(50.0, abs=1.0)
    assert by_id["TS-B"] in gaps[-1]["sites_not_ordered"]
    # Households: by the end, north draws no more than its spare plus what no contract covers.
    drawn = result.timeline.drawn_mw[-1][result.zones.index("north")]
    assert drawn <= 30.0 + 50.0 + 1.0
