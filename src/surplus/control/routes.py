"""The control room's endpoints under /api/v1/control: grid state and frequency pushed in
(authenticated, business-logic role, every push audited), orders and non-compliance read
out. A frequency reading below the threshold sheds miners within its own request.

Mounted by `surplus.server` under /api/v1, behind the same protections as the rest of it:
tokens of known, unrevoked clients only, the request size limit, problem details, the
security headers, and bodies whose every string and number a database can store (no NUL,
finite numbers: `surplus.api.storable`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, FiniteFloat
from sqlalchemy import select
from sqlalchemy.orm import Session

from surplus.api.deps import get_session
from surplus.api.pagination import Page, PageParams, fetch_page, page_params
from surplus.api.storable import StorableFields
from surplus.auth import Principal, require_role
from surplus.control import registry, shed, vtn
from surplus.control.frequency import FrequencyRule
from surplus.control.grid import FrequencyReading
from surplus.control.push import store_push
from surplus.store import audit
from surplus.store.control_tables import ControlNonCompliance, ControlOrder

router = APIRouter(prefix="/control", tags=["control"])
FUTURE_SLACK = timedelta(seconds=60)
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]


class ZonePush(StorableFields):
    model_config = ConfigDict(extra="forbid")

    zone: Name
    spare_mw: FiniteFloat = Field(
        ge=-1_000_000,
        le=1_000_000,
        description="Room for flexible load now, MW; negative: short even with it all off.",
    )
    price_pkr_per_mwh: FiniteFloat | None = Field(default=None, ge=-1e7, le=1e7)
    observed_at: AwareDatetime


class GridStatePush(StorableFields):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(default="control-room", min_length=1, max_length=200)
    zones: list[ZonePush] = Field(min_length=1, max_length=1000)


class FrequencyPush(StorableFields):
    model_config = ConfigDict(extra="forbid")

    hz: FiniteFloat = Field(ge=40, le=60)
    observed_at: AwareDatetime
    source: str = Field(default="control-room", min_length=1, max_length=200)


class PushResult(BaseModel):
    received: int
    stored: int


class FrequencyResult(BaseModel):
    action: Literal["trip", "restore"] | None
    tripped: bool
    sites_shed: int


class OrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    event_id: str
    zone: str
    reason: str
    status: str
    limit_mw: float
    applies_at: datetime
    ends_at: datetime
    acked_at: datetime | None
    reached_at: datetime | None
    compliance: str


class NonComplianceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    order_id: int
    site_id: int
    event_id: str
    kind: str
    limit_mw: float
    measured_mw: float | None
    deadline: datetime
    detected_at: datetime
    resolved_at: datetime | None


def _not_ahead(moment: datetime, now: datetime, field: str) -> None:
    if moment > now + FUTURE_SLACK:
        raise HTTPException(422, f"{field} {moment.isoformat()} is in the future")


@router.post("/grid-state", response_model=PushResult, status_code=201)
def push_grid_state(
    body: GridStatePush,
    session: Annotated[Session, Depends(get_session)],
    who: Annotated[Principal, Depends(require_role("bl"))],
) -> PushResult:
    """Each zone's spare capacity (and price) now. Older observations than the stored
    one are ignored; every push is audited whole."""
    now = datetime.now(UTC)
    names = [zone.zone for zone in body.zones]
    if len(set(names)) != len(names):
        raise HTTPException(422, "a zone appears twice in one push")
    for zone in body.zones:
        _not_ahead(zone.observed_at, now, f"zones[{zone.zone}].observed_at")
    rows = [(z.zone, z.spare_mw, z.price_pkr_per_mwh, z.observed_at) for z in body.zones]
    stored = store_push(session, rows, body.source, now)
    audit.record(
        session,
        who.actor,
        "control.grid_state",
        "grid_state",
        body.source,
        body.model_dump(mode="json"),
    )
    session.commit()
    return PushResult(received=len(rows), stored=stored)


@router.post("/frequency", response_model=FrequencyResult, status_code=201)
def push_frequency(
    request: Request,
    body: FrequencyPush,
    session: Annotated[Session, Depends(get_session)],
    who: Annotated[Principal, Depends(require_role("bl"))],
) -> FrequencyResult:
    """A system frequency reading. Below the trip threshold every enrolled miner is shed
    in this request (one OpenADR event to all of them), whether or not the controller
    is running."""
    now = datetime.now(UTC).replace(microsecond=0)
    _not_ahead(body.observed_at, now, "observed_at")
    settings = request.app.state.settings
    rule = FrequencyRule(
        settings.frequency_trip_hz, settings.frequency_restore_hz, settings.frequency_restore_hold_s
    )
    sheets = registry.active_term_sheets(session, now)
    program_id = vtn.program_id(session, settings.control_program)
    if program_id is None:
        zones = sorted({s.zone for s in sheets})
        mqtt = bool(settings.mqtt_url)
        program_id = vtn.ensure_program(session, settings.control_program, zones, now, mqtt)
    reading = FrequencyReading(body.hz, body.observed_at, body.source)
    action, count = shed.on_reading(
        session, reading, rule, sheets, program_id, now, bool(settings.mqtt_url), who.actor
    )
    session.commit()
    worker = getattr(request.app.state, "openadr_worker", None)
    if count and worker is not None:
        worker.wake()
    return FrequencyResult(
        action=action, tripped=shed.load_state(session).tripped, sites_shed=count
    )


@router.get("/orders", response_model=Page[OrderOut])
def list_orders(
    page: Annotated[PageParams, Depends(page_params)],
    session: Annotated[Session, Depends(get_session)],
    who: Annotated[Principal, Depends(require_role("bl"))],
    status: Annotated[str | None, Query(max_length=16, pattern=r"^[a-z_]+$")] = None,
    site_id: Annotated[int | None, Query(ge=1)] = None,
) -> Any:
    query = select(ControlOrder).order_by(ControlOrder.id)
    if status is not None:
        query = query.where(ControlOrder.status == status)
    if site_id is not None:
        query = query.where(ControlOrder.site_id == site_id)
    rows, total = fetch_page(session, query, page)
    items = [OrderOut.model_validate(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/noncompliance", response_model=Page[NonComplianceOut])
def list_noncompliance(
    page: Annotated[PageParams, Depends(page_params)],
    session: Annotated[Session, Depends(get_session)],
    who: Annotated[Principal, Depends(require_role("bl"))],
    site_id: Annotated[int | None, Query(ge=1)] = None,
) -> Any:
    query = select(ControlNonCompliance).order_by(ControlNonCompliance.id)
    if site_id is not None:
        query = query.where(ControlNonCompliance.site_id == site_id)
    rows, total = fetch_page(session, query, page)
    items = [NonComplianceOut.model_validate(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
