"""Reading applications from CSV or JSON: every problem named by file, row and field, and
nothing returned unless the whole file is good.

CSV: a header row with the field names of `Application` (any order); `sites` lists zones or
plants separated by `;`; booleans are true/false, yes/no or 1/0; dates are YYYY-MM-DD. Rows
are numbered as a spreadsheet shows them (header = row 1). JSON: a list of objects with the
same fields (or `{"applications": [...]}`), `sites` a list; the n-th object is row n.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from surplus.allocation.applications import FIELDS, REQUIRED_FIELDS, Application
from surplus.errors import InputError, Problem

SITE_SEPARATOR = ";"
MAX_APPLICATIONS = 100_000
TRUE, FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n"}


def read_applications(
    path: Path | str, known_sites: Mapping[str, str] | None = None
) -> tuple[Application, ...]:
    """Applications from a `.csv` or `.json` file. `known_sites` (site → zone), when given,
    refuses sites the grid does not have. Raises `InputError` listing every problem."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(Problem(name, None, None, "a readable UTF-8 file", str(error))) from None
    if path.suffix.lower() == ".json":
        return parse_json(text, name, known_sites)
    if path.suffix.lower() == ".csv":
        return parse_csv(text, name, known_sites)
    raise InputError(Problem(name, None, None, "a .csv or .json file", path.suffix or "none"))


def parse_csv(
    text: str, name: str = "applications.csv", known_sites: Mapping[str, str] | None = None
) -> tuple[Application, ...]:
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError(Problem(name, 1, None, "a header row naming the fields", "nothing"))
    header = [cell.strip() for cell in rows[0]]
    problems = _header_problems(header, name)
    if problems:
        raise InputError(problems)
    records: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line is not an application
        if len(cells) != len(header):
            problems.append(
                Problem(name, number, None, f"{len(header)} cells", f"{len(cells)} cells")
            )
            continue
        record: dict[str, Any] = {}
        for field, cell in zip(header, cells, strict=True):
            value = cell.strip()
            if value == "":
                continue  # left out: a default applies, or pydantic reports it missing
            if field == "sites":
                record[field] = [part.strip() for part in value.split(SITE_SEPARATOR)]
            elif field == "accepts_price_curtailment":
                record[field] = _boolean(value)
            else:
                record[field] = value
        records.append((number, record))
    return _validate(records, name, problems, known_sites)


def parse_json(
    text: str, name: str = "applications.json", known_sites: Mapping[str, str] | None = None
) -> tuple[Application, ...]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            Problem(name, error.lineno, None, "valid JSON", f"{error.msg} (line {error.lineno})")
        ) from None
    if isinstance(data, dict) and set(data) == {"applications"}:
        data = data["applications"]
    if not isinstance(data, list):
        raise InputError(
            Problem(name, None, None, 'a list of applications or {"applications": [...]}', "other")
        )
    problems: list[Problem] = []
    records: list[tuple[int, dict[str, Any]]] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(name, number, None, "an object", type(item).__name__))
            continue
        records.append((number, item))
    return _validate(records, name, problems, known_sites)


def _boolean(value: str) -> Any:
    lowered = value.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    return value  # pydantic names it as a bad boolean


def _header_problems(header: Sequence[str], name: str) -> list[Problem]:
    problems = []
    unknown = [h for h in header if h not in FIELDS]
    for field in unknown:
        problems.append(
            Problem(
                name,
                1,
                field,
                f"a field of an application ({', '.join(FIELDS)})",
                "an unknown column",
            )
        )
    for field in REQUIRED_FIELDS:
        if field not in header:
            problems.append(Problem(name, 1, field, "this column", "none"))
    repeated = sorted({h for h in header if header.count(h) > 1})
    problems += [Problem(name, 1, field, "one column of this name", "two") for field in repeated]
    return problems


def _validate(
    records: list[tuple[int, dict[str, Any]]],
    name: str,
    problems: list[Problem],
    known_sites: Mapping[str, str] | None,
) -> tuple[Application, ...]:
    if len(records) > MAX_APPLICATIONS:
        problems.append(
            Problem(
                name, None, None, f"at most {MAX_APPLICATIONS:,} applications", str(len(records))
            )
        )
        raise InputError(problems)
    applications: list[Application] = []
    first_row: dict[str, int] = {}
    for number, record in records:
        try:
            application = Application.model_validate(record)
        except ValidationError as error:
            problems += _pydantic_problems(error, name, number)
            continue
        if application.application_id in first_row:
            problems.append(
                Problem(
                    name,
                    number,
                    "application_id",
                    "an id used once",
                    f"{application.application_id!r}, already on row "
                    f"{first_row[application.application_id]}",
                )
            )
            continue
        first_row[application.application_id] = number
        if known_sites is not None:
            for site in application.sites:
                if site not in known_sites:
                    problems.append(
                        Problem(name, number, "sites", "a zone or plant of the dataset", repr(site))
                    )
        applications.append(application)
    if not records and not problems:
        problems.append(Problem(name, None, None, "at least one application", "none"))
    if problems:
        raise InputError(problems)
    return tuple(applications)


def _pydantic_problems(error: ValidationError, name: str, number: int) -> list[Problem]:
    out = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"][:1]) or None
        message = str(item["msg"]).removeprefix("Value error, ")
        found = "nothing" if item["type"] == "missing" else repr(item.get("input"))
        if field is None and item["type"] == "value_error":
            found = "the row as given"
        if len(found) > 80:
            found = found[:77] + "..."
        out.append(Problem(name, number, field, message, found))
    return out
