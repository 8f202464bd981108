"""`surplus db maintain` deletes delivered notifications past retention and nothing else:
rows are put in each state by the outbox's own `record_outcomes`, as the worker would."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from surplus.api.cli import db_app
from surplus.openadr import outbox
from surplus.openadr.notify import PENDING, WEBHOOK
from surplus.store.base import make_sessionmaker
from surplus.store.maintenance import maintain
from surplus.store.openadr_tables import OUTBOX_DELIVERED, DeliveryAttemptRow, OutboxRow

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _pending(session: Session, created_at: datetime) -> int:
    row = OutboxRow(
        created_at=created_at,
        channel=WEBHOOK,
        destination="https://site.example.pk/hook",
        bearer_token=None,
        payload="{}",
        status=PENDING,
        attempts=0,
        next_attempt_at=created_at,
    )
    session.add(row)
    session.flush()
    return row.id


def _attempt(session: Session, row_id: int, at: datetime, error: str | None, tries: int) -> None:
    """Record one delivery attempt the way the worker does."""
    session.commit()
    row = session.get(OutboxRow, row_id)
    assert row is not None
    delivery = outbox.Delivery(row.id, row.channel, row.destination, None, row.payload, 0)
    policy = outbox.RetryPolicy(max_attempts=tries)
    factory = make_sessionmaker(session.get_bind())
    outcome = outbox.Outcome(delivery, error, 200 if error is None else None, 1.0)
    outbox.record_outcomes(factory, [outcome], policy, at)
    session.expire_all()


def test_the_status_maintain_deletes_is_the_one_the_worker_writes() -> None:
    assert OUTBOX_DELIVERED == outbox.DELIVERED != outbox.FAILED


def test_only_delivered_rows_past_retention_are_deleted(session: Session) -> None:
    long_ago = NOW - 30 * DAY
    rows = {name: _pending(session, long_ago) for name in
            ("old", "recent", "edge", "pending", "retrying", "dead")}  # fmt: skip
    _attempt(session, rows["old"], long_ago, "timeout", 10)  # failed once, then delivered
    _attempt(session, rows["old"], NOW - 8 * DAY, None, 10)
    _attempt(session, rows["recent"], NOW - 6 * DAY, None, 10)
    _attempt(session, rows["edge"], NOW - 7 * DAY, None, 10)  # exactly at the cutoff: kept
    _attempt(session, rows["retrying"], NOW - 9 * DAY, "HTTP 503", 10)
    _attempt(session, rows["dead"], NOW - 9 * DAY, "HTTP 410", 1)
    statuses = dict(session.execute(select(OutboxRow.id, OutboxRow.status)).tuples().all())
    assert statuses[rows["dead"]] == outbox.FAILED
    assert statuses[rows["retrying"]] == statuses[rows["pending"]] == PENDING

    report = maintain(session, NOW, retention_months=3, months_ahead=1, outbox_retention_days=7)
    assert report.outbox_rows_deleted == 1
    left = set(session.scalars(select(OutboxRow.id)))
    assert left == set(rows.values()) - {rows["old"]}
    attempts = session.scalars(select(DeliveryAttemptRow.outbox_id)).all()
    assert rows["old"] not in attempts and len(attempts) == 4  # the other rows keep theirs
    again = maintain(session, NOW, retention_months=3, months_ahead=1, outbox_retention_days=7)
    assert again.outbox_rows_deleted == 0
    later = maintain(session, NOW + 2 * DAY, retention_months=3, months_ahead=1)
    assert later.outbox_rows_deleted == 2  # "recent" and "edge" once their week is up
    remaining = session.scalar(select(func.count()).select_from(OutboxRow))
    assert remaining == 3  # pending, retrying and dead stay however old


def test_cli_maintain_reports_the_count(tmp_path: Path) -> None:
    cli = typer.Typer()
    cli.add_typer(db_app, name="db")
    cli.command("noop")(lambda: None)
    url = f"sqlite:///{tmp_path / 'maintain.db'}"
    result = CliRunner().invoke(cli, ["db", "maintain", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["outbox_rows_deleted"] == 0
