"""Settlement's edge with the store: meter data in (files, API uploads, OpenADR reports),
minute power out per site for a month, orders, term sheets, verdicts and statements.

Everything here reads or writes the database; the arithmetic is in the pure modules
(`meter`, `baselines`, `verdicts`, `pricing`, `statements`). Writers add to the caller's
transaction and record an audit entry; the caller commits.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surplus.contracts import TermSheet
from surplus.errors import InputError, Problem
from surplus.settlement.meter import Flag, MeterRows, check_rows, gaps, read_meter_csv
from surplus.store import audit
from surplus.store.control_tables import ControlOrder
from surplus.store.ingest import insert_readings
from surplus.store.programme import Site
from surplus.store.readings import Reading, ReadingKind
from surplus.store.settlement_tables import MeterBatch, MeterCorrection, MeterFlag

TELEMETRY_HOLD_MINUTES = 15
"""A telemetry sample stands for the minutes after it, up to this many, until the next."""


@dataclass(frozen=True)
class ImportResult:
    batch_id: int
    source: str
    rows: int
    inserted: int
    duplicates: int
    version: int
    flags: dict[str, int]
    sites: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "source": self.source,
            "rows": self.rows,
            "inserted": self.inserted,
            "duplicates": self.duplicates,
            "version": self.version,
            "flags": self.flags,
            "sites": self.sites,
        }


def _connections(session: Session, rows: MeterRows) -> dict[int, float]:
    """Each site's connection MW; an unknown site is a problem naming its first row."""
    ids = sorted({int(s) for s in rows.site_id})
    found = dict(
        session.execute(select(Site.id, Site.connection_mw).where(Site.id.in_(ids))).tuples().all()
    )
    problems = []
    for site in ids:
        if site not in found:
            first = int(rows.row[np.flatnonzero(rows.site_id == site)[0]])
            problems.append(
                Problem(rows.source, first, "site_id", "a site in the register", str(site))
            )
    if problems:
        raise InputError(problems)
    return {int(k): float(v) for k, v in found.items()}


def import_meter(
    session: Session,
    content: bytes,
    name: str,
    actor: str,
    source: str = "csv",
    reason: str | None = None,
    received_at: datetime | None = None,
) -> ImportResult:
    """Store a meter file: kept whole, its readings added (or, with a `reason`, added as a
    correction: a new version of each minute it names), every flag recorded. A file that
    cannot be read changes nothing (InputError naming file, row and field)."""
    received_at = received_at or datetime.now(UTC)
    rows = read_meter_csv(content, name)
    connection = _connections(session, rows)
    flags = check_rows(rows, received_at, connection)
    records = rows.records()
    version = 0
    if reason is not None:
        if not reason.strip():
            raise InputError(Problem(name, None, None, "a reason for the correction", "nothing"))
        version = (session.scalar(select(func.max(MeterBatch.version))) or 0) + 1
    batch = MeterBatch(
        source="correction" if reason is not None else source,
        name=name[:300],
        sha256=hashlib.sha256(content).hexdigest(),
        content=gzip.compress(content),
        rows=len(rows),
        inserted=0,
        flagged=len(flags),
        version=version,
        reason=reason,
        actor=actor,
        received_at=received_at,
    )
    session.add(batch)
    session.flush()
    if reason is not None:
        latest: dict[tuple[int, int, datetime], dict[str, Any]] = {}
        for record in records:  # a later row for the same minute wins within the file
            latest[(record["site_id"], record["kind"], record["read_at"])] = record
        session.add_all(
            MeterCorrection(**r, version=version, batch_id=batch.id) for r in latest.values()
        )
        inserted = len(latest)
    else:
        flags += _conflicts_with_stored(session, rows)
        inserted = insert_readings(session, records)
    batch.inserted, batch.flagged = inserted, len(flags)
    _save_flags(session, batch.id, flags)
    counts: dict[str, int] = {}
    for flag in flags:
        counts[flag.flag] = counts.get(flag.flag, 0) + 1
    result = ImportResult(
        batch.id,
        batch.source,
        len(rows),
        inserted,
        len(rows) - inserted,
        version,
        counts,
        sorted(connection),
    )
    payload = {**result.as_dict(), "name": name, "sha256": batch.sha256, "reason": reason}
    audit.record(session, actor, "create", "meter_batch", batch.id, payload)
    return result


