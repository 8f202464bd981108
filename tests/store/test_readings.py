from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from surplus.store.ingest import insert_readings
from surplus.store.maintenance import maintain
from surplus.store.partitions import existing_partitions
from surplus.store.readings import Reading, ReadingHourly, ReadingKind
from surplus.store.rollup import roll_up
from tests.store.factories import operator_and_site

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TELEMETRY = int(ReadingKind.TELEMETRY)
METER = int(ReadingKind.METER)


def _row(
    site_id: int,
    at: datetime,
    power_mw: float | None,
    energy_mwh: float | None = None,
    kind: int = TELEMETRY,
) -> dict[str, object]:
    return {
        "site_id": site_id,
        "kind": kind,
        "read_at": at,
        "power_mw": power_mw,
        "energy_mwh": energy_mwh,
    }


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def test_resent_readings_are_skipped_not_doubled(session: Session) -> None:
    site = operator_and_site(session)
    rows = [_row(site.id, T0 + timedelta(minutes=m), 5.0 + m) for m in range(3)]
    assert insert_readings(session, rows) == 3
    assert insert_readings(session, [*rows, _row(site.id, T0 + timedelta(minutes=3), 1.0)]) == 1
    session.commit()
    assert session.scalar(select(func.count()).select_from(Reading)) == 4


def test_times_are_stored_in_utc_and_read_back_aware(session: Session) -> None:
    site = operator_and_site(session)
    karachi = datetime(2026, 3, 10, 17, 0, tzinfo=ZoneInfo("Asia/Karachi"))  # 12:00 UTC
    insert_readings(session, [_row(site.id, karachi, 3.0)])
    session.commit()
    stored = session.scalars(select(Reading.read_at)).one()
    assert stored == T0 and stored.utcoffset() == timedelta(0)
    found = session.scalars(
        select(Reading).where(Reading.read_at >= T0, Reading.read_at < T0 + timedelta(minutes=1))
    ).all()
    assert len(found) == 1


def test_naive_times_are_refused(session: Session) -> None:
    site = operator_and_site(session)
    with pytest.raises(StatementError, match="naive datetime"):
        insert_readings(session, [_row(site.id, datetime(2026, 3, 10, 12, 0), 3.0)])


def test_hourly_roll_up_worked_by_hand(session: Session) -> None:
    site = operator_and_site(session)
    rows = [_row(site.id, T0 + timedelta(minutes=m), p) for m, p in [(0, 1.0), (1, 2.0), (59, 6.0)]]
    rows.append(_row(site.id, T0 + timedelta(minutes=60), 100.0))  # the next hour
    rows += [_row(site.id, T0 + timedelta(minutes=m), None, 0.25, METER) for m in range(4)]
    insert_readings(session, rows)
    assert roll_up(session, T0, T0 + timedelta(hours=1)) == 2
    session.commit()
    hours = {h.kind: h for h in session.scalars(select(ReadingHourly))}
    assert set(hours) == {TELEMETRY, METER}
    tele = hours[TELEMETRY]
    assert (tele.hour_start, tele.samples, tele.power_mw_min, tele.power_mw_max) == (
        T0,
        3,
        1.0,
        6.0,
    )
    assert tele.power_mw_mean == pytest.approx(3.0)
    assert hours[METER].energy_mwh == pytest.approx(1.0) and hours[METER].power_mw_mean is None


def test_rolling_up_again_folds_in_late_readings(session: Session) -> None:
    site = operator_and_site(session)
    insert_readings(session, [_row(site.id, T0, 2.0)])
    roll_up(session, T0, T0 + timedelta(hours=1))
    insert_readings(session, [_row(site.id, T0 + timedelta(minutes=5), 4.0)])
    roll_up(session, T0, T0 + timedelta(hours=1))
    session.commit()
    hour = session.scalars(select(ReadingHourly)).one()
    assert (hour.samples, hour.power_mw_mean) == (2, pytest.approx(3.0))


def test_maintain_drops_old_minutes_only_after_rolling_them_up(session: Session) -> None:
    site = operator_and_site(session)
    now = datetime(2026, 6, 15, 10, 30, tzinfo=UTC)
    old = datetime(2026, 1, 31, 23, 0, tzinfo=UTC)  # January: past a 3-month retention
    kept = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # the first instant retention keeps
    insert_readings(session, [_row(site.id, old + timedelta(minutes=m), 10.0) for m in range(30)])
    insert_readings(
        session, [_row(site.id, kept, 7.0), _row(site.id, now - timedelta(hours=2), 8.0)]
    )
    report = maintain(session, now, retention_months=3, months_ahead=2)
    session.commit()
    assert report.retention_cutoff == datetime(2026, 3, 1, tzinfo=UTC)
    remaining = sorted(session.scalars(select(Reading.read_at)))
    assert remaining == [kept, now - timedelta(hours=2)]
    hours = {h.hour_start: h for h in session.scalars(select(ReadingHourly))}
    assert hours[old].samples == 30 and hours[old].power_mw_mean == pytest.approx(10.0)
    assert now.replace(minute=0) - timedelta(hours=2) in hours  # the lookback roll-up
    if _is_postgres(session):
        assert report.partitions_dropped == ["readings_y2026m01"]
        months = set(existing_partitions(session))
        assert {datetime(2026, m, 1, tzinfo=UTC) for m in (3, 6, 7, 8)} <= months
    else:
        assert report.minute_rows_deleted == 30


def test_maintain_twice_changes_nothing_more(session: Session) -> None:
    site = operator_and_site(session)
    now = datetime(2026, 6, 15, 10, 30, tzinfo=UTC)
    insert_readings(session, [_row(site.id, now - timedelta(hours=3), 8.0)])
    maintain(session, now, retention_months=3, months_ahead=2)
    second = maintain(session, now, retention_months=3, months_ahead=2)
    assert second.partitions_created == [] and second.partitions_dropped == []
    assert session.scalar(select(func.count()).select_from(ReadingHourly)) == 1


def test_postgres_readings_land_in_monthly_partitions(session: Session) -> None:
    if not _is_postgres(session):
        pytest.skip("partitions are PostgreSQL's")
    site = operator_and_site(session)
    times = [datetime(2025, 12, 31, 23, 59, tzinfo=UTC), datetime(2026, 1, 1, 0, 0, tzinfo=UTC)]
    insert_readings(session, [_row(site.id, t, 1.0) for t in times])
    session.commit()
    placed = session.execute(
        text("SELECT tableoid::regclass::text, read_at FROM readings ORDER BY read_at")
    ).all()
    assert [name for name, _ in placed] == ["readings_y2025m12", "readings_y2026m01"]


def test_maintain_forgets_old_idempotency_keys(session: Session) -> None:
    from surplus.store.idempotency import IdempotentRequest

    now = datetime(2026, 6, 15, 10, 30, tzinfo=UTC)
    for key, age_days in [("old", 8), ("recent", 6)]:
        session.add(
            IdempotentRequest(
                client_id="c",
                key=key,
                request_sha256="0" * 64,
                status_code=201,
                response={},
                created_at=now - timedelta(days=age_days),
            )
        )
    session.flush()
    report = maintain(session, now, retention_months=3, months_ahead=1, idempotency_days=7)
    assert report.idempotency_keys_expired == 1
    assert session.scalars(select(IdempotentRequest.key)).all() == ["recent"]
