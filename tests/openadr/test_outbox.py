"""Webhook notifications: which subscriptions get which object, and the outbox's retries,
back-off, give-up and recovery after a crash (all with a mock HTTP transport)."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import timedelta

import httpx
from sqlalchemy import select

from surplus.openadr.outbox import (
    DELIVERED,
    FAILED,
    Delivery,
    OutboxWorker,
    Outcome,
    RetryPolicy,
    claim_due,
    record_outcomes,
)
from surplus.store.base import make_sessionmaker
from surplus.store.openadr_tables import DeliveryAttemptRow, OutboxRow
from surplus.store.types import utc_now
from tests.openadr.conftest import Party, Vtn
from tests.openadr.helpers import event, grant, post, program


def subscribe(
    vtn: Vtn, party: Party, url: str, objects: list[str], program_id: str | None = None
) -> dict:
    body: dict = {
        "clientName": "c",
        "objectOperations": [
            {
                "objects": objects,
                "operations": ["CREATE", "UPDATE", "DELETE"],
                "callbackUrl": url,
                "bearerToken": f"token-for-{url}",
            }
        ],
    }
    if program_id:
        body["programID"] = program_id
    return post(vtn, party, "/subscriptions", body)


def outbox(vtn: Vtn) -> list[OutboxRow]:
    with make_sessionmaker(vtn.engine)() as session:
        return list(
            session.scalars(
                select(OutboxRow).where(OutboxRow.channel == "WEBHOOK").order_by(OutboxRow.id)
            )
        )


def test_notifications_follow_subscriptions_and_privacy(vtn: Vtn) -> None:
    grant(vtn, vtn.ven1, "site-1", ["zone-A"])
    prog = program(vtn, "p")
    subscribe(vtn, vtn.ven1, "http://ven1.test/hook", ["EVENT"])
    subscribe(vtn, vtn.ven2, "http://ven2.test/hook", ["EVENT"])
    subscribe(vtn, vtn.bl, "http://bl.test/hook", ["EVENT", "REPORT"], prog["id"])
    before = len(outbox(vtn))
    event(vtn, prog["id"], ["zone-A", "zone-secret"])
    rows = {row.destination: row for row in outbox(vtn)[before:]}
    assert set(rows) == {"http://ven1.test/hook", "http://bl.test/hook"}  # ven2 not granted zone-A
    to_ven1 = json.loads(rows["http://ven1.test/hook"].payload)
    assert to_ven1["objectType"] == "EVENT" and to_ven1["operation"] == "CREATE"
    assert to_ven1["object"]["targets"] == ["zone-A"]
    assert json.loads(rows["http://bl.test/hook"].payload)["object"]["targets"] == [
        "zone-A",
        "zone-secret",
    ]


def test_a_vens_subscription_hears_only_of_its_own_reports(vtn: Vtn) -> None:
    prog = program(vtn, "p")
    evt = event(vtn, prog["id"])
    subscribe(vtn, vtn.ven2, "http://ven2.test/hook", ["REPORT"])
    before = len(outbox(vtn))
    post(vtn, vtn.ven1, "/reports", {"eventID": evt["id"], "clientName": "c", "resources": []})
    assert outbox(vtn)[before:] == []


def _run(vtn: Vtn, handler, policy: RetryPolicy) -> OutboxWorker:  # type: ignore[no-untyped-def]
    factory = make_sessionmaker(vtn.engine)

    async def go() -> OutboxWorker:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
            worker = OutboxWorker(factory, http, None, policy)
            await worker.drain_once()
            return worker

    return asyncio.run(go())


def test_worker_posts_the_notification_with_the_bearer_token(vtn: Vtn) -> None:
    prog = program(vtn, "p")
    subscribe(vtn, vtn.bl, "http://bl.test/hook", ["EVENT"])
    evt = event(vtn, prog["id"])
    received: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(200)

    _run(vtn, handler, RetryPolicy())
    assert len(received) == 1
    assert received[0].headers["Authorization"] == "Bearer token-for-http://bl.test/hook"
    assert json.loads(received[0].content)["object"]["id"] == evt["id"]
    assert [row.status for row in outbox(vtn)] == [DELIVERED]


def test_failures_back_off_exponentially_then_give_up(vtn: Vtn) -> None:
    subscribe(vtn, vtn.bl, "http://down.test/hook", ["PROGRAM"])
    program(vtn, "p")
    factory = make_sessionmaker(vtn.engine)
    policy = RetryPolicy(base_delay_s=2.0, max_delay_s=5.0, max_attempts=4, lease_s=30)
    now = utc_now()
    expected_gaps = [2.0, 4.0, 5.0]
    for attempt in range(4):
        due = claim_due(factory, now, 10, policy)
        assert len(due) == 1, attempt
        assert claim_due(factory, now, 10, policy) == []  # leased: not handed out twice
        record_outcomes(factory, [Outcome(due[0], "HTTP 503", 503, 1.0)], policy, now)
        row = outbox(vtn)[0]
        if attempt < 3:
            assert row.next_attempt_at - now == timedelta(seconds=expected_gaps[attempt])
            assert (
                claim_due(
                    factory, now + timedelta(seconds=expected_gaps[attempt] - 0.5), 10, policy
                )
                == []
            )
            now += timedelta(seconds=expected_gaps[attempt])
    row = outbox(vtn)[0]
    assert row.status == FAILED and row.attempts == 4 and row.last_error == "HTTP 503"
    assert claim_due(factory, now + timedelta(days=1), 10, policy) == []
    with factory() as session:
        attempts = session.scalars(select(DeliveryAttemptRow.ok)).all()
    assert attempts == [False] * 4


def test_retry_succeeds_after_transient_errors(vtn: Vtn) -> None:
    subscribe(vtn, vtn.bl, "http://flaky.test/hook", ["PROGRAM"])
    program(vtn, "p")
    answers = iter([500, 502, 200])
    policy = RetryPolicy(base_delay_s=0.0)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(answers))

    for _ in range(3):
        _run(vtn, handler, policy)
    row = outbox(vtn)[0]
    assert row.status == DELIVERED and row.attempts == 3
    with make_sessionmaker(vtn.engine)() as session:
        codes = session.scalars(
            select(DeliveryAttemptRow.status_code).order_by(DeliveryAttemptRow.id)
        ).all()
    assert codes == [500, 502, 200]


def test_a_crash_mid_delivery_loses_nothing(vtn: Vtn) -> None:
    """A worker claims rows and dies before recording: the rows fall due after the lease."""
    subscribe(vtn, vtn.bl, "http://bl.test/hook", ["PROGRAM"])
    program(vtn, "p")
    factory = make_sessionmaker(vtn.engine)
    policy = RetryPolicy(lease_s=60)
    now = utc_now()
    claimed: list[Delivery] = claim_due(factory, now, 10, policy)
    assert len(claimed) == 1
    # ... the process is killed here; a new worker starts ...
    assert claim_due(factory, now + timedelta(seconds=59), 10, policy) == []
    again = claim_due(factory, now + timedelta(seconds=61), 10, policy)
    assert [d.id for d in again] == [claimed[0].id]


def test_concurrent_workers_never_claim_the_same_row(vtn: Vtn) -> None:
    factory = make_sessionmaker(vtn.engine)
    now = utc_now()
    with factory() as session:
        session.add_all(
            OutboxRow(
                created_at=now,
                channel="WEBHOOK",
                destination=f"http://x.test/{i}",
                bearer_token=None,
                payload="{}",
                status="PENDING",
                attempts=0,
                next_attempt_at=now,
            )
            for i in range(120)
        )
        session.commit()
    claimed: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        while batch := claim_due(factory, now, 7, RetryPolicy()):
            with lock:
                claimed.extend(d.id for d in batch)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claimed) == 120 and len(set(claimed)) == 120
