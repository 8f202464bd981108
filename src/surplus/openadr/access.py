"""Who may do what: OpenADR scopes per operation and the targeting rules of object privacy.

Pure functions over plain values. Business logic (BL) reads every object; a VEN reads
the vens, resources, reports and subscriptions carrying its own clientID, and the
programs and events whose targets meet the targets BL granted it (Definition, "Object
Privacy"). Untargeted programs and events are public to every authenticated client.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

READ_ALL = "read_all"
READ_BL = "read_bl"
READ_TARGETS = "read_targets"
READ_VEN_OBJECTS = "read_ven_objects"
READ_SCOPES = frozenset({READ_ALL, READ_BL, READ_TARGETS, READ_VEN_OBJECTS})


@dataclass(frozen=True)
class Caller:
    """The authenticated client as the VTN sees it."""

    client_id: str
    is_bl: bool
    scopes: frozenset[str]
    actor: str


def has_scope(caller: Caller, required: str) -> bool:
    """Whether `caller` may use an operation the spec guards with `required`.

    Write scopes must be held exactly. `read_all` (BL's blanket read) satisfies every read
    scope; an operation guarded by `read_all` itself is open to any reader, VENs included,
    since what a VEN then sees is filtered by object privacy. `read_bl` needs BL's reads.
    """
    if required in caller.scopes:
        return True
    if required == READ_ALL:
        return bool(caller.scopes & READ_SCOPES)
    if required in READ_SCOPES:
        return READ_ALL in caller.scopes
    return False


def effective_targets(granted: frozenset[str], requested: Iterable[str] | None) -> frozenset[str]:
    """The targets a VEN read may match: those BL granted, narrowed by any it asked for."""
    if requested is None:
        return granted
    return granted & frozenset(requested)


def visible_by_targets(
    object_targets: Iterable[str] | None, effective: frozenset[str], filtered: bool
) -> bool:
    """Whether a program or event is readable given a VEN's effective targets.

    With a `targets=` filter in the request (`filtered`), only objects carrying one of them
    match; without one, untargeted objects match too.
    """
    targets = frozenset(object_targets or ())
    if not targets:
        return not filtered
    return bool(targets & effective)


def hide_targets(object_targets: list[str] | None, effective: frozenset[str]) -> list[str] | None:
    """Target hiding: show a VEN only the targets it was granted and asked about."""
    if not object_targets:
        return object_targets
    return [target for target in object_targets if target in effective]


def event_visible(
    event_targets: Iterable[str] | None,
    program_targets: Iterable[str] | None,
    granted: frozenset[str],
) -> bool:
    """Whether a VEN may read an event: both the event and its program must be visible."""
    return visible_by_targets(event_targets, granted, filtered=False) and visible_by_targets(
        program_targets, granted, filtered=False
    )
