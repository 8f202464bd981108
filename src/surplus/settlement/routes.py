"""Settlement under /api/v1/settlement (business-logic role; every upload audited):
meter file uploads, statements (JSON or PDF, every version), verdicts, and the month's
public summary. Mounted by `surplus.server` under /api/v1, behind the protections of the
rest of it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    HTTPException,
    Path,
    Query,
    Request,
    UploadFile,
)
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from surplus.api.deps import get_session
from surplus.api.ids import ROW_ID_MAX, ROW_ID_MIN
from surplus.api.storable import storable
from surplus.auth import Principal, require_role
from surplus.settlement.pdf import statement_pdf
from surplus.settlement.public import MonthSummary, month_summary
from surplus.settlement.records import import_meter
from surplus.settlement.statements import Statement
from surplus.store.settlement_tables import SettlementStatement, SettlementVerdict

router = APIRouter(prefix="/settlement", tags=["settlement"])
METER_FILES = "/meter-files"
"""Where meter files are posted, under the router's prefix: the one route whose bodies may
reach `settings.max_upload_bytes`."""
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
BusinessLogic = Annotated[Principal, Depends(require_role("bl"))]


class ImportOut(BaseModel):
    batch_id: int
    source: str
    rows: int
    inserted: int
    duplicates: int
    version: int
    flags: dict[str, int]
    sites: list[int]


class StatementVersion(BaseModel):
    id: int
    statement_id: str
    month: str
    operator: str
    version: int
    status: str
    reason: str | None
    total_pkr: str
    energy_mwh: float
    sha256: str
    issued_at: datetime


class VerdictOut(BaseModel):
    order_id: int
    site_id: int
    month: str
    reason: str
    baseline: str
    baseline_mw: float
    limit_mw: float
    ordered_mw: float
    delivered_mw: float
    shortfall_mw: float
    excess_mwh: float
    reach_s: float | None
    verdict: str
    breach_number: int
    escalation: str
    penalty_pkr: str


@router.post(METER_FILES, status_code=201, response_model=ImportOut)
async def upload_meter_file(
    request: Request,
    file: Annotated[UploadFile, File(description="Meter CSV (docs/settlement.md)")],
    session: Annotated[Session, Depends(get_session)],
    who: BusinessLogic,
    reason: Annotated[
        str | None, Form(max_length=2000, description="A correction's reason")
    ] = None,
) -> Any:
    """Store a meter file: kept whole, readings added (or, with `reason`, a correction as a
    new version), every flag recorded; a file with a bad cell is refused whole (422 naming
    row and field) and changes nothing."""
    limit = request.app.state.settings.max_upload_bytes
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise HTTPException(413, f"a meter file may hold at most {limit} bytes")
    name = file.filename or "upload.csv"
    for field, value in (("reason", reason), ("the file's name", name)):
        try:
            storable(value)
        except ValueError as error:  # PostgreSQL cannot store it: a 500 deep in the write
            raise HTTPException(422, f"{field} {error}") from None
    result = import_meter(session, content, name, who.actor, source="api", reason=reason)
    session.commit()
    return result.as_dict()


@router.get("/months/{month}/summary", response_model=MonthSummary)
def get_month_summary(
    month: Annotated[str, Path(pattern=MONTH)],
    session: Annotated[Session, Depends(get_session)],
    who: BusinessLogic,
) -> Any:
    """The settled month's public figures (422 if the month has not been settled)."""
    return month_summary(session, month)


@router.get("/statements", response_model=list[StatementVersion])
def list_statements(
    session: Annotated[Session, Depends(get_session)],
    who: BusinessLogic,
    month: Annotated[str | None, Query(pattern=MONTH)] = None,
) -> Any:
    """Every version of every statement (of `month`), newest month first."""
    query = select(SettlementStatement).order_by(
        SettlementStatement.month.desc(), SettlementStatement.operator, SettlementStatement.version
    )
    if month is not None:
        query = query.where(SettlementStatement.month == month)
    return [
        StatementVersion(
            id=row.id,
            statement_id=row.body["statement_id"],
            month=row.month,
            operator=row.operator,
            version=row.version,
            status=row.status,
            reason=row.reason,
            total_pkr=row.total_pkr,
            energy_mwh=row.energy_mwh,
            sha256=row.sha256,
            issued_at=row.issued_at,
        )
        for row in session.scalars(query)
    ]


@router.get("/statements/{row_id}", response_model=Statement)
def get_statement(
    row_id: Annotated[int, Path(ge=ROW_ID_MIN, le=ROW_ID_MAX)],
    session: Annotated[Session, Depends(get_session)],
    who: BusinessLogic,
    format: Annotated[str, Query(pattern="^(json|pdf)$")] = "json",
) -> Any:
    """One statement version, as JSON or (`format=pdf`) as its PDF."""
    row = session.get(SettlementStatement, row_id)
    if row is None:
        raise HTTPException(404, f"statement {row_id} does not exist")
    statement = Statement.model_validate(row.body)
    if format == "pdf":
        return Response(statement_pdf(statement), media_type="application/pdf")
    return statement


@router.get("/verdicts", response_model=list[VerdictOut])
def list_verdicts(
    month: Annotated[str, Query(pattern=MONTH)],
    session: Annotated[Session, Depends(get_session)],
    who: BusinessLogic,
) -> Any:
    """The month's compliance verdicts, one per order."""
    rows = session.scalars(
        select(SettlementVerdict)
        .where(SettlementVerdict.month == month)
        .order_by(SettlementVerdict.order_id)
    )
    return [VerdictOut.model_validate(row, from_attributes=True) for row in rows]
