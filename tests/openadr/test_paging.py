"""`active=` and `objects=` are SQL conditions, so skip/limit cut pages of the filtered
list, not of everything: checked by hand and against the Python twins of the filters."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from surplus.openadr.timing import end_instant, has_ended
from surplus.store.base import make_sessionmaker
from surplus.store.openadr_tables import EventRow, SubscriptionObjectRow
from tests.openadr.conftest import Vtn
from tests.openadr.helpers import get, post, program

OBJECT_TYPES = ["PROGRAM", "EVENT", "REPORT", "SUBSCRIPTION", "VEN", "RESOURCE"]


def _event_body(program_id: str, start: datetime | None, duration: str = "PT1H") -> dict[str, Any]:
    body: dict[str, Any] = {
        "programID": program_id,
        "intervals": [{"id": 0, "payloads": [{"type": "SIMPLE", "values": [1]}]}],
    }
    if start is not None:
        body["intervalPeriod"] = {"start": start.isoformat(), "duration": duration}
    return body


def _ids(objects: list[dict[str, Any]]) -> list[str]:
    return [obj["id"] for obj in objects]


def test_five_ended_and_five_active_page_through_the_active_ones(any_vtn: Vtn) -> None:
    vtn = any_vtn
    prog = program(vtn, "p")
    now = datetime.now(UTC)
    active = []
    for index in range(10):  # ended and active alternate in creation order
        ended = index % 2 == 0
        start = now - timedelta(days=3) if ended else now + timedelta(hours=index)
        made = post(vtn, vtn.bl, "/events", _event_body(prog["id"], start))
        if not ended:
            active.append(made["id"])
    assert len(active) == 5
    assert _ids(get(vtn, vtn.bl, "/events?active=true&skip=2&limit=2")) == active[2:4]
    assert _ids(get(vtn, vtn.bl, "/events?active=true&skip=4&limit=2")) == active[4:]
    assert get(vtn, vtn.bl, "/events?active=true&skip=5&limit=2") == []
    assert len(get(vtn, vtn.bl, "/events?active=false&skip=2&limit=50")) == 8
    assert _ids(get(vtn, vtn.ven1, "/events?active=true&skip=1&limit=3")) == active[1:4]


def test_active_pages_match_the_python_rule_on_random_events(any_vtn: Vtn) -> None:
    """Open-ended, local-offset and past/future events: every page of `active=true`
    equals the same page of the events `timing.has_ended` keeps."""
    vtn = any_vtn
    prog = program(vtn, "p")
    rng = random.Random(20261123)
    now = datetime.now(UTC)
    karachi = now.astimezone(ZoneInfo("Asia/Karachi"))
    made = []
    for _ in range(14):
        kind = rng.choice(["past", "future", "open", "forever", "local"])
        # Every end lies at least 30 minutes from now, so the test cannot race the clock.
        offset = timedelta(minutes=rng.choice([-1, 1]) * rng.randint(60, 600))
        if kind == "open":
            body = _event_body(prog["id"], None)
        elif kind == "forever":
            body = _event_body(prog["id"], now - timedelta(days=1), "P9999Y")
        elif kind == "local":
            body = _event_body(prog["id"], karachi + offset, "PT30M")
        else:
            start = (
                now + abs(offset) if kind == "future" else now - abs(offset) - timedelta(hours=1)
            )
            body = _event_body(prog["id"], start)
        made.append(post(vtn, vtn.bl, "/events", body))
    kept = [obj["id"] for obj in made if not has_ended(obj, datetime.now(UTC))]
    for skip in range(0, 8):
        for limit in (1, 3, 50):
            page = get(vtn, vtn.bl, f"/events?active=true&skip={skip}&limit={limit}")
            assert _ids(page) == kept[skip : skip + limit], (skip, limit)


def test_updating_an_event_moves_its_end(vtn: Vtn) -> None:
    prog = program(vtn, "p")
    past = datetime(2020, 1, 1, tzinfo=UTC)
    made = post(vtn, vtn.bl, "/events", _event_body(prog["id"], past))
    assert get(vtn, vtn.bl, "/events?active=true") == []
    future = datetime.now(UTC) + timedelta(days=1)
    response = vtn.client.put(
        vtn.url(f"/events/{made['id']}"),
        json=_event_body(prog["id"], future, "PT2H"),
        headers=vtn.bl.headers,
    )
    assert response.status_code == 200, response.text
    assert _ids(get(vtn, vtn.bl, "/events?active=true")) == [made["id"]]
    with make_sessionmaker(vtn.engine)() as session:
        stored = session.scalar(select(EventRow.ends_at).where(EventRow.id == made["id"]))
    assert stored == end_instant(response.json())
    assert stored is not None and abs(stored - (future + timedelta(hours=2))) < timedelta(seconds=1)


def _subscription(objects: list[str], name: str = "site") -> dict[str, Any]:
    operation = {"objects": objects, "operations": ["CREATE"], "callbackUrl": "https://a.pk/h"}
    return {"clientName": name, "objectOperations": [operation]}


def test_objects_filter_pages_in_the_database(any_vtn: Vtn) -> None:
    vtn = any_vtn
    rng = random.Random(7)
    made = []
    for _ in range(12):
        chosen = rng.sample(OBJECT_TYPES, rng.randint(1, 3))
        made.append(post(vtn, vtn.ven1, "/subscriptions", _subscription(chosen)))
    for wanted in (["EVENT"], ["VEN", "REPORT"]):
        matching = [
            obj["id"]
            for obj in made
            if any(set(wanted) & set(entry["objects"]) for entry in obj["objectOperations"])
        ]
        query = "&".join(f"objects={name}" for name in wanted)
        for skip, limit in ((0, 50), (1, 2), (2, 3), (len(matching), 5)):
            page = get(vtn, vtn.ven1, f"/subscriptions?{query}&skip={skip}&limit={limit}")
            assert _ids(page) == matching[skip : skip + limit], (wanted, skip, limit)
    assert get(vtn, vtn.ven2, "/subscriptions?objects=EVENT") == []


def test_subscription_object_types_follow_updates_and_deletes(vtn: Vtn) -> None:
    made = post(vtn, vtn.ven1, "/subscriptions", _subscription(["EVENT", "PROGRAM"]))
    path = vtn.url(f"/subscriptions/{made['id']}")
    response = vtn.client.put(path, json=_subscription(["REPORT"]), headers=vtn.ven1.headers)
    assert response.status_code == 200, response.text
    assert get(vtn, vtn.ven1, "/subscriptions?objects=EVENT") == []
    assert _ids(get(vtn, vtn.ven1, "/subscriptions?objects=REPORT")) == [made["id"]]
    assert vtn.client.delete(path, headers=vtn.ven1.headers).status_code == 200
    with make_sessionmaker(vtn.engine)() as session:
        assert session.scalars(select(SubscriptionObjectRow)).all() == []
