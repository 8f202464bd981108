"""The term sheet's controller fields (optional, with defaults) and derived figures, and
reading sheets from files with every problem named by file, item and field."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from surplus.contracts import TermSheet, load_term_sheets, parse_term_sheets
from surplus.errors import InputError
from tests.control.fleets import sheet


def good(**changes: Any) -> dict[str, Any]:
    data = sheet(3, kind="ai_data_centre", mw=120.0, flexible_share=0.25, notice_minutes=10)
    data = data.model_dump(mode="json")
    data.pop("register_site_id")
    return {**data, **changes}


def test_a_sheet_without_the_controllers_fields_means_the_documented_defaults() -> None:
    data = good()
    for name in ("flexible_share", "priority", "min_rest_minutes", "under_frequency_trip"):
        data["curtailment"].pop(name)
    data["telemetry"].pop("tolerance_share")
    plain = TermSheet.model_validate(data)
    c = plain.curtailment
    assert (c.flexible_share, c.priority, c.min_rest_minutes, c.under_frequency_trip) == (
        1.0, 100, 30, True,
    )  # fmt: skip
    assert plain.telemetry.tolerance_share == 0.02
    assert plain.end_date is None and plain.register_site_id is None
    assert plain.flexible_mw == 120.0 and plain.floor_mw == 0.0


def test_derived_figures_follow_the_terms() -> None:
    dc = TermSheet.model_validate(good())
    assert dc.flexible_mw == pytest.approx(30.0) and dc.floor_mw == pytest.approx(90.0)
    assert dc.response_s == 60.0  # penalties.response_minutes
    assert dc.energy_budget_mwh == pytest.approx(0.05 * 120 * 8760)
    assert not dc.trips_on_under_frequency  # data centres never do
    assert dc.curtail_above_price_pkr_per_mwh is None  # no price curtailment
    capped = sheet(1, price_cap=21_340.0)
    assert capped.curtail_above_price_pkr_per_mwh == 21_340.0
    assert sheet(2).trips_on_under_frequency
    firm = sheet(4, price_cap=20_000.0, firm=True, max_share_of_energy=0.01)
    assert not firm.trips_on_under_frequency
    with pytest.raises(ValueError, match="not enrolled"):
        TermSheet.model_validate(good()).registered_site_id()


def test_validity_dates() -> None:
    sheet_ = TermSheet.model_validate(good(start_date="2027-01-01", end_date="2028-01-01"))
    assert sheet_.in_force(date(2027, 6, 1))
    assert not sheet_.in_force(date(2026, 12, 31)) and not sheet_.in_force(date(2028, 1, 1))
    with pytest.raises(ValidationError, match="end_date"):
        TermSheet.model_validate(good(start_date="2027-01-01", end_date="2027-01-01"))


def test_unknown_clauses_are_refused_rather_than_ignored() -> None:
    data = good()
    data["curtailment"]["flexible_shar"] = 0.3
    with pytest.raises(ValidationError):
        TermSheet.model_validate(data)


def test_bad_term_sheets_are_refused_with_item_and_field(tmp_path: Path) -> None:
    notice = good(term_sheet_id="TS-4")
    notice["curtailment"]["notice_minutes"] = "soon"
    bad = [good(), good(term_sheet_id="TS-2", allocated_mw=-5), good(), notice]
    with pytest.raises(InputError) as caught:
        parse_term_sheets(bad, "terms.json")
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(2, "allocated_mw"), (3, "term_sheet_id"), (4, "curtailment.notice_minutes")}
    path = tmp_path / "terms.json"
    path.write_text(json.dumps({"term_sheets": bad}))
    with pytest.raises(InputError):
        load_term_sheets(path)
    path.write_text("{not json")
    with pytest.raises(InputError) as broken:
        load_term_sheets(path)
    assert "JSON" in str(broken.value)


def test_a_folder_as_the_allocator_writes_it(tmp_path: Path) -> None:
    folder = tmp_path / "term_sheets"
    folder.mkdir()
    for n in (1, 2):
        (folder / f"TS-{n}.json").write_text(json.dumps(good(term_sheet_id=f"TS-{n}")))
    (folder / "term-sheet.schema.json").write_text("{}")  # skipped: not a sheet
    (folder / "TS-1.md").write_text("# not read")
    assert [s.term_sheet_id for s in load_term_sheets(folder)] == ["TS-1", "TS-2"]
    assert load_term_sheets(folder / "TS-2.json")[0].term_sheet_id == "TS-2"
    (folder / "TS-3.json").write_text(json.dumps(good(term_sheet_id="TS-1", zone="")))
    with pytest.raises(InputError) as caught:
        load_term_sheets(folder)
    found = {(Path(p.file).name, p.column) for p in caught.value.problems}
    assert found == {("TS-3.json", "zone")}
    (folder / "TS-3.json").write_text(json.dumps(good(term_sheet_id="TS-1")))
    with pytest.raises(InputError, match=r"TS-3\.json.*unique id.*TS-1\.json"):
        load_term_sheets(folder)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"term sheet \.json files"):
        load_term_sheets(empty)
