"""The allocation section: its table, its data for summary.json, and a page that opens in a
real browser with both figures and no console error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from surplus.allocation import AllocationSettings, Phase, allocate
from surplus.report.allocation_section import allocation_section
from surplus.report.html import render_report
from tests.allocation.helpers import tiny_dataset, tiny_grid, zone_dispatch
from tests.allocation.test_hand import application


@pytest.fixture(scope="module")
def section():  # type: ignore[no-untyped-def]
    spare = np.array([[100.0, 500.0], [100.0, 500.0], [100.0, 500.0], [20.0, 500.0]])
    grid = tiny_grid(spare, ["north", "south"])
    apps = [
        application("A"),
        application("B", requested_mw=80.0, sites=("south", "north")),
        application("C", kind="ai_data_centre", requested_mw=400.0, sites=("south",)),
    ]
    settings = AllocationSettings(phases=(Phase("one", 300.0),), operator_cap_mw=None)
    result = allocate(apps, grid, tiny_dataset(), settings, run=zone_dispatch(grid))  # type: ignore[arg-type]
    return allocation_section(result)


def test_section_table_and_data(section) -> None:  # type: ignore[no-untyped-def]
    (_caption, table), *_ = section.tables
    assert list(table.index) == ["A", "B", "C"]
    assert table["allocated_mw"].sum() == pytest.approx(300.0, abs=1e-2)
    assert len(section.figures) == 2
    data = json.loads(json.dumps(section.data))
    assert data["allocation"]["allocated_mw"] == pytest.approx(300.0, abs=1e-2)
    assert data["allocation"]["verification"]["passes"] is True


@pytest.mark.browser
def test_section_opens_in_a_browser(section, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.report.test_report_browser import open_in_browser

    page = tmp_path / "allocation.html"
    page.write_text(render_report("Allocation", "tiny", [section]))
    errors, plots = open_in_browser(page)
    assert errors == []
    assert plots >= 2
