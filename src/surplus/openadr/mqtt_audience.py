"""Which vens hear of a targeted program or event by MQTT, and which vens a client owns.

The rule is the REST read's (`surplus.openadr.access`): a client reads a targeted program
when BL granted it one of the program's targets, and an event when it may read both the
event's targets and its program's. Grants belong to the client (all its vens and their
resources), so every ven of a reading client gets the notification on its own topics.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, select, union
from sqlalchemy.orm import Session

from surplus.openadr import repository
from surplus.openadr.access import visible_by_targets
from surplus.store.openadr_tables import ResourceRow, TargetRow, VenRow


def clients_granted_any(session: Session, targets: Sequence[str]) -> list[str]:
    """Clients BL granted at least one of `targets` (through a ven or a resource)."""
    if not targets:
        return []
    parts = [
        select(row.client_id)
        .join(TargetRow, and_(TargetRow.object_type == kind, TargetRow.object_id == row.id))
        .where(TargetRow.target.in_(sorted(set(targets))))
        for kind, row in (("VEN", VenRow), ("RESOURCE", ResourceRow))
    ]
    return sorted(session.scalars(union(*parts)))


def readers(
    session: Session, object_targets: list[str] | None, program_targets: list[str] | None
) -> dict[str, frozenset[str]]:
    """Ven id → its owner's grants, for every ven whose owner may read a targeted object.

    Untargeted programs and events of untargeted programs are public: they have no
    per-ven readers (they go to the public topics), so the answer is empty.
    """
    needed = [targets for targets in (object_targets, program_targets) if targets]
    if not needed:
        return {}
    grants = repository.granted_targets(session, clients_granted_any(session, needed[0]))
    allowed = [
        client
        for client, granted in grants.items()
        if visible_by_targets(object_targets, granted, filtered=False)
        and visible_by_targets(program_targets, granted, filtered=False)
    ]
    if not allowed:
        return {}
    vens = session.execute(select(VenRow.id, VenRow.client_id).where(VenRow.client_id.in_(allowed)))
    return {ven_id: grants[client] for ven_id, client in vens.tuples()}


def vens_of(session: Session, client_id: str) -> list[str]:
    """Ids of the vens `client_id` owns, oldest first."""
    query = (
        select(VenRow.id)
        .where(VenRow.client_id == client_id)
        .order_by(VenRow.created_at, VenRow.id)
    )
    return list(session.scalars(query))


def vens_by_client(session: Session) -> dict[str, list[str]]:
    """Every client owning vens → their ids (to rebuild the broker's rules at start-up)."""
    owned: dict[str, list[str]] = {}
    query = select(VenRow.client_id, VenRow.id).order_by(VenRow.client_id, VenRow.id)
    for client_id, ven_id in session.execute(query).tuples():
        owned.setdefault(client_id, []).append(ven_id)
    return owned