def _conflicts_with_stored(session: Session, rows: MeterRows) -> list[Flag]:
    """Rows naming a minute already stored with other values: kept in the file, flagged."""
    if len(rows) == 0:
        return []
    start, end = rows.read_at.min().to_pydatetime(), rows.read_at.max().to_pydatetime()
    stored = {
        (r.site_id, r.kind, r.read_at): (r.power_mw, r.energy_mwh)
        for r in session.execute(
            select(
                Reading.site_id, Reading.kind, Reading.read_at, Reading.power_mw, Reading.energy_mwh
            ).where(
                Reading.site_id.in_({int(s) for s in rows.site_id}),
                Reading.read_at >= start,
                Reading.read_at <= end,
            )
        )
    }
    flags = []
    for record, row in zip(rows.records(), rows.row, strict=True):
        key = (record["site_id"], record["kind"], record["read_at"])
        if key in stored and stored[key] != (record["power_mw"], record["energy_mwh"]):
            flags.append(
                Flag(
                    int(record["site_id"]),
                    int(record["kind"]),
                    "conflict",
                    record["read_at"],
                    f"minute already stored with power_mw {stored[key][0]}, energy_mwh "
                    f"{stored[key][1]}; the stored values stand (correct with a reason)",
                    int(row),
                    "read_at",
                )
            )
    return flags


def _save_flags(session: Session, batch_id: int | None, flags: list[Flag]) -> None:
    session.add_all(
        MeterFlag(
            batch_id=batch_id,
            site_id=f.site_id,
            kind=f.kind,
            flag=f.flag,
            read_at=f.read_at,
            until=f.until,
            row=f.row,
            field=f.field,
            detail=f.detail[:2000],
        )
        for f in flags
    )


def import_reports(
    session: Session, program_id: str, start: datetime, end: datetime, actor: str
) -> ImportResult | None:
    """The sites' metered DEMAND from the OpenADR reports stored for [start, end), as
    one-minute telemetry readings (mean of the samples in each minute), in one batch."""
    from surplus.control import vtn
    from surplus.control.telemetry import read_report

    samples: dict[int, list[tuple[datetime, float]]] = {}
    site_of: dict[str, int] = {}
    after, after_id = start - timedelta(hours=1), ""
    count = 0
    while True:
        reports = vtn.reports_since(session, program_id, after, after_id)
        if not reports:
            break
        unknown = sorted({r.client_id for r in reports} - set(site_of))
        site_of.update(vtn.sites_of_clients(session, unknown))
        for report in reports:
            site = site_of.get(report.client_id)
            if site is None:
                continue
            for sample in read_report(report.body, report.created_at).samples:
                if start <= sample.at < end:
                    samples.setdefault(site, []).append((sample.at, sample.power_mw))
                    count += 1
        after, after_id = reports[-1].created_at, reports[-1].id
    if not samples:
        return None
    rows = []
    for site, found in samples.items():
        frame = pd.DataFrame(found, columns=["at", "mw"]).set_index("at")
        frame.index = pd.DatetimeIndex(frame.index).tz_convert("UTC")
        minutes = frame["mw"].resample("1min").mean().dropna()
        rows += [
            {
                "site_id": site,
                "kind": int(ReadingKind.TELEMETRY),
                "read_at": t.to_pydatetime(),
                "power_mw": float(v),
                "energy_mwh": None,
            }
            for t, v in minutes.items()
        ]
    digest = hashlib.sha256(
        f"{program_id}|{start.isoformat()}|{end.isoformat()}|{count}".encode()
    ).hexdigest()
    batch = MeterBatch(
        source="openadr",
        name=f"OpenADR reports {start.isoformat()} to {end.isoformat()}",
        sha256=digest,
        content=None,
        rows=len(rows),
        inserted=0,
        flagged=0,
        version=0,
        reason=None,
        actor=actor,
        received_at=datetime.now(UTC),
    )
    session.add(batch)
    session.flush()
    inserted = 0
    for k in range(0, len(rows), 5000):
        inserted += insert_readings(session, rows[k : k + 5000])
    batch.inserted = inserted
    result = ImportResult(
        batch.id, "openadr", len(rows), inserted, len(rows) - inserted, 0, {}, sorted(samples)
    )
    audit.record(
        session, actor, "create", "meter_batch", batch.id, {**result.as_dict(), "samples": count}
    )
    return result


@dataclass(frozen=True)
class SiteMinutes:
    """A site's one-minute power over a period (NaN where none), and where it came from."""

    source: Literal["meter", "telemetry", "none"]
    version: int
    readings: int
    power_mw: np.ndarray


