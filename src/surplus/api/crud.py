"""The steps every resource shares: find or 404, write with an audit entry, commit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from fastapi import HTTPException
from sqlalchemy.orm import Session

from surplus.store import audit
from surplus.store.base import Base

Row = TypeVar("Row", bound=Base)


def get_or_404(session: Session, model: type[Row], row_id: int, what: str) -> Row:
    row = session.get(model, row_id)
    if row is None:
        raise HTTPException(404, f"{what} {row_id} does not exist")
    return row


def must_exist(session: Session, model: type[Base], row_id: int, what: str) -> None:
    """A referenced row that is missing makes the request invalid (422), not the URL (404)."""
    if session.get(model, row_id) is None:
        raise HTTPException(422, f"{what} {row_id} does not exist")


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the audit payload stores them: dates and times as ISO strings."""
    return {
        key: value.isoformat() if isinstance(value, date | datetime) else value
        for key, value in values.items()
    }


def create(session: Session, row: Row, actor: str, object_type: str, values: dict[str, Any]) -> Row:
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", object_type, _id(row), jsonable(values))
    session.commit()
    return row


def update(
    session: Session, row: Row, actor: str, object_type: str, changes: dict[str, Any]
) -> Row:
    for key, value in changes.items():
        setattr(row, key, value)
    session.flush()
    audit.record(session, actor, "update", object_type, _id(row), jsonable(changes))
    session.commit()
    return row


def delete(session: Session, row: Row, actor: str, object_type: str) -> None:
    object_id = _id(row)
    session.delete(row)
    session.flush()
    audit.record(session, actor, "delete", object_type, object_id, {})
    session.commit()


def _id(row: Base) -> str:
    return str(getattr(row, "id"))  # noqa: B009 - Base declares no id; every served table has one
