"""Reading a demand history: a CSV with a `timestamp` column and one MW column per region,
or a history shipped with the package, by name.

Every problem is reported with the file, the row as a spreadsheet shows it (header = row 1)
and the column, so a user can go straight to the cell.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from surplus.errors import InputError, Problem
from surplus.grid.files import embedded_path

TIMESTAMP = "timestamp"
MAX_PROBLEMS = 50
_ZONE_SUFFIX = r"(?:Z|[+-]\d{2}(?::?\d{2})?)$"

EMBEDDED_DEMAND = {"eia930-us22": "eia930/demand_22ba_2016_2024.parquet"}
"""Demand histories shipped with the package, by the name `--demand` accepts (sources in
their folder's README)."""


GROUP_AT = 4
"""From this many rows with the same fault in the same column, one line reports them all."""


def _grouped(problems: list[Problem]) -> list[Problem]:
    """One problem per column and fault when many rows share it: a whole column written the
    same wrong way is one mistake, not thousands."""
    groups: dict[tuple[str | None, str], list[Problem]] = {}
    for problem in problems:
        groups.setdefault((problem.column, problem.expected), []).append(problem)
    out: list[Problem] = []
    for (column, expected), group in groups.items():
        if len(group) < GROUP_AT:
            out += group
            continue
        rows = [p.row for p in group if p.row is not None]
        span = f"rows {min(rows)}–{max(rows)}, " if rows else ""
        found = f"{span}{len(group):,} cells, the first {group[0].found!r}"
        out.append(Problem(group[0].file, None, column, expected, found))
    return out


def _cap(problems: list[Problem], file: str) -> list[Problem]:
    problems = _grouped(problems)
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [
        *problems[:MAX_PROBLEMS],
        Problem(file, None, None, "no further problems", f"{more} more not listed"),
    ]


def _timestamps(
    raw: pd.Series,
    file: str,
    problems: list[Problem],
    assume_timezone: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> pd.DatetimeIndex:
    text = raw.astype(str)
    has_zone = np.array(text.str.contains(_ZONE_SUFFIX, regex=True), dtype=bool)
    if assume_timezone is not None and len(text) and not has_zone.any():
        # No timestamp names its zone: read them all in the zone the user gave (or UTC), and
        # say so, rather than refusing every row or assuming silently.
        naive = pd.DatetimeIndex(pd.to_datetime(text, format="ISO8601", errors="coerce"))
        local = naive.tz_localize(assume_timezone, ambiguous="NaT", nonexistent="NaT")
        parsed = pd.Series(local.tz_convert("UTC"), index=text.index)
        if warn is not None:
            warn(
                f"{file}: timestamps carry no time zone; read as local time in "
                f"{assume_timezone} (write e.g. 2024-01-01T00:00+05:00 to be explicit)"
            )
        has_zone[:] = True
        expected = f"an ISO timestamp that occurs once in {assume_timezone}"
    else:
        parsed = pd.to_datetime(
            text.where(pd.Series(has_zone, index=text.index)),
            format="ISO8601",
            utc=True,
            errors="coerce",
        )
        expected = "an ISO timestamp, e.g. 2024-01-01T00:00Z"
    bad = parsed.isna().to_numpy()
    for position in np.flatnonzero(bad & has_zone):
        found = text.iloc[position] or "an empty cell"
        problems.append(Problem(file, int(position) + 2, TIMESTAMP, expected, found))
    for position in np.flatnonzero(bad & ~has_zone):
        found = text.iloc[position] or "an empty cell"
        expected = "a timestamp with a time zone, e.g. 2024-01-01T00:00Z"
        problems.append(Problem(file, int(position) + 2, TIMESTAMP, expected, found))
    index = pd.DatetimeIndex(parsed)
    good = ~bad
    off_hour = good & (index != index.floor("h"))
    for position in np.flatnonzero(off_hour):
        problems.append(
            Problem(file, int(position) + 2, TIMESTAMP, "a whole hour", text.iloc[position])
        )
    duplicated = good & index.duplicated(keep="first")
    for position in np.flatnonzero(duplicated):
        first = int(np.flatnonzero(index == index[int(position)])[0]) + 2
        problems.append(
            Problem(
                file,
                int(position) + 2,
                TIMESTAMP,
                f"a timestamp not already used (row {first})",
                text.iloc[position],
            )
        )
    return index


def _values(raw: pd.Series, column: str, file: str, problems: list[Problem]) -> np.ndarray:
    """The column as floats; text only survives parsing when some cell is not a number."""
    if pd.api.types.is_numeric_dtype(raw.dtype):
        numbers = raw.to_numpy(dtype=float)
        shown = raw
    else:
        shown = raw.astype(str).str.strip()
        numbers = pd.to_numeric(shown, errors="coerce").to_numpy(dtype=float)
    for position in np.flatnonzero(~np.isfinite(numbers)):
        found = str(shown.iloc[position]) or "an empty cell"
        problems.append(Problem(file, int(position) + 2, column, "demand in MW, a number", found))
    for position in np.flatnonzero(numbers < 0):
        problems.append(
            Problem(
                file,
                int(position) + 2,
                column,
                "demand of zero or more MW",
                str(shown.iloc[position]),
            )
        )
    return numbers


def read_demand_csv(
    path: Path,
    assume_timezone: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Hourly demand, MW, as a frame on a UTC index with one column per region.

    Timestamps without a zone are refused, unless `assume_timezone` is given and none has
    one: then all are read in that zone and `warn` is told. Raises `InputError` listing
    every problem found (a fault shared by many rows of a column once, up to 50 lines).
    """
    file = str(path)
    try:
        raw = pd.read_csv(
            path,
            dtype={TIMESTAMP: str},
            keep_default_na=False,
            encoding="utf-8-sig",
            skipinitialspace=True,
        )
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(
            Problem(file, None, None, "a readable CSV file", " ".join(str(error).split())[:200])
        ) from None
    raw.columns = [str(column).strip() for column in raw.columns]
    if TIMESTAMP not in raw.columns:
        raise InputError(
            Problem(
                file,
                1,
                TIMESTAMP,
                "a 'timestamp' column in the header",
                ", ".join(raw.columns) or "no columns",
            )
        )
    regions = [column for column in raw.columns if column != TIMESTAMP]
    problems: list[Problem] = []
    if not regions:
        problems.append(
            Problem(
                file, 1, None, "at least one region column besides timestamp", "only 'timestamp'"
            )
        )
    if raw.empty:
        problems.append(Problem(file, 2, None, "at least one row of data", "none"))
    duplicates = sorted({c for c in regions if regions.count(c) > 1})
    if duplicates or any(c.startswith("Unnamed") or not c for c in regions):
        problems.append(Problem(file, 1, None, "unique, named region columns", ", ".join(regions)))
    index = _timestamps(
        raw[TIMESTAMP].astype(str).str.strip(), file, problems, assume_timezone, warn
    )
    data = {c: _values(raw[c], c, file, problems) for c in regions}
    if problems:
        raise InputError(_cap(problems, file))
    frame = pd.DataFrame(data, index=index, columns=regions)
    frame.index.name = TIMESTAMP
    return frame.sort_index()


def read_demand(
    source: str,
    assume_timezone: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """The history `source` names: an embedded one (`EMBEDDED_DEMAND`) or a CSV file's path
    (see `read_demand_csv` for `assume_timezone` and `warn`)."""
    if source in EMBEDDED_DEMAND:
        return read_embedded_demand(source)
    return read_demand_csv(Path(source), assume_timezone, warn)


def read_embedded_demand(name: str) -> pd.DataFrame:
    """An embedded history, in the shape `read_demand_csv` returns (values as float MW)."""
    frame = pd.read_parquet(embedded_path(EMBEDDED_DEMAND[name]))
    frame = frame.set_index(TIMESTAMP).astype(float)
    return frame.sort_index()
