from __future__ import annotations

import ast
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from surplus.cli import app
from surplus.contracts import TermSheet
from surplus.control.registry import active_term_sheets
from surplus.simulation.scenario import simulated_sheet
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.migrate import (
    MIGRATIONS_DIR,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from surplus.store.models import metadata
from tests.store.databases import BACKENDS, drop_fresh, fresh_url

ROWS = {
    "operators": "INSERT INTO operators (id, name, created_at) VALUES (1, 'Acme', :t)",
    "sites": (
        "INSERT INTO sites (id, operator_id, name, zone, latitude_deg, longitude_deg,"
        " connection_mw, created_at) VALUES (1, 1, 'S', 'LESCO', 31.5, 74.3, 20, :t)"
    ),
    "clients": (
        "INSERT INTO clients (client_id, secret_hash, role, name, created_at)"
        " VALUES ('c1', 'scrypt$x', 'ven', 'v', :t)"
    ),
    "readings_hourly": (
        "INSERT INTO readings_hourly (site_id, kind, hour_start, samples) VALUES (1, 1, :t, 60)"
    ),
}


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrading_from_0001_keeps_every_row(backend: str, tmp_path: Path) -> None:
    engine = make_engine(fresh_url(backend, "surplus_migration_test", tmp_path))
    try:
        upgrade(engine, "0001")
        assert current_revision(engine) == "0001"
        at = datetime(2026, 1, 1, tzinfo=UTC)
        with engine.begin() as connection:
            for sql in ROWS.values():
                connection.execute(text(sql), {"t": at})
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            for table in ROWS:
                assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 1
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        drop_fresh(engine)


@pytest.mark.parametrize("backend", BACKENDS)
def test_downgrade_to_nothing_and_back(backend: str, tmp_path: Path) -> None:
    engine = make_engine(fresh_url(backend, "surplus_migration_test", tmp_path))
    try:
        upgrade(engine)
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        drop_fresh(engine)


def _allocation_rows(terms: dict[str, object]) -> list[tuple[str, dict[str, object]]]:
    """An operator, a site, an application with what 0004 added, and an active
    allocation whose terms are a term sheet as `surplus allocate` writes it."""
    return [
        ("INSERT INTO operators (id, name, created_at) VALUES (1, 'Acme', :t)", {}),
        (
            "INSERT INTO sites (id, operator_id, name, zone, latitude_deg, longitude_deg,"
            " connection_mw, created_at) VALUES (7, 1, 'S', 'mepco', 31.5, 74.3, 100, :t)",
            {},
        ),
        (
            "INSERT INTO applications (id, operator_id, site_id, requested_mw, load_kind,"
            " status, submitted_at, max_curtailment_share, longest_event_hours, tariff_rule)"
            " VALUES (1, 1, 7, 100, 'bitcoin_mining', 'approved', :t, 0.05, 4, 'dynamic')",
            {},
        ),
        (
            "INSERT INTO allocations (id, application_id, site_id, allocated_mw, tariff_rule,"
            " curtailment_rights, terms, starts_on, status, created_at)"
            " VALUES (1, 1, 7, 100, 'dynamic', 'interruptible', :terms, :d, 'active', :t)",
            {"terms": json.dumps(terms), "d": date(2000, 1, 1)},
        ),
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_db_upgrade_from_0004_adds_the_controller_and_keeps_the_allocations(
    backend: str, tmp_path: Path
) -> None:
    url = fresh_url(backend, "surplus_migration_test", tmp_path)
    engine = make_engine(url)
    try:
        upgrade(engine, "0004")  # main's head before the controller
        sheet = simulated_sheet(
            1, "Acme", "sahiwal", "mepco", "miner", 100.0, date(2000, 1, 1), {}, 1.0
        )
        terms = sheet.model_dump(mode="json", exclude={"register_site_id"})
        at = datetime(2026, 1, 1, tzinfo=UTC)
        with engine.begin() as connection:
            for sql, values in _allocation_rows(terms):
                connection.execute(text(sql), {"t": at, **values})
        result = CliRunner().invoke(app, ["db", "upgrade", "--database-url", url])
        assert result.exit_code == 0, result.output
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert {"control_orders", "control_ledger", "control_values"} <= tables
        assert {
            "settlement_statements",
            "settlement_verdicts",
            "settlement_meter_batches",
        } <= tables
        with make_sessionmaker(engine)() as session:
            (read,) = active_term_sheets(session, at)
        assert read.register_site_id == 7 and read.model_copy(
            update={"register_site_id": None}
        ) == TermSheet.model_validate(terms)
        downgrade(engine, "0004")
        left = set(inspect(engine).get_table_names())
        assert "control_orders" not in left and "settlement_statements" not in left
    finally:
        drop_fresh(engine)


@pytest.mark.parametrize("backend", BACKENDS)
def test_db_upgrade_from_empty(backend: str, tmp_path: Path) -> None:
    url = fresh_url(backend, "surplus_migration_test", tmp_path)
    engine = make_engine(url)
    try:
        result = CliRunner().invoke(app, ["db", "upgrade", "--database-url", url])
        assert result.exit_code == 0, result.output
        assert f"revision {head_revision()}" in result.output
        assert current_revision(engine) == head_revision()
    finally:
        drop_fresh(engine)


VENS = (
    "INSERT INTO openadr_vens (id, created_at, modified_at, body, client_id, ven_name)"
    " VALUES (:id, :t, :t, :body, :client, :name)"
)


def _add_ven(connection: Connection, ven_id: str, client: str, name: str) -> None:
    body = json.dumps({"id": ven_id, "objectType": "VEN", "venName": name})
    at = datetime(2026, 1, 1, tzinfo=UTC)
    connection.execute(
        text(VENS), {"id": ven_id, "t": at, "body": body, "client": client, "name": name}
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrading_from_0006_makes_ven_names_unique_per_owner(backend: str, tmp_path: Path) -> None:
    """0007 on a populated 0006 database (the controller's and settlement's tables in use):
    every row stays, two clients may then share a ven name and one client may not use it
    twice; going back to 0006 works while names are distinct across the VTN, and is refused
    with nothing changed once they are not."""
    engine = make_engine(fresh_url(backend, "surplus_migration_test", tmp_path))
    try:
        upgrade(engine, "0006")
        at = datetime(2026, 1, 1, tzinfo=UTC)
        with engine.begin() as connection:
            _add_ven(connection, "1", "site-a", "north")
            _add_ven(connection, "2", "site-b", "south")
            connection.execute(
                text(
                    "INSERT INTO control_grid_state (zone, spare_mw, observed_at, received_at,"
                    " source) VALUES ('mepco', 12.5, :t, :t, 'control room')"
                ),
                {"t": at},
            )
            connection.execute(
                text(
                    "INSERT INTO settlement_meter_batches (id, source, name, sha256, rows,"
                    " inserted, flagged, version, actor, received_at) VALUES (1, 'upload',"
                    " 'may.csv', :sha, 10, 10, 0, 1, 'cli', :t)"
                ),
                {"t": at, "sha": "0" * 64},
            )
            with pytest.raises(IntegrityError), connection.begin_nested():
                _add_ven(connection, "3", "site-b", "north")  # one name space before 0007
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.begin() as connection:
            names = connection.execute(
                text("SELECT client_id, ven_name FROM openadr_vens ORDER BY id")
            ).all()
            assert [tuple(row) for row in names] == [("site-a", "north"), ("site-b", "south")]
            spare = connection.execute(text("SELECT spare_mw FROM control_grid_state"))
            assert spare.scalar_one() == 12.5
            batch = connection.execute(text("SELECT name FROM settlement_meter_batches"))
            assert batch.scalar_one() == "may.csv"
            _add_ven(connection, "3", "site-b", "north")  # another owner's name: allowed now
        with pytest.raises(IntegrityError), engine.begin() as connection:
            _add_ven(connection, "4", "site-b", "north")  # the same owner's twice: never
        with pytest.raises(RuntimeError, match=r"used by more than one client.*: north$"):
            downgrade(engine, "0006")  # refused before anything changes
        assert current_revision(engine) == head_revision()
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM openadr_vens WHERE id = '3'"))
        downgrade(engine, "0006")
        assert current_revision(engine) == "0006"
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM openadr_vens")).scalar_one() == 2
    finally:
        drop_fresh(engine)


@pytest.mark.parametrize("name", ["0005_control.py", "0006_settlement.py"])
def test_the_controllers_and_settlements_migrations_import_no_live_code(name: str) -> None:
    path = MIGRATIONS_DIR / "versions" / name
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert roots <= {"__future__", "sqlalchemy", "alembic"}
