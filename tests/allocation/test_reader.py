"""Application files: good ones read whole, bad ones refused whole with every problem named
by file, row and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from surplus.allocation import parse_csv, parse_json, read_applications
from surplus.allocation.applications import FIELDS
from surplus.errors import InputError

HEADER = ",".join(FIELDS)
GOOD = "APP-0,Op,miner,100,50,port_qasim;south_coast,0.01,6,5,true,proposed_fixed_23,2027-01-01,20"
SITES = {"port_qasim": "south_coast", "south_coast": "south_coast", "thar": "thar"}


def problems(
    text: str, known: dict[str, str] | None = SITES
) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as caught:
        parse_csv(text, "apps.csv", known)
    return [(p.row, p.column, p.expected) for p in caught.value.problems]


def test_a_good_file_reads_whole() -> None:
    apps = parse_csv(f"{HEADER}\n{GOOD}\n\n{GOOD.replace('APP-0', 'APP-2')}\n", "apps.csv", SITES)
    assert [a.application_id for a in apps] == ["APP-0", "APP-2"]
    assert apps[0].sites == ("port_qasim", "south_coast")
    assert apps[0].accepts_price_curtailment is True
    assert apps[0].min_mw == 50.0 and not apps[0].firm


def test_json_reads_the_same() -> None:
    apps = parse_csv(f"{HEADER}\n{GOOD}\n")
    record = apps[0].model_dump(mode="json")
    assert parse_json(json.dumps([record])) == apps
    assert parse_json(json.dumps({"applications": [record]})) == apps


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (
            "APP-1,Op,miner,-5,0,thar,0.01,6,5,true,dynamic,2027-01-01,20",
            "requested_mw",
            "greater than 0",
        ),
        ("APP-1,Op,miner,abc,0,thar,0.01,6,5,true,dynamic,2027-01-01,20", "requested_mw", "number"),
        ("APP-1,Op,robot,10,0,thar,0.01,6,5,true,dynamic,2027-01-01,20", "kind", "miner"),
        (
            "APP-1,Op,miner,10,20,thar,0.01,6,5,true,dynamic,2027-01-01,20",
            None,
            "min_mw must not exceed",
        ),
        ("APP-1,Op,miner,10,0,thar,0.01,6,5,true,dynamic,2027-13-01,20", "start_date", "date"),
        (
            "APP-1,Op,miner,10,0,thar,0.01,6,5,maybe,dynamic,2027-01-01,20",
            "accepts_price_curtailment",
            "boolean",
        ),
        ("APP-1,Op,miner,10,0,thar,0.01,6,5,true,cheap,2027-01-01,20", "tariff_rule", "one of"),
        (
            "APP-1,Op,miner,10,0,thar,0.01,6,5,false,industrial_b3_27,2027-01-01,20",
            None,
            "requires accepts_price_curtailment",
        ),
        (
            "APP-1,Op,miner,10,0,thar,0.9,6,5,true,dynamic,2027-01-01,20",
            "max_curtailment_share",
            "less than or equal",
        ),
        (
            "APP-1,Op,miner,10,0,thar,0.01,0,5,true,dynamic,2027-01-01,20",
            None,
            "longest_event_hours",
        ),
        ("APP-1,Op,miner,10,0,thar;thar,0.01,6,5,true,dynamic,2027-01-01,20", "sites", "twice"),
        (
            "APP-1,Op,miner,10,0,lahore,0.01,6,5,true,dynamic,2027-01-01,20",
            "sites",
            "zone or plant",
        ),
        (
            "APP 1,Op,miner,10,0,thar,0.01,6,5,true,dynamic,2027-01-01,20",
            "application_id",
            "pattern",
        ),
        ("APP-1,,miner,10,0,thar,0.01,6,5,true,dynamic,2027-01-01,20", "operator", "required"),
    ],
)
def test_each_bad_value_is_named_by_row_and_field(
    row: str, column: str | None, fragment: str
) -> None:
    found = problems(f"{HEADER}\n{GOOD}\n{row}\n")
    assert len(found) == 1, found
    number, field, expected = found[0]
    assert number == 3  # header is row 1, the good row is row 2
    assert field == column
    assert fragment.lower() in expected.lower()


def test_every_problem_is_listed_at_once() -> None:
    bad = "APP-1,Op,miner,-5,0,lahore,0.01,6,5,true,dynamic,2027-01-01,20"
    found = problems(f"{HEADER}\n{bad}\n{GOOD}\n{GOOD}\nx,y\n")
    assert (2, "requested_mw") in [(r, c) for r, c, _ in found]
    assert (4, "application_id") in [(r, c) for r, c, _ in found]  # a repeated id
    assert (5, None) in [(r, c) for r, c, _ in found]  # too few cells


def test_header_problems() -> None:
    header = HEADER.replace("operator", "owner")
    found = problems(f"{header}\n{GOOD}\n")
    assert (1, "owner") in [(r, c) for r, c, _ in found]
    assert (1, "operator") in [(r, c) for r, c, _ in found]
    assert problems("")[0][:2] == (1, None)
    assert problems(f"{HEADER}\n")[0][2] == "at least one application"


def test_json_problems_name_the_item() -> None:
    with pytest.raises(InputError) as caught:
        parse_json('[{"application_id": "A"}, 3]', "apps.json")
    found = {(p.row, p.column) for p in caught.value.problems}
    assert (1, "operator") in found and (2, None) in found
    with pytest.raises(InputError) as caught:
        parse_json("{not json", "apps.json")
    assert caught.value.problems[0].expected == "valid JSON"
    with pytest.raises(InputError):
        parse_json('{"other": []}', "apps.json")


def test_files_by_suffix(tmp_path: Path) -> None:
    path = tmp_path / "apps.txt"
    path.write_text("x")
    with pytest.raises(InputError, match=r"\.csv or \.json"):
        read_applications(path)
    with pytest.raises(InputError, match="readable"):
        read_applications(tmp_path / "missing.csv")
    good = tmp_path / "apps.csv"
    good.write_text(f"{HEADER}\n{GOOD}\n")
    assert len(read_applications(good, SITES)) == 1
