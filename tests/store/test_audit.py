from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from surplus.errors import SurplusError
from surplus.store import audit
from surplus.store.base import make_sessionmaker, session_scope


def _write(session: Session, count: int) -> None:
    for n in range(count):
        audit.record(session, f"user{n % 3}", "create", "site", n, {"n": n, "name": f"site {n}"})
    session.commit()


def _tamper(session: Session, sql: str, **params: object) -> None:
    """Change the log behind the service's back, lifting the PostgreSQL guard to do it."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
    session.execute(text(sql), params)
    if postgres:
        session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
    session.commit()


def test_an_untouched_chain_verifies(session: Session) -> None:
    _write(session, 5)
    check = audit.verify(session)
    assert check.ok and check.entries == 5 and check.first_bad_id is None
    last = session.get(audit.AuditEntry, 5)
    assert last is not None and check.head_hash == last.hash


def test_each_hash_is_sha256_of_previous_hash_and_canonical_entry(session: Session) -> None:
    import hashlib

    first = audit.record(session, "alice", "create", "operator", 7, {"b": 1, "a": [1.5, None]})
    session.commit()
    body = (
        '{"action":"create","actor":"alice","at":"'
        + first.at.isoformat(timespec="microseconds")
        + '","id":1,"object_id":"7","object_type":"operator","payload":{"a":[1.5,null],"b":1}}'
    )
    assert first.prev_hash == "0" * 64
    assert first.hash == hashlib.sha256(("0" * 64 + body).encode()).hexdigest()


def test_an_edited_payload_is_named(session: Session) -> None:
    _write(session, 6)
    _tamper(session, "UPDATE audit_log SET payload = :p WHERE id = 4", p='{"n": 99}')
    check = audit.verify(session)
    assert not check.ok and check.first_bad_id == 4 and "edited" in check.reason


def test_an_edited_actor_is_named(session: Session) -> None:
    _write(session, 3)
    _tamper(session, "UPDATE audit_log SET actor = 'mallory' WHERE id = 2")
    assert audit.verify(session).first_bad_id == 2


def test_a_deleted_middle_row_is_named(session: Session) -> None:
    _write(session, 6)
    _tamper(session, "DELETE FROM audit_log WHERE id = 3")
    check = audit.verify(session)
    assert not check.ok and check.first_bad_id == 3 and "missing" in check.reason


def test_a_deleted_first_row_is_named(session: Session) -> None:
    _write(session, 3)
    _tamper(session, "DELETE FROM audit_log WHERE id = 1")
    assert audit.verify(session).first_bad_id == 1


def test_a_deleted_tail_is_found_through_the_head(session: Session) -> None:
    _write(session, 5)
    _tamper(session, "DELETE FROM audit_log WHERE id >= 4")
    check = audit.verify(session)
    assert not check.ok and check.first_bad_id == 4 and check.entries == 3


def test_a_rehashed_row_still_breaks_the_next_link(session: Session) -> None:
    """An editor who also recomputes the edited row's hash is caught by the row after it."""
    _write(session, 4)
    entry = session.get(audit.AuditEntry, 2)
    assert entry is not None
    entry.payload = {"n": 1000}
    new_hash = audit.entry_hash(entry.prev_hash, entry)
    session.expunge_all()
    _tamper(
        session,
        "UPDATE audit_log SET payload = '{\"n\": 1000}', hash = :h WHERE id = 2",
        h=new_hash,
    )
    check = audit.verify(session)
    assert check.first_bad_id == 3 and "prev_hash" in check.reason


def test_a_rolled_back_write_leaves_no_gap(session: Session) -> None:
    _write(session, 2)
    audit.record(session, "bob", "create", "site", 1, {})
    session.rollback()
    _write(session, 1)
    assert audit.verify(session).ok
    assert [e.id for e in session.query(audit.AuditEntry).order_by(audit.AuditEntry.id)] == [
        1,
        2,
        3,
    ]


def test_payload_must_be_plain_json(session: Session) -> None:
    with pytest.raises(SurplusError, match="JSON"):
        audit.record(session, "bob", "create", "site", 1, {"x": float("nan")})


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"]
)
def test_postgres_refuses_changes_to_the_log(session: Session, statement: str) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    _write(session, 2)
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement))
    session.rollback()
    assert audit.verify(session).entries == 2


def test_concurrent_writers_never_fork_the_chain(engine: Engine) -> None:
    factory = make_sessionmaker(engine)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for n in range(8):
                with session_scope(factory) as session:
                    audit.record(session, name, "create", "site", n, {"n": n})
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with factory() as session:
        check = audit.verify(session)
    assert check.ok and check.entries == 32


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(count=st.integers(2, 8), data=st.data())
def test_any_single_edit_is_found_at_its_row(
    engine: Engine, count: int, data: st.DataObject
) -> None:
    from tests.store.databases import empty_all_tables

    empty_all_tables(engine)
    bad = data.draw(st.integers(1, count))
    with make_sessionmaker(engine)() as session:
        _write(session, count)
        _tamper(session, "UPDATE audit_log SET object_id = 'forged' WHERE id = :i", i=bad)
        assert audit.verify(session).first_bad_id == bad
