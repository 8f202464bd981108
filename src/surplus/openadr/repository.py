"""Reading and writing OpenADR object rows: representations, targets, grants and searches.

Knows the tables and SQL, nothing of HTTP. A representation is the spec's JSON object:
the object metadata (id, createdDateTime, modificationDateTime, objectType) followed by
the stored client fields.

Derived columns stay in step with `body` here: an event's `ends_at` is set whenever its
row is flushed, and a subscription's object types are replaced with its body.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    delete,
    event,
    exists,
    insert,
    not_,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Mapper, Session

from surplus.openadr.timing import end_instant
from surplus.store.openadr_tables import (
    EventRow,
    ProgramRow,
    ReportRow,
    ResourceRow,
    SubscriptionObjectRow,
    SubscriptionRow,
    TargetRow,
    VenRow,
)

ROWS: dict[str, type[Any]] = {
    "PROGRAM": ProgramRow,
    "EVENT": EventRow,
    "REPORT": ReportRow,
    "SUBSCRIPTION": SubscriptionRow,
    "VEN": VenRow,
    "RESOURCE": ResourceRow,
}
TARGETED = ("PROGRAM", "EVENT", "VEN", "RESOURCE")


def new_id() -> str:
    return str(uuid.uuid4())


def rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def represent(object_type: str, row: Any) -> dict[str, Any]:
    return representation(object_type, row.id, row.created_at, row.modified_at, row.body)


def representation(
    object_type: str, object_id: str, created: datetime, modified: datetime, body: dict[str, Any]
) -> dict[str, Any]:
    """The spec's form of a stored object: its fields plus id, type and timestamps."""
    return {
        "id": object_id,
        "createdDateTime": rfc3339(created),
        "modificationDateTime": rfc3339(modified),
        "objectType": object_type,
        **body,
    }


def get(session: Session, object_type: str, object_id: str) -> Any:
    """The row, or None."""
    return session.get(ROWS[object_type], object_id)


def set_targets(session: Session, object_type: str, object_id: str, targets: Iterable[str]) -> None:
    """Replace the indexed copy of an object's targets."""
    session.execute(
        delete(TargetRow).where(
            TargetRow.object_type == object_type, TargetRow.object_id == object_id
        )
    )
    rows = [
        {"object_type": object_type, "object_id": object_id, "target": target}
        for target in sorted(set(targets))
    ]
    if rows:
        session.execute(insert(TargetRow), rows)


def remove(session: Session, object_type: str, row: Any) -> None:
    set_targets(session, object_type, row.id, ())
    if object_type == "SUBSCRIPTION":
        set_subscription_objects(session, row.id, {})
    session.delete(row)


@event.listens_for(EventRow, "before_insert")
@event.listens_for(EventRow, "before_update")
def _keep_event_end(_mapper: Mapper[Any], _connection: Any, row: EventRow) -> None:
    """Every flush of an event re-derives `ends_at` from its body, whoever wrote it."""
    row.ends_at = end_instant(row.body or {})


def event_active(now: datetime) -> ColumnElement[bool]:
    """SQL twin of `not timing.has_ended(event, now)`: open-ended or ending after `now`."""
    return or_(EventRow.ends_at.is_(None), EventRow.ends_at > now)


def set_subscription_objects(session: Session, subscription_id: str, body: dict[str, Any]) -> None:
    """Replace the indexed copy of the object types a subscription's operations name."""
    session.execute(
        delete(SubscriptionObjectRow).where(
            SubscriptionObjectRow.subscription_id == subscription_id
        )
    )
    names = {
        name
        for operation in body.get("objectOperations") or []
        for name in operation.get("objects") or []
    }
    rows = [{"subscription_id": subscription_id, "object_type": name} for name in sorted(names)]
    if rows:
        session.execute(insert(SubscriptionObjectRow), rows)


def subscribes_to_any(object_types: Iterable[str]) -> ColumnElement[bool]:
    """SQL twin of "some objectOperation names one of `object_types`"."""
    return exists().where(
        SubscriptionObjectRow.subscription_id == SubscriptionRow.id,
        SubscriptionObjectRow.object_type.in_(sorted(set(object_types))),
    )


def granted_targets(session: Session, client_ids: Sequence[str]) -> dict[str, frozenset[str]]:
    """Targets BL granted each client through its ven objects and their resources.

    A client with no ven object is granted nothing (it still reads untargeted objects).
    """
    grants: dict[str, set[str]] = {client_id: set() for client_id in client_ids}
    if not client_ids:
        return {}
    for client_id, target in session.execute(_GRANTS, {"clients": list(client_ids)}):
        grants[client_id].add(target)
    return {client_id: frozenset(targets) for client_id, targets in grants.items()}


# Built once: every request of a VEN runs it, and building a statement costs more than
# running it. One round trip for both the ven's and its resources' targets.
_GRANTS = union_all(
    *(
        select(row.client_id, TargetRow.target)
        .join(TargetRow, and_(TargetRow.object_type == kind, TargetRow.object_id == row.id))
        .where(row.client_id.in_(bindparam("clients", expanding=True)))
        for kind, row in (("VEN", VenRow), ("RESOURCE", ResourceRow))
    )
)


def has_target_in(object_type: str, id_column: Any, targets: Iterable[str]) -> ColumnElement[bool]:
    return exists().where(
        TargetRow.object_type == object_type,
        TargetRow.object_id == id_column,
        TargetRow.target.in_(sorted(set(targets))),
    )


def untargeted(object_type: str, id_column: Any) -> ColumnElement[bool]:
    return not_(
        exists().where(TargetRow.object_type == object_type, TargetRow.object_id == id_column)
    )


def target_clause(
    object_type: str, id_column: Any, targets: frozenset[str], filtered: bool
) -> ColumnElement[bool]:
    """SQL twin of `access.visible_by_targets`."""
    matching = has_target_in(object_type, id_column, targets)
    return matching if filtered else or_(untargeted(object_type, id_column), matching)


@dataclass(frozen=True)
class Page:
    skip: int
    limit: int


def fetch(
    session: Session, object_type: str, conditions: list[Any], page: Page | None
) -> list[Any]:
    row = ROWS[object_type]
    query = select(row).where(*conditions).order_by(row.created_at, row.id)
    if page is not None:
        query = query.offset(page.skip).limit(page.limit)
    return list(session.scalars(query))
