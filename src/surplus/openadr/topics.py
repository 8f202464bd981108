"""MQTT topic names for notifications, one scheme for publishing, for the topics endpoints
and for the broker's access rules.

Topics follow the spec's examples (`programs/create`, `programs/+`) under one prefix and
one audience, so the broker can tell readers apart by topic alone:

* `openadr3/bl/<collection>[/<id>[/<sub>]]/<op>`: every object in full; business logic only.
* `openadr3/public/programs[/<id>[/events]]/<op>`, `openadr3/public/events/<op>`: untargeted
  programs and the untargeted events of untargeted programs; any logged-in client.
* `openadr3/vens/<venID>[/<sub>[/<id>[/events]]]/<op>`: what the ven's owner may read, with
  targets hidden as a REST read hides them; that owner (and business logic) only.

Topics for one object carry no CREATE (it cannot be subscribed to before it exists).
"""

from __future__ import annotations

from typing import Any

PREFIX = "openadr3"
OPERATIONS = ("CREATE", "UPDATE", "DELETE")
BL = "bl"
PUBLIC = "public"
VENS = "vens"


def topic_set(*parts: str, with_create: bool = True) -> dict[str, str]:
    """The notifierOperationsTopics object for the collection named by `parts`.

    >>> topic_set("bl", "programs")["ALL"]
    'openadr3/bl/programs/+'
    """
    base = "/".join((PREFIX, *parts))
    topics = {op: f"{base}/{op.lower()}" for op in OPERATIONS if with_create or op != "CREATE"}
    topics["ALL"] = f"{base}/+"
    return topics


def topic(operation: str, *parts: str) -> str:
    """One concrete topic to publish to.

    >>> topic("UPDATE", "vens", "v1", "events")
    'openadr3/vens/v1/events/update'
    """
    return "/".join((PREFIX, *parts, operation.lower()))


def audience_filter(*parts: str) -> str:
    """The MQTT filter covering every topic of one audience (for the broker's rules).

    >>> audience_filter("vens", "v1")
    'openadr3/vens/v1/#'
    """
    return "/".join((PREFIX, *parts, "#"))


def _collections(object_type: str, obj: dict[str, Any]) -> list[tuple[str, ...]]:
    """The collections (as topic parts below the audience) a change of `obj` belongs to."""
    object_id = str(obj["id"])
    if object_type == "PROGRAM":
        return [("programs",), ("programs", object_id)]
    if object_type == "EVENT":
        return [("events",), ("programs", str(obj["programID"]), "events")]
    return [(object_type.lower() + "s",)]


def _concrete(operation: str, object_id: str, collections: list[tuple[str, ...]]) -> list[str]:
    """Topics to publish on; for a CREATE, none of a single object (nobody is listening)."""
    if operation == "CREATE":
        collections = [parts for parts in collections if parts[-1] != object_id]
    return [topic(operation, *parts) for parts in collections]


def bl_topics(object_type: str, operation: str, obj: dict[str, Any]) -> list[str]:
    """Where business logic hears of a change (the object in full)."""
    collections = [(BL, *parts) for parts in _collections(object_type, obj)]
    return _concrete(operation, str(obj["id"]), collections)


def public_topics(object_type: str, operation: str, obj: dict[str, Any]) -> list[str]:
    """Where every client hears of an untargeted program or event (the caller decides that
    the object is public)."""
    if object_type not in ("PROGRAM", "EVENT"):
        raise ValueError(f"{object_type} objects are never public")
    collections = [(PUBLIC, *parts) for parts in _collections(object_type, obj)]
    return _concrete(operation, str(obj["id"]), collections)


def ven_topics(object_type: str, operation: str, obj: dict[str, Any], ven_id: str) -> list[str]:
    """Where the owner of ven `ven_id` hears of a change it may read.

    A ven's own changes go to `vens/<id>`, its resources to `vens/<id>/resources`;
    programs and events to `vens/<id>/programs[/<id>]` and `vens/<id>/[programs/<id>/]events`.
    """
    if object_type == "VEN":
        collections: list[tuple[str, ...]] = [(VENS, ven_id)]
    elif object_type == "RESOURCE":
        collections = [(VENS, ven_id, "resources")]
    elif object_type in ("PROGRAM", "EVENT"):
        collections = [(VENS, ven_id, *parts) for parts in _collections(object_type, obj)]
    else:
        raise ValueError(f"{object_type} objects have no per-ven topics")
    return _concrete(operation, str(obj["id"]), collections)
