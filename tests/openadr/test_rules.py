"""The pure rules: scopes, targeting, topic names, durations and event ends, back-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import paho.mqtt.client as paho
import pytest
from hypothesis import given
from hypothesis import strategies as st

from surplus.openadr.access import (
    Caller,
    effective_targets,
    has_scope,
    hide_targets,
    visible_by_targets,
)
from surplus.openadr.callbacks import check_callback_url
from surplus.openadr.outbound import OutboundPolicy
from surplus.openadr.outbox import RetryPolicy
from surplus.openadr.problems import OpenADRProblem
from surplus.openadr.timing import FOREVER, event_end, has_ended, parse_duration
from surplus.openadr.topics import (
    audience_filter,
    bl_topics,
    public_topics,
    topic_set,
    ven_topics,
)

VEN_SCOPES = frozenset({"read_targets", "read_ven_objects", "write_reports"})
BL_SCOPES = frozenset({"read_all", "write_programs", "write_events"})
targets = st.frozensets(st.sampled_from(["a", "b", "c", "d"]))


def test_scopes_by_role() -> None:
    ven = Caller("v", False, VEN_SCOPES, "client:v")
    bl = Caller("b", True, BL_SCOPES, "client:b")
    assert has_scope(ven, "read_all")  # /notifiers is open to VENs
    assert not has_scope(ven, "read_bl")
    assert not has_scope(ven, "write_programs")
    assert has_scope(bl, "read_bl") and has_scope(bl, "read_ven_objects")
    assert not has_scope(bl, "write_reports")


@given(granted=targets, requested=st.none() | targets, obj=targets)
def test_a_ven_never_sees_a_target_it_was_not_granted(
    granted: frozenset[str], requested: frozenset[str] | None, obj: frozenset[str]
) -> None:
    effective = effective_targets(granted, requested)
    assert effective <= granted
    shown = hide_targets(sorted(obj), effective)
    assert set(shown or ()) <= granted
    if visible_by_targets(obj, effective, filtered=requested is not None) and obj:
        assert shown  # a visible targeted object shows at least one target


def test_untargeted_objects_are_public_unless_a_filter_is_asked() -> None:
    assert visible_by_targets(None, frozenset(), filtered=False)
    assert not visible_by_targets([], frozenset({"a"}), filtered=True)
    assert not visible_by_targets(["b"], frozenset({"a"}), filtered=False)


def test_topics_of_an_event_change_per_audience() -> None:
    obj = {"id": "e1", "programID": "p1", "targets": ["zone-A"]}
    assert bl_topics("EVENT", "CREATE", obj) == [
        "openadr3/bl/events/create",
        "openadr3/bl/programs/p1/events/create",
    ]
    assert ven_topics("EVENT", "DELETE", obj, "v7") == [
        "openadr3/vens/v7/events/delete",
        "openadr3/vens/v7/programs/p1/events/delete",
    ]
    assert public_topics("EVENT", "UPDATE", obj)[0] == "openadr3/public/events/update"
    with pytest.raises(ValueError):
        public_topics("REPORT", "CREATE", {"id": "r1"})


def test_a_single_objects_topics_carry_no_create() -> None:
    assert bl_topics("PROGRAM", "CREATE", {"id": "p1"}) == ["openadr3/bl/programs/create"]
    assert "openadr3/bl/programs/p1/update" in bl_topics("PROGRAM", "UPDATE", {"id": "p1"})
    assert ven_topics("VEN", "CREATE", {"id": "v1"}, "v1") == []
    assert ven_topics("VEN", "UPDATE", {"id": "v1"}, "v1") == ["openadr3/vens/v1/update"]
    assert ven_topics("RESOURCE", "CREATE", {"id": "r1"}, "v1") == [
        "openadr3/vens/v1/resources/create"
    ]
    assert topic_set("bl", "programs", "p1", with_create=False) == {
        "UPDATE": "openadr3/bl/programs/p1/update",
        "DELETE": "openadr3/bl/programs/p1/delete",
        "ALL": "openadr3/bl/programs/p1/+",
    }


@given(
    kind=st.sampled_from(["PROGRAM", "EVENT", "VEN", "RESOURCE", "REPORT", "SUBSCRIPTION"]),
    operation=st.sampled_from(["CREATE", "UPDATE", "DELETE"]),
)
def test_every_topic_lies_under_its_audiences_filter(kind: str, operation: str) -> None:
    obj = {"id": "o1", "programID": "p1", "venID": "v1"}
    assert all(_matches(audience_filter("bl"), t) for t in bl_topics(kind, operation, obj))
    if kind in ("PROGRAM", "EVENT"):
        public = public_topics(kind, operation, obj)
        assert public and all(_matches(audience_filter("public"), t) for t in public)
    if kind in ("PROGRAM", "EVENT", "VEN", "RESOURCE"):
        mine = ven_topics(kind, operation, obj, "v1")
        assert all(_matches(audience_filter("vens", "v1"), t) for t in mine)
        assert not any(_matches(audience_filter("vens", "v2"), t) for t in mine)


def _matches(pattern: str, name: str) -> bool:
    return paho.topic_matches_sub(pattern, name)


def test_durations() -> None:
    assert parse_duration("PT1H30M") == timedelta(hours=1, minutes=30)
    assert parse_duration("P1W") == timedelta(days=7)
    assert parse_duration("P1Y2M3DT4.5S") == timedelta(days=365 + 60 + 3, seconds=4.5)
    assert parse_duration("-PT15M") == -timedelta(minutes=15)
    assert parse_duration("P9999Y") == FOREVER


def test_event_end_from_intervals() -> None:
    event = {
        "intervalPeriod": {"start": "2026-01-01T00:00:00Z", "duration": "PT1H"},
        "intervals": [{"id": 0, "payloads": []}, {"id": 1, "payloads": []}],
    }
    assert event_end(event) == datetime(2026, 1, 1, 2, tzinfo=UTC)
    moved = {
        **event,
        "intervals": [
            {
                "id": 0,
                "payloads": [],
                "intervalPeriod": {"start": "2026-01-02T00:00:00Z", "duration": "PT30M"},
            }
        ],
    }
    assert event_end(moved) == datetime(2026, 1, 2, 0, 30, tzinfo=UTC)
    assert event_end({"intervals": [{"id": 0, "payloads": []}]}) is None
    assert not has_ended(
        {"intervalPeriod": {"start": "0001-01-01T00:00:00Z", "duration": "PT1H"}}, datetime.now(UTC)
    )
    assert has_ended(event, datetime(2026, 1, 1, 2, tzinfo=UTC))


@given(attempts=st.integers(min_value=1, max_value=40))
def test_back_off_doubles_until_the_cap(attempts: int) -> None:
    policy = RetryPolicy(base_delay_s=1.5, max_delay_s=300.0)
    delay = policy.delay_s(attempts)
    assert 1.5 <= delay <= 300.0
    assert policy.delay_s(attempts + 1) == min(300.0, 2 * delay)


def test_callback_urls_in_production_must_be_public_https() -> None:
    check_callback_url("https://ven.example.com/hook", production=True)
    check_callback_url("http://ven.example.com:9000/hook", production=False)
    # A local address only where the operator allowed its network; in development too
    # (this was allowed without a check before).
    loopback = OutboundPolicy.from_networks(["127.0.0.0/8"])
    check_callback_url("http://127.0.0.1:9000/hook", production=False, policy=loopback)
    for url, production in (
        ("http://ven.example.com/hook", True),
        ("https://10.0.0.5/hook", True),
        ("https://127.0.0.1/hook", True),
        ("http://127.0.0.1:9000/hook", False),
        ("ftp://ven.example.com/hook", False),
        ("https:///no-host", False),
        ("http://ven.example.com:99999/hook", False),
    ):
        with pytest.raises(OpenADRProblem) as refused:
            check_callback_url(url, production)
        assert refused.value.status == 400
