from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from surplus.store.months import add_months, month_start, parse_partition_name, partition_name

MONTHS = st.builds(
    lambda y, m: datetime(y, m, 1, tzinfo=UTC), st.integers(1990, 2200), st.integers(1, 12)
)


@given(MONTHS, st.integers(-600, 600))
def test_adding_then_removing_months_returns_the_start(start: datetime, months: int) -> None:
    assert add_months(add_months(start, months), -months) == start


@given(MONTHS)
def test_partition_names_round_trip(start: datetime) -> None:
    assert parse_partition_name(partition_name(start)) == start


def test_month_start_is_taken_in_utc() -> None:
    # 1 March 03:00 in Karachi is still 28 February in UTC.
    local = datetime(2026, 3, 1, 3, 0, tzinfo=ZoneInfo("Asia/Karachi"))
    assert month_start(local) == datetime(2026, 2, 1, tzinfo=UTC)


def test_other_tables_are_not_taken_for_partitions() -> None:
    for name in ["readings_hourly", "readings_y2026m13", "readings_y20x6m01", "readings"]:
        assert parse_partition_name(name) is None


def test_docstring_examples_run() -> None:
    import doctest

    from surplus.store import months

    assert doctest.testmod(months).failed == 0
