"""Term sheets: the one contract model the controller and the allocation share."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from surplus.contracts import TermSheet, load_term_sheets, parse_term_sheets, term_sheet_schema
from surplus.errors import InputError

GOOD = {
    "id": "ts-1",
    "operator": "Indus Hash",
    "site_id": 3,
    "zone": "mepco",
    "load_kind": "ai_data_centre",
    "contracted_mw": 120.0,
    "curtailment": {"flexible_share": 0.25, "notice_s": 600},
}


def test_a_term_sheet_knows_its_flexible_and_firm_megawatts() -> None:
    sheet = TermSheet.model_validate(GOOD)
    assert sheet.flexible_mw == pytest.approx(30.0) and sheet.floor_mw == pytest.approx(90.0)
    assert sheet.curtailment.max_hours_per_year == 438.0  # a default, documented


def test_bad_term_sheets_are_refused_with_item_and_field(tmp_path: Path) -> None:
    bad = [
        GOOD,
        {**GOOD, "id": "ts-2", "contracted_mw": -5},
        {**GOOD, "id": "ts-1"},
        {**GOOD, "id": "ts-4", "curtailment": {"notice_s": "soon"}},
    ]
    with pytest.raises(InputError) as caught:
        parse_term_sheets(bad, "terms.json")
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(2, "contracted_mw"), (3, "id"), (4, "curtailment.notice_s")}
    path = tmp_path / "terms.json"
    path.write_text(json.dumps({"term_sheets": bad}))
    with pytest.raises(InputError):
        load_term_sheets(path)
    path.write_text("{not json")
    with pytest.raises(InputError) as broken:
        load_term_sheets(path)
    assert "JSON" in str(broken.value)


def test_unknown_clauses_are_refused_rather_than_ignored() -> None:
    with pytest.raises(ValueError):
        TermSheet.model_validate({**GOOD, "curtailment": {"flexible_shar": 0.3}})


def test_the_schema_round_trips_a_sheet() -> None:
    schema = term_sheet_schema()
    assert set(schema["required"]) >= {"id", "operator", "site_id", "zone", "load_kind"}
    sheet = TermSheet.model_validate(GOOD)
    assert TermSheet.model_validate_json(sheet.model_dump_json()) == sheet
