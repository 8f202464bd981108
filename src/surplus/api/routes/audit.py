"""The audit log, read-only: list entries with filters, and verify the hash chain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from surplus.api.deps import get_session
from surplus.api.pagination import Page, PageParams, fetch_page, page_params
from surplus.api.storable import StorableFields
from surplus.auth import Principal, require_role
from surplus.store.audit import AuditEntry, verify

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class ChainCheckOut(BaseModel):
    ok: bool
    entries: int
    head_hash: str
    first_bad_id: int | None
    reason: str


class AuditFilters(StorableFields):
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None


@router.get("", response_model=Page[AuditEntryOut], summary="List audit entries, oldest first")
def list_entries(
    filters: Annotated[AuditFilters, Query()],
    page: Annotated[PageParams, Depends(page_params)],
    session: Annotated[Session, Depends(get_session)],
    who: Annotated[Principal, Depends(require_role("bl"))],
) -> Page[AuditEntryOut]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    for name, value in filters.model_dump(exclude_none=True).items():
        query = query.where(getattr(AuditEntry, name) == value)
    rows, total = fetch_page(session, query, page)
    items = [AuditEntryOut.model_validate(row) for row in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/verify", response_model=ChainCheckOut, summary="Check the hash chain end to end")
def verify_chain(
    session: Annotated[Session, Depends(get_session)],
    who: Annotated[Principal, Depends(require_role("bl"))],
) -> ChainCheckOut:
    check = verify(session)
    return ChainCheckOut(
        ok=check.ok,
        entries=check.entries,
        head_hash=check.head_hash,
        first_bad_id=check.first_bad_id,
        reason=check.reason,
    )
