"""Which MQTT topics each change is published on, and what each audience sees: checked
against the REST reads of the same objects (the rule both must follow), without a broker."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from surplus.store.base import make_sessionmaker
from surplus.store.openadr_tables import OutboxRow
from tests.openadr.conftest import Party, Vtn
from tests.openadr.helpers import event, get, grant, post, program, report

BROKER = "mqtt://vtn-account:pa%24%24word@127.0.0.1:1883"


@pytest.fixture
def vtn(any_vtn: Vtn) -> Vtn:
    """Each test on SQLite and (when configured) PostgreSQL: the audience is SQL."""
    return any_vtn


def _with_broker(vtn: Vtn, url: str = BROKER) -> None:
    vtn.client.app.state.settings = vtn.settings.model_copy(update={"mqtt_url": url})


def _published(vtn: Vtn, object_id: str) -> dict[str, dict[str, Any]]:
    """Topic → notification, for every MQTT message about `object_id`."""
    with make_sessionmaker(vtn.engine)() as session:
        rows = session.scalars(
            select(OutboxRow).where(
                OutboxRow.channel == "MQTT", OutboxRow.payload.contains(object_id)
            )
        ).all()
        found = {row.destination: json.loads(row.payload) for row in rows}
    assert len(found) == len(rows), "one message per topic"
    return found


def _ven_topics(published: dict[str, Any], ven_id: str) -> dict[str, Any]:
    return {t: n for t, n in published.items() if t.startswith(f"openadr3/vens/{ven_id}/")}


def _read_as(vtn: Vtn, party: Party, path: str) -> dict[str, Any] | None:
    response = vtn.client.get(vtn.url(path), headers=party.headers)
    assert response.status_code in (200, 404), response.text
    return response.json() if response.status_code == 200 else None


def test_a_targeted_event_reaches_bl_in_full_and_only_the_granted_ven_hidden(vtn: Vtn) -> None:
    _with_broker(vtn)
    mine = grant(vtn, vtn.ven1, "site-1", ["zone-A"])
    theirs = grant(vtn, vtn.ven2, "site-2", ["zone-B"])
    prog = program(vtn, "p")
    evt = event(vtn, prog["id"], ["zone-A", "zone-secret"])
    published = _published(vtn, evt["id"])
    pid, vid = prog["id"], mine["id"]
    assert set(published) == {
        "openadr3/bl/events/create",
        f"openadr3/bl/programs/{pid}/events/create",
        f"openadr3/vens/{vid}/events/create",
        f"openadr3/vens/{vid}/programs/{pid}/events/create",
    }
    assert published["openadr3/bl/events/create"]["object"] == evt
    seen = published[f"openadr3/vens/{vid}/events/create"]["object"]
    assert seen["targets"] == ["zone-A"]
    assert seen == _read_as(vtn, vtn.ven1, f"/events/{evt['id']}")  # what a read shows
    assert not _ven_topics(published, theirs["id"])
    assert _read_as(vtn, vtn.ven2, f"/events/{evt['id']}") is None


def test_untargeted_programs_and_events_go_to_the_public_topics_only(vtn: Vtn) -> None:
    _with_broker(vtn)
    grant(vtn, vtn.ven1, "site-1", ["zone-A"])
    prog = program(vtn, "open")
    assert set(_published(vtn, prog["id"])) == {
        "openadr3/bl/programs/create",
        "openadr3/public/programs/create",
    }
    evt = event(vtn, prog["id"])
    published = _published(vtn, evt["id"])
    assert set(published) == {
        "openadr3/bl/events/create",
        f"openadr3/bl/programs/{prog['id']}/events/create",
        "openadr3/public/events/create",
        f"openadr3/public/programs/{prog['id']}/events/create",
    }
    assert published["openadr3/public/events/create"]["object"] == evt


def test_an_event_needs_its_programs_targets_too(vtn: Vtn) -> None:
    """As in a REST read: an event of a targeted program reaches only VENs granted one
    of the program's targets, and one of the event's own if it has any."""
    _with_broker(vtn)
    only_a = grant(vtn, vtn.ven1, "site-1", ["zone-A"])
    a_and_b = grant(vtn, vtn.ven2, "site-2", ["zone-A", "zone-B"])
    prog = program(vtn, "zone-B programme", ["zone-B"])
    for targets in (None, ["zone-A"]):
        evt = event(vtn, prog["id"], targets)
        published = _published(vtn, evt["id"])
        assert not any(t.startswith("openadr3/public/") for t in published)
        assert not _ven_topics(published, only_a["id"])
        assert _read_as(vtn, vtn.ven1, f"/events/{evt['id']}") is None
        theirs = _ven_topics(published, a_and_b["id"])
        assert len(theirs) == 2
        for notification in theirs.values():
            assert notification["object"] == _read_as(vtn, vtn.ven2, f"/events/{evt['id']}")


def test_ven_private_objects_reach_bl_and_their_owner_only(vtn: Vtn) -> None:
    _with_broker(vtn)
    mine = grant(vtn, vtn.ven1, "site-1", ["zone-A"])
    assert set(_published(vtn, mine["id"])) == {"openadr3/bl/vens/create"}  # no CREATE per ven
    body = {"objectType": "VEN_RESOURCE_REQUEST", "resourceName": "hall", "venID": mine["id"]}
    resource = post(vtn, vtn.ven1, "/resources", body)
    assert set(_published(vtn, resource["id"])) == {
        "openadr3/bl/resources/create",
        f"openadr3/vens/{mine['id']}/resources/create",
    }
    evt = event(vtn, program(vtn, "p")["id"], ["zone-A"])
    sent = report(vtn, vtn.ven1, evt["id"])
    assert set(_published(vtn, sent["id"])) == {"openadr3/bl/reports/create"}


def test_notifiers_advertise_the_broker_without_its_credentials(vtn: Vtn) -> None:
    _with_broker(vtn)
    answer = get(vtn, vtn.ven1, "/notifiers")
    assert answer["MQTT"]["URIS"] == ["mqtt://127.0.0.1:1883"]
    assert answer["MQTT"]["authentication"] == {
        "method": "OAUTH2_BEARER_TOKEN",
        "username": "{clientID}",
    }
    shown = json.dumps(answer)
    assert "pa$$word" not in shown and "pa%24%24word" not in shown and "vtn-account" not in shown
    _with_broker(vtn, "mqtt://127.0.0.1:1883")
    anonymous = get(vtn, vtn.ven1, "/notifiers")["MQTT"]["authentication"]
    assert anonymous == {"method": "ANONYMOUS"}


def test_topic_endpoints_answer_per_caller(vtn: Vtn) -> None:
    _with_broker(vtn)
    mine = grant(vtn, vtn.ven1, "site-1", ["zone-A"])
    targeted = program(vtn, "targeted", ["zone-A"])["id"]
    open_ = program(vtn, "open")["id"]

    def all_topic(party: Party, path: str) -> str:
        return str(get(vtn, party, "/notifiers/mqtt/topics" + path)["topics"]["ALL"])

    assert all_topic(vtn.bl, "/programs") == "openadr3/bl/programs/+"
    assert all_topic(vtn.ven1, "/programs") == "openadr3/public/programs/+"
    assert all_topic(vtn.bl, "/events") == "openadr3/bl/events/+"
    assert all_topic(vtn.bl, "/reports") == "openadr3/bl/reports/+"
    assert all_topic(vtn.ven1, f"/programs/{open_}/events") == (
        f"openadr3/public/programs/{open_}/events/+"
    )
    assert all_topic(vtn.ven1, f"/programs/{targeted}/events") == (
        f"openadr3/vens/{mine['id']}/programs/{targeted}/events/+"
    )
    assert all_topic(vtn.bl, f"/programs/{targeted}") == f"openadr3/bl/programs/{targeted}/+"
    assert all_topic(vtn.ven1, f"/vens/{mine['id']}/events") == (
        f"openadr3/vens/{mine['id']}/events/+"
    )
    get(vtn, vtn.ven2, f"/notifiers/mqtt/topics/programs/{targeted}/events", 404)
