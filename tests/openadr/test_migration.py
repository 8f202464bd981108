"""Migrations 0002 and 0003 build exactly the tables `surplus.store.openadr_tables`
declares, on each backend, and can be undone; 0003 back-fills its derived columns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import JSON, column, inspect, select, table

from surplus.openadr.repository import event_active, subscribes_to_any
from surplus.store import openadr_tables
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.migrate import downgrade, upgrade
from surplus.store.models import metadata
from surplus.store.openadr_tables import EventRow, SubscriptionRow
from surplus.store.types import UtcDateTime
from tests.openadr.conftest import start_vtn
from tests.store.databases import BACKENDS, drop_fresh, fresh_url, schema_drift

OPENADR_TABLES = {
    table.name for table in metadata.sorted_tables if table.name.startswith("openadr_")
}


@pytest.mark.parametrize("backend", BACKENDS)
def test_0002_matches_the_models_and_downgrades(backend: str, tmp_path: Path) -> None:
    assert openadr_tables.ProgramRow.__tablename__ in OPENADR_TABLES
    engine = make_engine(fresh_url(backend, "openadr_migration", tmp_path))
    try:
        upgrade(engine)
        assert schema_drift(engine, OPENADR_TABLES) == []
        downgrade(engine, "0001")
        assert not OPENADR_TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= OPENADR_TABLES
    finally:
        engine.dispose()


def _rows_at_0002(now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Events and subscriptions as revision 0002 stored them (no derived columns)."""
    hour = timedelta(hours=1)

    def event_row(number: int, body: dict[str, Any]) -> dict[str, Any]:
        made = now + number * timedelta(seconds=1)
        return {
            "id": f"e{number}",
            "created_at": made,
            "modified_at": made,
            "body": body,
            "program_id": "p",
        }

    period = {"start": (now - 5 * hour).isoformat(), "duration": "PT1H"}
    events = [
        event_row(0, {"programID": "p", "intervalPeriod": period}),
        event_row(
            1,
            {
                "programID": "p",
                "intervalPeriod": {
                    "start": (now + hour).astimezone(ZoneInfo("Asia/Karachi")).isoformat(),
                    "duration": "PT1H",
                },
            },
        ),
        event_row(2, {"programID": "p"}),  # no period: never ends
        event_row(
            3,
            {
                "programID": "p",
                "intervalPeriod": {**period, "duration": "PT2H"},
                "intervals": [{"id": 0, "payloads": []}, {"id": 1, "payloads": []}],
            },
        ),
        event_row(4, {"programID": "p", "intervalPeriod": {**period, "duration": "P9999Y"}}),
    ]
    operations = [["EVENT"], ["PROGRAM", "REPORT"], ["VEN"]]
    subscriptions = [
        {
            "id": f"s{number}",
            "created_at": now + number * timedelta(seconds=1),
            "modified_at": now,
            "body": {
                "clientName": "x",
                "objectOperations": [
                    {"objects": objects, "operations": ["CREATE"], "callbackUrl": "https://a.pk"},
                    {
                        "objects": ["RESOURCE"] if number == 2 else [],
                        "operations": ["DELETE"],
                        "callbackUrl": "https://a.pk",
                    },
                ],
            },
            "client_id": "c1",
            "client_name": "x",
            "program_id": None,
            "owner_is_bl": False,
        }
        for number, objects in enumerate(operations)
    ]
    return events, subscriptions


@pytest.mark.parametrize("backend", BACKENDS)
def test_0003_back_fills_event_ends_and_subscription_objects(backend: str, tmp_path: Path) -> None:
    engine = make_engine(fresh_url(backend, "openadr_backfill", tmp_path))
    now = datetime.now(UTC).replace(microsecond=0)
    events, subscriptions = _rows_at_0002(now)
    try:
        upgrade(engine, "0002")
        with engine.begin() as connection:
            connection.execute(_table("openadr_events", events[0]).insert(), events)
            connection.execute(
                _table("openadr_subscriptions", subscriptions[0]).insert(), subscriptions
            )
        upgrade(engine)
        with make_sessionmaker(engine)() as session:
            ends = dict(session.execute(select(EventRow.id, EventRow.ends_at)).tuples().all())
            active = session.scalars(
                select(EventRow.id).where(event_active(now)).order_by(EventRow.id)
            ).all()
            wanted = select(SubscriptionRow.id).order_by(SubscriptionRow.id)
            by_event = session.scalars(wanted.where(subscribes_to_any(["EVENT"]))).all()
            by_two = session.scalars(wanted.where(subscribes_to_any(["REPORT", "RESOURCE"])))
            by_two_ids = by_two.all()
        assert ends == {
            "e0": now - timedelta(hours=4),
            "e1": now + timedelta(hours=2),
            "e2": None,
            "e3": now - timedelta(hours=1),
            "e4": None,
        }
        assert active == ["e1", "e2", "e4"]
        assert by_event == ["s0"] and by_two_ids == ["s1", "s2"]
        for vtn in start_vtn(engine):  # the same rows through the API, paged
            page = vtn.client.get(
                vtn.url("/events?active=true&skip=1&limit=1"), headers=vtn.bl.headers
            )
            assert [obj["id"] for obj in page.json()] == ["e2"]
            page = vtn.client.get(
                vtn.url("/subscriptions?objects=RESOURCE&objects=VEN"), headers=vtn.bl.headers
            )
            assert [obj["id"] for obj in page.json()] == ["s2"]
    finally:
        drop_fresh(engine)


def _table(name: str, example: dict[str, Any]) -> Any:
    types = {"body": JSON(), "created_at": UtcDateTime(), "modified_at": UtcDateTime()}
    return table(name, *(column(key, types.get(key)) for key in example))
