"""Minute readings: bulk upload with an Idempotency-Key, and queries by site and time range
(minutes, or the hourly roll-up)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, FiniteFloat, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from surplus.api.deps import get_session
from surplus.api.ids import ROW_ID_MAX, ROW_ID_MIN, RowId
from surplus.api.pagination import Page, PageParams, fetch_page, page_params
from surplus.auth import Principal, current_client
from surplus.store import audit
from surplus.store.idempotency import IdempotentRequest
from surplus.store.ingest import insert_readings
from surplus.store.programme import Site
from surplus.store.readings import Reading, ReadingHourly, ReadingKind

router = APIRouter(tags=["readings"])
MAX_READINGS_PER_POST = 10_000
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
KindName = Literal["telemetry", "meter"]
KIND_CODES = {"telemetry": ReadingKind.TELEMETRY, "meter": ReadingKind.METER}
KIND_NAMES = {code: name for name, code in KIND_CODES.items()}


class ReadingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site_id: RowId
    kind: KindName
    read_at: AwareDatetime = Field(description="Start of the minute, with a time zone")
    power_mw: FiniteFloat | None = Field(default=None, ge=-100_000, le=100_000)
    energy_mwh: FiniteFloat | None = Field(default=None, ge=-10_000, le=10_000)

    @model_validator(mode="after")
    def _has_a_value(self) -> ReadingIn:
        if self.power_mw is None and self.energy_mwh is None:
            raise ValueError("a reading needs power_mw or energy_mwh")
        return self


class ReadingBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    readings: list[ReadingIn] = Field(min_length=1, max_length=MAX_READINGS_PER_POST)


class BatchResult(BaseModel):
    received: int
    inserted: int
    duplicates: int


class ReadingOut(BaseModel):
    site_id: int
    kind: KindName
    read_at: datetime
    power_mw: float | None
    energy_mwh: float | None


class HourlyOut(BaseModel):
    site_id: int
    kind: KindName
    hour_start: datetime
    samples: int
    power_mw_mean: float | None
    power_mw_min: float | None
    power_mw_max: float | None
    energy_mwh: float | None


def _not_visible(session: Session, who: Principal, site_ids: set[int]) -> list[int]:
    """The sites among `site_ids` the caller may not see: missing ones, and for a VEN
    the sites of others too (a VEN cannot tell the two apart)."""
    found = dict(
        session.execute(select(Site.id, Site.ven_id).where(Site.id.in_(site_ids))).tuples().all()
    )
    if who.role != "bl":
        found = {sid: ven for sid, ven in found.items() if ven is not None and ven == who.ven_id}
    return sorted(site_ids - set(found))


def _check_sites(session: Session, who: Principal, site_ids: set[int]) -> None:
    """Every site must exist; a VEN may only write its own sites, and is told the same
    whether a site is someone else's or does not exist."""
    hidden = _not_visible(session, who, site_ids)
    if hidden and who.role == "bl":
        raise HTTPException(422, f"unknown site ids: {hidden[:20]}")
    if hidden:
        raise HTTPException(403, f"sites {hidden[:20]} are not sites of this VEN")


def _check_times(batch: ReadingBatch) -> None:
    latest = datetime.now(UTC) + timedelta(days=1)
    for index, reading in enumerate(batch.readings):
        if not EARLIEST <= reading.read_at <= latest:
            raise HTTPException(
                422, f"readings[{index}].read_at {reading.read_at.isoformat()} is out of range"
            )


def _replay(session: Session, who: Principal, key: str, digest: str) -> IdempotentRequest | None:
    earlier = session.get(IdempotentRequest, (who.client_id, key))
    if earlier is not None and earlier.request_sha256 != digest:
        raise HTTPException(409, "this Idempotency-Key was used with a different request body")
    return earlier


@router.post("/readings", status_code=201, response_model=BatchResult)
def post_readings(
    response: Response,
    batch: ReadingBatch,
    session: Annotated[Session, Depends(get_session)],
    who: Annotated[Principal, Depends(current_client)],
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> Any:
    """Store a batch of minute readings. Re-sending a reading already stored is not an
    error (it counts as a duplicate); re-sending the same request with the same
    Idempotency-Key replays the first answer; the same key with other readings is 409."""
    # A digest of the parsed batch, so whitespace or key order do not make a new request.
    digest = hashlib.sha256(batch.model_dump_json().encode()).hexdigest()
    return _store_batch(session, who, batch, idempotency_key, digest, response)


def _store_batch(
    session: Session,
    who: Principal,
    batch: ReadingBatch,
    key: str | None,
    digest: str,
    response: Response,
) -> Any:
    if key is not None and (earlier := _replay(session, who, key, digest)) is not None:
        response.status_code = earlier.status_code
        response.headers["Idempotent-Replayed"] = "true"
        return earlier.response
    _check_times(batch)
    _check_sites(session, who, {reading.site_id for reading in batch.readings})
    rows = [
        {**reading.model_dump(), "kind": int(KIND_CODES[reading.kind])}
        for reading in batch.readings
    ]
    inserted = insert_readings(session, rows)
    result = BatchResult(received=len(rows), inserted=inserted, duplicates=len(rows) - inserted)
    times = [reading.read_at for reading in batch.readings]
    payload = {
        **result.model_dump(),
        "sites": sorted({row["site_id"] for row in rows})[:100],
        "first_read_at": min(times).isoformat(),
        "last_read_at": max(times).isoformat(),
        "request_sha256": digest,
        "idempotency_key": key,
    }
    audit.record(session, who.actor, "create", "readings", "batch", payload)
    if key is not None:
        session.add(IdempotentRequest(
            client_id=who.client_id, key=key, request_sha256=digest, status_code=201,
            response=result.model_dump(),
        ))  # fmt: skip
    session.commit()
    return result


class RangeQuery(BaseModel):
    start: AwareDatetime = Field(description="Inclusive, with a time zone")
    end: AwareDatetime = Field(description="Exclusive, with a time zone")
    kind: KindName | None = None
    resolution: Literal["minute", "hour"] = "minute"

    @model_validator(mode="after")
    def _ordered(self) -> RangeQuery:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


@router.get("/sites/{site_id}/readings", response_model=Page[ReadingOut] | Page[HourlyOut])
def get_readings(
    site_id: Annotated[int, Path(ge=ROW_ID_MIN, le=ROW_ID_MAX)],
    query: Annotated[RangeQuery, Query()],
    page: Annotated[PageParams, Depends(page_params)],
    session: Annotated[Session, Depends(get_session)],
    who: Annotated[Principal, Depends(current_client)],
) -> Any:
    """Readings of one site in [start, end), oldest first; `resolution=hour` reads the roll-up.
    A site that does not exist and, for a VEN, another VEN's site are the same 404."""
    if _not_visible(session, who, {site_id}):
        raise HTTPException(404, f"no site {site_id} is visible to you")
    table = Reading if query.resolution == "minute" else ReadingHourly
    time_column = Reading.read_at if table is Reading else ReadingHourly.hour_start
    statement = (
        select(table)
        .where(table.site_id == site_id, time_column >= query.start, time_column < query.end)
        .order_by(time_column, table.kind)
    )
    if query.kind is not None:
        statement = statement.where(table.kind == int(KIND_CODES[query.kind]))
    rows, total = fetch_page(session, statement, page)
    out = ReadingOut if table is Reading else HourlyOut
    items = [
        out.model_validate(
            {**{c: getattr(row, c) for c in out.model_fields}, "kind": KIND_NAMES[row.kind]}
        )
        for row in rows
    ]
    return {"items": items, "total": total, "limit": page.limit, "offset": page.offset}
