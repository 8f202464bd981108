"""MQTT topic names for notifications, one scheme for publishing and for the topics endpoints.

Topics follow the spec's examples (`programs/create`, `programs/+`) under one prefix so
the broker can be shared: `openadr3/<collection>[/<id>[/<sub-collection>]]/<operation>`.
Topics for one object carry no CREATE (it cannot be subscribed to before it exists).
"""

from __future__ import annotations

PREFIX = "openadr3"
OPERATIONS = ("CREATE", "UPDATE", "DELETE")


def topic_set(*parts: str, with_create: bool = True) -> dict[str, str]:
    """The notifierOperationsTopics object for the collection named by `parts`."""
    base = "/".join((PREFIX, *parts))
    topics = {op: f"{base}/{op.lower()}" for op in OPERATIONS if with_create or op != "CREATE"}
    topics["ALL"] = f"{base}/+"
    return topics


def topic(operation: str, *parts: str) -> str:
    """One concrete topic to publish to."""
    return "/".join((PREFIX, *parts, operation.lower()))


def topics_for_change(
    object_type: str, operation: str, obj: dict[str, object], ven_ids: list[str]
) -> list[str]:
    """Every topic a change to `obj` is published on.

    `ven_ids` are the VENs a targeted program or event is addressed to (their per-VEN
    topics); untargeted objects go only to the collection topics, which every VEN may read.
    """
    object_id = str(obj["id"])
    if object_type == "PROGRAM":
        topics = [topic(operation, "programs"), topic(operation, "programs", object_id)]
        topics += [topic(operation, "vens", ven, "programs") for ven in ven_ids]
    elif object_type == "EVENT":
        program_id = str(obj["programID"])
        topics = [topic(operation, "events"), topic(operation, "programs", program_id, "events")]
        topics += [topic(operation, "vens", ven, "events") for ven in ven_ids]
    elif object_type == "VEN":
        topics = [topic(operation, "vens"), topic(operation, "vens", object_id)]
    elif object_type == "RESOURCE":
        ven_id = str(obj["venID"])
        topics = [topic(operation, "resources"), topic(operation, "vens", ven_id, "resources")]
    elif object_type == "REPORT":
        topics = [topic(operation, "reports")]
    else:
        topics = [topic(operation, "subscriptions")]
    if operation == "CREATE":
        # A single object's topics have no CREATE: nobody could have subscribed to them.
        topics = [t for t in topics if not _is_single_object_topic(t, object_id)]
    return topics


def _is_single_object_topic(name: str, object_id: str) -> bool:
    parts = name.split("/")
    return len(parts) == 4 and parts[2] == object_id
