"""Report posts stored in batches (group commit): each post keeps its own outcome, repeats of
an Idempotency-Key are stored once, and the audit chain stays whole, on both databases."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DataError, OperationalError

from surplus.auth import SCOPES_BY_ROLE
from surplus.openadr import models, report_batch, report_queue
from surplus.openadr.access import Caller
from surplus.openadr.problems import OpenADRProblem
from surplus.openadr.report_batch import ReportPost, write_reports
from surplus.openadr.report_queue import ReportQueue
from surplus.store import audit
from surplus.store.base import make_sessionmaker
from surplus.store.openadr_tables import OutboxRow, ReportRow
from tests.openadr.conftest import Party, Vtn
from tests.openadr.helpers import count, event, grant, post, program, report_body


def caller(party: Party, role: str = "ven") -> Caller:
    return Caller(party.client_id, role == "bl", SCOPES_BY_ROLE[role], f"client:{party.client_id}")


def report_post(
    who: Caller, event_id: str, key: str | None = None, usage_kw: float = 1.0
) -> ReportPost:
    request = models.ReportRequest.model_validate(report_body(event_id, usage_kw))
    return ReportPost(who, request, key)


def stored_reports(vtn: Vtn) -> list[ReportRow]:
    with make_sessionmaker(vtn.engine)() as session:
        return list(session.scalars(select(ReportRow).order_by(ReportRow.created_at)))


def chain_ok(vtn: Vtn) -> bool:
    with make_sessionmaker(vtn.engine)() as session:
        return audit.verify(session).ok


def test_each_post_of_a_batch_gets_its_own_outcome(any_vtn: Vtn) -> None:
    vtn = any_vtn
    public = event(vtn, program(vtn, "public")["id"])["id"]
    private = event(vtn, program(vtn, "private", targets=["zone-a"])["id"])["id"]
    grant(vtn, vtn.ven1, "site-1", ["zone-a"])
    post(
        vtn,
        vtn.bl,
        "/subscriptions",
        {
            "clientName": "control-room",
            "objectOperations": [
                {"objects": ["REPORT"], "operations": ["CREATE"], "callbackUrl": "https://x/cb"}
            ],
        },
    )
    ven1, ven2, bl = caller(vtn.ven1), caller(vtn.ven2), caller(vtn.bl, "bl")
    posts = [
        report_post(ven1, private, key="k1", usage_kw=1.0),
        report_post(ven2, private, key="k1"),  # not granted zone-a: refused
        report_post(ven1, private, key="k1", usage_kw=2.0),  # a repeat within the batch
        report_post(ven2, public, key="k1"),  # same key, another client: its own report
        report_post(bl, "no-such-event"),
        report_post(bl, public),
    ]
    factory = make_sessionmaker(vtn.engine)
    outcomes = write_reports(factory, posts, mqtt_enabled=False).outcomes

    first, refused, repeat, other, missing, by_bl = outcomes
    assert isinstance(refused, OpenADRProblem) and refused.status == 409
    assert isinstance(missing, OpenADRProblem) and missing.status == 409
    assert isinstance(first, dict) and isinstance(repeat, dict) and isinstance(other, dict)
    assert repeat == first  # the repeat is answered with the first report, not stored again
    assert first["resources"][0]["intervals"][0]["payloads"][0]["values"] == [1.0]
    assert isinstance(by_bl, dict)
    assert {first["clientID"], other["clientID"]} == {vtn.ven1.client_id, vtn.ven2.client_id}
    assert sorted(row.id for row in stored_reports(vtn)) == sorted(
        [first["id"], other["id"], by_bl["id"]]
    )
    assert count(vtn.engine, OutboxRow) == 3  # the control room hears of each new report
    with factory() as session:
        entries = session.scalars(
            select(audit.AuditEntry).where(audit.AuditEntry.object_type == "report")
        ).all()
        assert sorted(e.object_id for e in entries) == sorted(r.id for r in stored_reports(vtn))
        assert {e.actor for e in entries} == {ven1.actor, ven2.actor, bl.actor}
    assert chain_ok(vtn)


def test_a_retry_in_a_later_batch_is_answered_with_the_first_report(any_vtn: Vtn) -> None:
    vtn = any_vtn
    public = event(vtn, program(vtn, "public")["id"])["id"]
    factory = make_sessionmaker(vtn.engine)
    ven1 = caller(vtn.ven1)
    (first,) = write_reports(factory, [report_post(ven1, public, "k")], False).outcomes
    again = write_reports(factory, [report_post(ven1, public, "k", 9.0)], False).outcomes
    assert again == [first]
    assert len(stored_reports(vtn)) == 1


def test_a_key_stored_by_another_process_meanwhile_is_not_stored_twice(
    any_vtn: Vtn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process commits a post with the same key between this batch's look-up and
    its insert: the unique key refuses the batch, which is retried post by post."""
    vtn = any_vtn
    public = event(vtn, program(vtn, "public")["id"])["id"]
    factory = make_sessionmaker(vtn.engine)
    ven1 = caller(vtn.ven1)
    (earlier,) = write_reports(factory, [report_post(ven1, public, "raced")], False).outcomes
    looked_up = report_batch._earlier_reports
    calls: list[int] = []

    def blind_first_time(session: Any, keys: Any) -> Any:
        calls.append(1)
        return {} if len(calls) == 1 else looked_up(session, keys)

    monkeypatch.setattr(report_batch, "_earlier_reports", blind_first_time)
    posts = [report_post(ven1, public, "raced"), report_post(ven1, public, "fresh")]
    raced, fresh = write_reports(factory, posts, False).outcomes

    assert raced == earlier
    assert isinstance(fresh, dict) and fresh["id"] != earlier["id"]
    assert len(stored_reports(vtn)) == 2
    assert chain_ok(vtn)


