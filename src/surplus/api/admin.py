"""Provisioning used by `surplus admin`: the same audited writes the API makes."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import Session

from surplus.api.crud import jsonable
from surplus.errors import SurplusError
from surplus.store import audit
from surplus.store.programme import Operator, Site


@dataclass(frozen=True)
class SiteSpec:
    operator_id: int
    name: str
    zone: str
    latitude_deg: float
    longitude_deg: float
    connection_mw: float
    ven_id: str | None = None


def _as_dict(row: Operator | Site) -> dict[str, Any]:
    return jsonable({column.key: getattr(row, column.key) for column in row.__table__.columns})


def add_operator(session: Session, name: str, email: str | None, actor: str) -> dict[str, Any]:
    if not name.strip():
        raise SurplusError("an operator needs a non-empty --name")
    row = Operator(name=name, contact_email=email)
    session.add(row)
    session.flush()
    audit.record(
        session, actor, "create", "operator", row.id, {"name": name, "contact_email": email}
    )
    return _as_dict(row)


def add_site(session: Session, spec: SiteSpec, actor: str) -> dict[str, Any]:
    if session.get(Operator, spec.operator_id) is None:
        raise SurplusError(f"operator {spec.operator_id} does not exist")
    row = Site(**asdict(spec))
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "site", row.id, asdict(spec))
    return _as_dict(row)
