"""Meter data: reading an uploaded file, and validation that flags without discarding.

A file that cannot be read as readings (a missing column, a cell that is not a number, a
time without its UTC offset) is refused whole, with every bad cell named by file, row and
field. A file that can be read is kept whole, and what looks wrong in it is flagged, not
dropped: duplicates, negative or implausible values, clock errors (a time in the future,
off the minute, or going backwards) and gaps. Settlement bills on the values as stored,
with the flagged negative or implausible ones left out until a correction (a new version,
with its reason) says what they should have been.

File format (CSV, UTF-8, header row): `site_id`, `read_at` (ISO 8601 with offset, the
start of the interval), and `power_mw` (mean over the interval) and/or `energy_mwh`
(metered over it); optional `kind` (`meter`, the default, or `telemetry`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd

from surplus.errors import InputError, Problem

FlagName = Literal["duplicate", "conflict", "negative", "implausible", "clock", "gap"]
KIND_CODES = {"telemetry": 1, "meter": 2}
REQUIRED = ("site_id", "read_at")
VALUES = ("power_mw", "energy_mwh")
IMPLAUSIBLE_SHARE = 1.5
"""A reading above this multiple of the site's connection is implausible."""
FUTURE_TOLERANCE = timedelta(minutes=5)
"""A reading stamped later than this after it was received has a clock error."""
_OFFSET = r"(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"


@dataclass(frozen=True)
class MeterRows:
    """Readings read from a file, one entry per data row, in file order."""

    source: str
    row: np.ndarray
    """Row number as a spreadsheet shows it (header = 1)."""
    site_id: np.ndarray
    kind: np.ndarray
    read_at: pd.DatetimeIndex
    power_mw: np.ndarray
    energy_mwh: np.ndarray

    def __len__(self) -> int:
        return len(self.row)

    def records(self) -> list[dict[str, Any]]:
        """Rows as the store's reading dicts (NaN as None)."""
        return [
            {
                "site_id": int(s),
                "kind": int(k),
                "read_at": t.to_pydatetime(),
                "power_mw": None if np.isnan(p) else float(p),
                "energy_mwh": None if np.isnan(e) else float(e),
            }
            for s, k, t, p, e in zip(
                self.site_id, self.kind, self.read_at, self.power_mw, self.energy_mwh, strict=True
            )
        ]


@dataclass(frozen=True)
class Flag:
    """Something validation noticed; the reading it is about is kept."""

    site_id: int
    kind: int
    flag: FlagName
    read_at: datetime | None
    detail: str
    row: int | None = None
    field: str | None = None
    until: datetime | None = None