def test_posts_arriving_together_share_batches(vtn: Vtn, monkeypatch: pytest.MonkeyPatch) -> None:
    public = event(vtn, program(vtn, "public")["id"])["id"]
    sizes: list[int] = []

    def counting(factory: Any, posts: Any, mqtt_enabled: bool) -> Any:
        sizes.append(len(posts))
        return write_reports(factory, posts, mqtt_enabled)

    monkeypatch.setattr(report_queue, "write_reports", counting)
    ven1 = caller(vtn.ven1)

    async def post_many() -> list[dict[str, Any]]:
        queue = ReportQueue(make_sessionmaker(vtn.engine), mqtt_enabled=False, max_batch=16)
        posts = [report_post(ven1, public, f"key-{n}", float(n)) for n in range(40)]
        answers = await asyncio.gather(*(queue.submit(p) for p in posts))
        await queue.close()
        return answers

    answers = asyncio.run(post_many())
    assert sum(sizes) == 40 and len(sizes) < 40 and max(sizes) <= 16
    values = [a["resources"][0]["intervals"][0]["payloads"][0]["values"][0] for a in answers]
    assert values == [float(n) for n in range(40)]  # each post got its own report back
    assert len({a["id"] for a in answers}) == 40 == len(stored_reports(vtn))
    assert chain_ok(vtn)


def test_a_refused_batch_refuses_every_post_in_it(
    vtn: Vtn, monkeypatch: pytest.MonkeyPatch
) -> None:
    public = event(vtn, program(vtn, "public")["id"])["id"]

    def database_down(factory: Any, posts: Any, mqtt_enabled: bool) -> Any:
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    monkeypatch.setattr(report_queue, "write_reports", database_down)
    ven1 = caller(vtn.ven1)

    async def post_some() -> list[Any]:
        queue = ReportQueue(make_sessionmaker(vtn.engine), mqtt_enabled=False)
        posts = [report_post(ven1, public, f"k{n}") for n in range(5)]
        return await asyncio.gather(*(queue.submit(p) for p in posts), return_exceptions=True)

    answers = asyncio.run(post_some())
    assert all(isinstance(answer, OperationalError) for answer in answers)
    assert stored_reports(vtn) == []


def test_a_post_over_http_is_stored_before_it_is_answered(vtn: Vtn) -> None:
    public = event(vtn, program(vtn, "public")["id"])["id"]
    body = report_post(caller(vtn.ven1), public).request.to_json()
    answer = vtn.client.post(
        vtn.url("/reports"), json=body, headers={**vtn.ven1.headers, "Idempotency-Key": "h"}
    )
    assert answer.status_code == 201, answer.text
    assert [row.id for row in stored_reports(vtn)] == [answer.json()["id"]]


def test_posts_beyond_the_queue_limit_are_told_to_come_back(vtn: Vtn) -> None:
    public = event(vtn, program(vtn, "public")["id"])["id"]
    ven1 = caller(vtn.ven1)

    async def flood() -> list[Any]:
        queue = ReportQueue(make_sessionmaker(vtn.engine), mqtt_enabled=False, max_waiting=10)
        posts = [report_post(ven1, public, f"k{n}") for n in range(15)]
        answers = await asyncio.gather(*(queue.submit(p) for p in posts), return_exceptions=True)
        await queue.close()
        return answers

    answers = asyncio.run(flood())
    refused = [a for a in answers if isinstance(a, OpenADRProblem)]
    assert len(refused) == 5 and all(a.status == 503 for a in refused)
    assert all(a.headers == {"Retry-After": "5"} for a in refused)
    assert len(stored_reports(vtn)) == 10  # the ten that were let in are stored


def test_a_post_the_database_refuses_does_not_sink_its_batch(
    vtn: Vtn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value the database will not hold fails the batch's transaction; the batch is
    retried post by post, so only that post is refused."""
    public = event(vtn, program(vtn, "public")["id"])["id"]
    real = report_batch.store_reports

    def refusing(session: Any, posts: Any, now: Any, mqtt_enabled: bool) -> Any:
        if any(post.request.clientName == "poison" for post in posts):
            raise DataError("INSERT", {}, Exception("invalid byte sequence"))
        return real(session, posts, now, mqtt_enabled)

    monkeypatch.setattr(report_batch, "store_reports", refusing)
    good = report_post(caller(vtn.ven1), public, "good")
    bad = report_post(caller(vtn.ven2), public, "bad")
    bad = ReportPost(bad.caller, bad.request.model_copy(update={"clientName": "poison"}), "bad")
    stored, refused = write_reports(make_sessionmaker(vtn.engine), [good, bad], False).outcomes
    assert isinstance(stored, dict) and [r.id for r in stored_reports(vtn)] == [stored["id"]]
    assert isinstance(refused, OpenADRProblem) and refused.status == 400


def test_a_name_with_a_nul_character_is_refused_before_the_database(vtn: Vtn) -> None:
    public = event(vtn, program(vtn, "public")["id"])["id"]
    body = {**report_body(public), "clientName": "site\u0000"}
    answer = vtn.client.post(vtn.url("/reports"), json=body, headers=vtn.ven1.headers)
    assert answer.status_code == 400, answer.text
    assert stored_reports(vtn) == []