def site_minutes(session: Session, site_id: int, start: datetime, end: datetime) -> SiteMinutes:
    """Revenue-meter minutes when the site has any in the period, else telemetry (held up to
    15 minutes between samples); corrections applied, highest version winning."""
    grid = pd.date_range(start, end, freq="1min", inclusive="left", tz="UTC")
    sources: tuple[tuple[ReadingKind, Literal["meter", "telemetry"]], ...] = (
        (ReadingKind.METER, "meter"),
        (ReadingKind.TELEMETRY, "telemetry"),
    )
    for kind, source in sources:
        found = session.execute(
            select(Reading.read_at, Reading.power_mw, Reading.energy_mwh).where(
                Reading.site_id == site_id,
                Reading.kind == int(kind),
                Reading.read_at >= start,
                Reading.read_at < end,
            )
        ).all()
        if not found:
            continue
        values = pd.Series(
            [_power(p, e) for _, p, e in found],
            index=pd.DatetimeIndex([t for t, _, _ in found]).tz_convert("UTC"),
        )
        corrections = session.execute(
            select(
                MeterCorrection.read_at,
                MeterCorrection.power_mw,
                MeterCorrection.energy_mwh,
                MeterCorrection.version,
            )
            .where(
                MeterCorrection.site_id == site_id,
                MeterCorrection.kind == int(kind),
                MeterCorrection.read_at >= start,
                MeterCorrection.read_at < end,
            )
            .order_by(MeterCorrection.version)
        ).all()
        version = 0
        for at, p, e, v in corrections:
            values.loc[pd.Timestamp(at).tz_convert("UTC")] = _power(p, e)
            version = max(version, v)
        per_minute = values.groupby(values.index.floor("min")).mean().sort_index()
        if kind == ReadingKind.TELEMETRY:
            per_minute = per_minute.reindex(grid).ffill(limit=TELEMETRY_HOLD_MINUTES)
        return SiteMinutes(
            source, version, len(found), per_minute.reindex(grid).to_numpy(dtype=float)
        )
    return SiteMinutes("none", 0, 0, np.full(len(grid), np.nan))


def _power(power_mw: float | None, energy_mwh: float | None) -> float:
    if energy_mwh is not None:
        return energy_mwh * 60.0
    return power_mw if power_mw is not None else np.nan


def month_gap_flags(
    session: Session, site_id: int, kind: int, minutes: pd.DatetimeIndex, power: np.ndarray
) -> int:
    """Record the month's gaps (runs of minutes without a reading) as flags; returns how many."""
    present = minutes[np.isfinite(power)]
    found = gaps(site_id, kind, present, 60.0)
    session.query(MeterFlag).filter(
        MeterFlag.batch_id.is_(None),
        MeterFlag.site_id == site_id,
        MeterFlag.flag == "gap",
        MeterFlag.read_at >= minutes[0].to_pydatetime(),
        MeterFlag.read_at < minutes[-1].to_pydatetime(),
    ).delete(synchronize_session=False)
    _save_flags(session, None, found)
    return len(found)


def flags_in(session: Session, site_id: int, start: datetime, end: datetime) -> int:
    return int(
        session.scalar(
            select(func.count(MeterFlag.id)).where(
                MeterFlag.site_id == site_id, MeterFlag.read_at >= start, MeterFlag.read_at < end
            )
        )
        or 0
    )


def orders_in(session: Session, start: datetime, end: datetime) -> list[ControlOrder]:
    """Orders whose limit applied in [start, end)."""
    return list(
        session.scalars(
            select(ControlOrder)
            .where(ControlOrder.applies_at >= start, ControlOrder.applies_at < end)
            .order_by(ControlOrder.applies_at, ControlOrder.id)
        )
    )


def term_sheets_in(session: Session, start: datetime, end: datetime) -> dict[int, TermSheet]:
    """Each site's term sheet in force at some time in [start, end) (the latest found)."""
    from surplus.control.registry import active_term_sheets

    sheets: dict[int, TermSheet] = {}
    day = start
    while day < end:
        for sheet in active_term_sheets(session, day):
            sheets[sheet.registered_site_id()] = sheet
        day += timedelta(days=7)
    for sheet in active_term_sheets(session, end - timedelta(seconds=1)):
        sheets[sheet.registered_site_id()] = sheet
    return sheets