def read_meter_csv(content: bytes, source: str) -> MeterRows:
    """Parse a meter file; every problem, named by file, row and field, or none.

    >>> rows = read_meter_csv(b"site_id,read_at,power_mw\\n7,2026-01-01T00:00:00Z,1.5\\n", "m.csv")
    >>> int(rows.site_id[0]), float(rows.power_mw[0]), str(rows.read_at[0])
    (7, 1.5, '2026-01-01 00:00:00+00:00')
    >>> read_meter_csv(b"site_id,read_at,power_mw\\n7,2026-01-01 00:00,x\\n", "m.csv")
    Traceback (most recent call last):
    ...
    surplus.errors.InputError: m.csv, row 2, column 'power_mw': expected a number, found 'x'
    m.csv, row 2, column 'read_at': expected an ISO 8601 time with its UTC offset, found '...'
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(Problem(source, None, None, "UTF-8 text", str(error))) from None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(Problem(source, None, None, "CSV with a header row", str(error))) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if not any(c in frame.columns for c in VALUES):
        missing.append("power_mw or energy_mwh")
    if missing:
        found = ", ".join(frame.columns) or "no columns"
        raise InputError(Problem(source, 1, None, f"columns {', '.join(missing)}", found))
    if frame.empty:
        raise InputError(Problem(source, 2, None, "at least one reading", "none"))
    rows = np.arange(2, len(frame) + 2)
    problems: list[Problem] = []

    def bad(mask: np.ndarray, column: str, expected: str) -> None:
        for k in np.flatnonzero(mask)[:50]:
            problems.append(
                Problem(source, int(rows[k]), column, expected, repr(frame[column].iloc[k]))
            )

    site_text = frame["site_id"].str.strip()
    site = pd.to_numeric(site_text, errors="coerce").to_numpy(dtype=float)
    bad(
        ~(np.isfinite(site) & (site >= 1) & (np.mod(site, 1) == 0)),
        "site_id",
        "a site id (a whole number ≥ 1)",
    )
    values = {}
    blank = np.ones(len(frame), dtype=bool)
    for column in VALUES:
        cells = frame[column].str.strip() if column in frame.columns else pd.Series("", frame.index)
        number = pd.to_numeric(cells.where(cells != ""), errors="coerce").to_numpy(dtype=float)
        bad((cells != "").to_numpy() & ~np.isfinite(number), column, "a number")
        values[column] = number
        blank &= (cells == "").to_numpy()
    bad(
        blank, "power_mw" if "power_mw" in frame.columns else "energy_mwh", "power_mw or energy_mwh"
    )
    time_text = frame["read_at"].str.strip()
    times = pd.to_datetime(time_text, format="ISO8601", utc=True, errors="coerce")
    has_offset = time_text.str.contains(_OFFSET, regex=True).to_numpy()
    bad(times.isna().to_numpy() | ~has_offset, "read_at", "an ISO 8601 time with its UTC offset")
    kind = np.full(len(frame), KIND_CODES["meter"])
    if "kind" in frame.columns:
        names = frame["kind"].str.strip().str.lower().replace("", "meter")
        kind = names.map(KIND_CODES).to_numpy()
        bad(pd.isna(kind), "kind", "meter or telemetry")
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    return MeterRows(
        source,
        rows,
        site.astype(np.int64),
        np.asarray(kind, dtype=np.int64),
        pd.DatetimeIndex(times),
        values["power_mw"],
        values["energy_mwh"],
    )


def check_rows(
    rows: MeterRows,
    received_at: datetime,
    connection_mw: dict[int, float],
    interval_s: float = 60.0,
) -> list[Flag]:
    """Flags for one file: duplicates (same site, kind and time as an earlier row: `conflict`
    when the values differ), negative and implausible values, clock errors, and gaps
    between its first and last reading per site."""
    flags: list[Flag] = []
    frame = pd.DataFrame(
        {
            "row": rows.row,
            "site": rows.site_id,
            "kind": rows.kind,
            "at": rows.read_at,
            "p": rows.power_mw,
            "e": rows.energy_mwh,
        }
    )
    first = frame.groupby(["site", "kind", "at"], sort=False)["row"].transform("first")
    repeated = frame[frame["row"] != first]
    if len(repeated):
        by_row = frame.set_index("row")
        for r in repeated.itertuples(index=False):
            earlier = by_row.loc[int(first[frame["row"] == r.row].iloc[0])]
            same = _same(r.p, earlier["p"]) and _same(r.e, earlier["e"])
            flags.append(
                Flag(
                    int(r.site),
                    int(r.kind),
                    "duplicate" if same else "conflict",
                    r.at.to_pydatetime(),
                    f"same minute as row {int(earlier.name)}"
                    + (
                        ""
                        if same
                        else f" with other values (power_mw {r.p} vs {earlier['p']}, "
                        f"energy_mwh {r.e} vs {earlier['e']})"
                    ),
                    int(r.row),
                    "read_at",
                )
            )
    flags += _value_flags(frame, connection_mw, interval_s)
    flags += _clock_flags(frame, received_at)
    for (site, kind), group in frame.groupby(["site", "kind"]):
        flags += gaps(int(site), int(kind), pd.DatetimeIndex(group["at"]), interval_s)
    return flags


def _same(a: float, b: float) -> bool:
    return bool((np.isnan(a) and np.isnan(b)) or a == b)


def implausible_mw(connection_mw: float) -> float:
    return IMPLAUSIBLE_SHARE * connection_mw


def _value_flags(
    frame: pd.DataFrame, connection_mw: dict[int, float], interval_s: float
) -> list[Flag]:
    flags = []
    limit = (
        frame["site"].map(lambda s: implausible_mw(connection_mw.get(int(s), np.inf))).to_numpy()
    )
    checks: tuple[tuple[str, str, np.ndarray, FlagName, str], ...] = (
        ("p", "power_mw", frame["p"].to_numpy() < 0, "negative", "power drawn below zero"),
        ("e", "energy_mwh", frame["e"].to_numpy() < 0, "negative", "energy below zero"),
        (
            "p",
            "power_mw",
            frame["p"].to_numpy() > limit,
            "implausible",
            "power above 1.5 × the site's connection",
        ),
        (
            "e",
            "energy_mwh",
            frame["e"].to_numpy() > limit * interval_s / 3600,
            "implausible",
            "energy above 1.5 × the site's connection over the interval",
        ),
    )
    for column, field, mask, name, text in checks:
        for r in frame[mask].itertuples(index=False):
            value = getattr(r, column)
            flags.append(
                Flag(
                    int(r.site),
                    int(r.kind),
                    name,
                    r.at.to_pydatetime(),
                    f"{text}: {value}",
                    int(r.row),
                    field,
                )
            )
    return flags


def _clock_flags(frame: pd.DataFrame, received_at: datetime) -> list[Flag]:
    flags = []
    at = pd.DatetimeIndex(frame["at"])
    future = at > pd.Timestamp(received_at + FUTURE_TOLERANCE)
    off_minute = (at.second != 0) | (at.microsecond != 0)
    backwards = frame.groupby(["site", "kind"])["at"].diff().dt.total_seconds().to_numpy() < 0
    for mask, text in (
        (future, f"stamped after it was received ({received_at.isoformat()})"),
        (off_minute, "not on the start of a minute (meter clock drift?)"),
        (backwards, "earlier than the row before it for this site (clock set back?)"),
    ):
        for r in frame[np.asarray(mask)].itertuples(index=False):
            flags.append(
                Flag(
                    int(r.site),
                    int(r.kind),
                    "clock",
                    r.at.to_pydatetime(),
                    text,
                    int(r.row),
                    "read_at",
                )
            )
    return flags


def gaps(site_id: int, kind: int, times: pd.DatetimeIndex, interval_s: float) -> list[Flag]:
    """Spans longer than one interval with no reading, between the first and last time."""
    ns = np.sort(pd.DatetimeIndex(times).tz_convert("UTC").as_unit("ns").asi8)
    ns = ns[np.r_[True, np.diff(ns) != 0]] if len(ns) else ns
    if len(ns) < 2:
        return []
    step = np.diff(ns) / 1e9
    flags = []
    for k in np.flatnonzero(step > interval_s * 1.5):
        start = pd.Timestamp(int(ns[k]), tz="UTC") + pd.Timedelta(seconds=interval_s)
        until = pd.Timestamp(int(ns[k + 1]), tz="UTC")
        missing = round(float(step[k]) / interval_s) - 1
        flags.append(
            Flag(
                site_id,
                kind,
                "gap",
                start.to_pydatetime(),
                f"{missing} readings missing",
                until=until.to_pydatetime(),
            )
        )
    return flags


def usable(power_mw: np.ndarray, connection_mw: float) -> np.ndarray:
    """Readings a bill may use: present, not negative, not implausible."""
    return np.isfinite(power_mw) & (power_mw >= 0) & (power_mw <= implausible_mw(connection_mw))


def hourly_energy(
    minute_power_mw: np.ndarray, connection_mw: float
) -> tuple[np.ndarray, np.ndarray]:
    """Billed MWh and usable readings per hour from one-minute mean power (hour-aligned,
    NaN where no reading). An hour is billed on its usable readings' mean power times one
    hour (the missing minutes estimated at that mean); an hour without any is NaN.

    >>> p = np.r_[np.full(60, 2.0), np.full(30, 4.0), np.full(30, np.nan), np.full(60, -1.0)]
    >>> energy, counts = hourly_energy(p, 10.0)
    >>> energy.tolist(), counts.tolist()
    ([2.0, 4.0, nan], [60, 30, 0])
    """
    minutes = np.asarray(minute_power_mw, dtype=float).reshape(-1, 60)
    ok = usable(minutes, connection_mw)
    counts = ok.sum(axis=1)
    total = np.where(ok, minutes, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        energy = np.where(counts > 0, total / np.maximum(counts, 1), np.nan)
    return energy, counts
