"""Term sheets: the model, its published JSON Schema, and the documents made from it."""

from __future__ import annotations

import ast
import importlib.util
import json
from datetime import date
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from pydantic import ValidationError

import surplus.contracts.terms
from surplus.allocation import (
    AllocationSettings,
    Phase,
    allocate,
    term_sheets,
    to_html,
    to_markdown,
)
from surplus.contracts import CurtailmentRights, TermSheet, term_sheet_json_schema
from tests.allocation.helpers import tiny_dataset, tiny_grid, zone_dispatch
from tests.allocation.test_hand import application

ROOT = Path(__file__).resolve().parents[2]


def test_checked_in_schema_is_current() -> None:
    spec = importlib.util.spec_from_file_location("write_docs", ROOT / "tools" / "write_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    checked_in = (ROOT / "docs" / "term-sheet.schema.json").read_text()
    assert module.term_sheet_schema_json() == checked_in, "run `python tools/write_docs.py`"


def test_contracts_import_only_pydantic_and_the_standard_library() -> None:
    tree = ast.parse(Path(surplus.contracts.terms.__file__).read_text())
    modules = {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    } | {
        a.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for a in node.names
    }
    assert modules <= {"__future__", "datetime", "typing", "pydantic"}


@pytest.fixture(scope="module")
def sheets() -> tuple[TermSheet, ...]:
    spare = np.array([[100.0, 500.0], [100.0, 500.0], [100.0, 500.0], [20.0, 500.0]])
    grid = tiny_grid(spare, ["north", "south"])
    apps = [
        application("A"),
        application(
            "B",
            kind="ai_data_centre",
            requested_mw=50.0,
            max_curtailment_share=0.0,
            longest_event_hours=0,
        ),
        application(
            "C",
            requested_mw=10.0,
            tariff_rule="industrial_b3_27",
            start_date=date(2028, 3, 1),
            sites=("south",),
        ),
    ]
    settings = AllocationSettings(
        phases=(Phase("one", 150.0), Phase("two", 20.0, date(2028, 1, 1))),
        operator_cap_mw=None,
        objective="mw",
    )
    result = allocate(apps, grid, tiny_dataset(), settings, run=zone_dispatch(grid))  # type: ignore[arg-type]
    return term_sheets(result)


def test_every_sheet_validates_against_the_published_schema(sheets: tuple[TermSheet, ...]) -> None:
    schema = term_sheet_json_schema()
    assert sheets
    for sheet in sheets:
        jsonschema.validate(json.loads(sheet.model_dump_json()), schema)
        assert TermSheet.model_validate_json(sheet.model_dump_json()) == sheet


def test_sheets_carry_the_terms(sheets: tuple[TermSheet, ...]) -> None:
    by_id = {s.application_id: s for s in sheets}
    miner, centre = by_id["A"], by_id["B"]
    assert miner.curtailment.max_share_of_energy == 0.25 and not miner.curtailment.firm
    assert miner.curtailment.longest_event_hours == 4
    assert miner.strategic_bitcoin_reserve_share == pytest.approx(0.1)
    assert centre.curtailment.firm and centre.strategic_bitcoin_reserve_share == 0
    assert miner.tariff.basis == "dynamic" and miner.tariff.cost_cap_pkr_per_mwh is None
    assert by_id["C"].tariff.cost_cap_pkr_per_mwh == pytest.approx((27_000 - 1_000) * 0.97)
    assert by_id["C"].phase == "two" and miner.phase == "one"
    # Hours of curtailment allowed cover what the dispatch found, with a margin.
    assert miner.curtailment.max_hours_per_year >= miner.expected.curtailed_hours_per_year


def test_documents_show_the_same_terms(sheets: tuple[TermSheet, ...]) -> None:
    sheet = sheets[0]
    markdown, page = to_markdown(sheet), to_html(sheet)
    for text in (markdown, page):
        assert sheet.term_sheet_id in text and sheet.operator in text
        assert f"{sheet.allocated_mw:,.3f} MW" in text
        assert "Strategic Bitcoin Reserve" in text
    assert page.startswith("<!DOCTYPE html>")


def test_bad_terms_are_refused() -> None:
    with pytest.raises(ValidationError):
        CurtailmentRights(
            max_share_of_energy=0.1,
            max_hours_per_year=10,
            longest_event_hours=2,
            notice_minutes=5,
            on_price=False,
            firm=True,
        )
    with pytest.raises(ValidationError):
        TermSheet.model_validate({"term_sheet_id": "x"})
