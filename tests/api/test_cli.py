from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from surplus.api.cli import admin_app, db_app
from surplus.auth import verify_secret
from surplus.settings import get_settings

app = typer.Typer()
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_admin_commands_provision_a_fresh_database(tmp_path: Path) -> None:
    url = ["--database-url", f"sqlite:///{tmp_path / 'cli.db'}"]
    assert _run("db", "upgrade", *url)[0] == 0
    code, out = _run("admin", "operator", "create", "--name", "Acme", *url)
    assert code == 0 and json.loads(out)["id"] == 1
    code, out = _run(
        "admin",
        "site",
        "create",
        "--operator-id",
        "1",
        "--name",
        "S",
        "--zone",
        "LESCO",
        "--lat",
        "31.5",
        "--lon",
        "74.3",
        "--connection-mw",
        "20",
        "--ven-id",
        "ven-1",
        *url,
    )
    assert code == 0 and json.loads(out)["ven_id"] == "ven-1"
    code, out = _run(
        "admin",
        "client",
        "create",
        "--role",
        "ven",
        "--name",
        "controller",
        "--ven-id",
        "ven-1",
        *url,
    )
    made = json.loads(out)
    assert code == 0 and made["role"] == "ven" and len(made["client_secret"]) >= 40
    from sqlalchemy import create_engine, text

    engine = create_engine(url[1])
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT secret_hash FROM clients")).scalar_one()
        actors = connection.execute(text("SELECT DISTINCT actor FROM audit_log")).scalars().all()
    engine.dispose()
    assert verify_secret(made["client_secret"], stored) and made["client_secret"] not in stored
    assert actors == ["cli"]
    code, out = _run("db", "maintain", *url)
    assert code == 0 and json.loads(out)["partitions_dropped"] == []


def test_mistakes_are_one_line_errors(tmp_path: Path) -> None:
    url = ["--database-url", f"sqlite:///{tmp_path / 'cli.db'}"]
    code, out = _run(
        "admin",
        "site",
        "create",
        "--operator-id",
        "7",
        "--name",
        "S",
        "--zone",
        "Z",
        "--lat",
        "1",
        "--lon",
        "1",
        "--connection-mw",
        "1",
        *url,
    )
    assert code == 1 and "operator 7 does not exist" in out
    code, out = _run("admin", "client", "create", "--role", "root", "--name", "x", *url)
    assert code == 1 and "role must be one of" in out
    _run("admin", "operator", "create", "--name", "Acme", *url)
    code, out = _run("admin", "operator", "create", "--name", "Acme", *url)
    assert code == 1 and "conflicts" in out
    code, out = _run(
        "db", "upgrade", "--database-url", "postgresql+psycopg://nobody:x@127.0.0.1:1/none"
    )
    assert code == 1 and "database error" in out


def test_serve_needs_both_tls_files() -> None:
    from surplus.server.cli import serve

    one = typer.Typer()
    one.command()(serve)
    one.command("other")(lambda: None)
    result = runner.invoke(one, ["serve", "--certfile", "cert.pem"])
    assert result.exit_code == 1 and "both --certfile and --keyfile" in result.output


def test_commands_read_the_environment_at_each_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A settings object an earlier caller cached in this process must not pick the store
    a command writes to (one process may run several commands against different stores)."""
    monkeypatch.setenv("SURPLUS_DATABASE_URL", f"sqlite:///{tmp_path / 'first.db'}")
    get_settings.cache_clear()
    try:
        get_settings()
        second = tmp_path / "second.db"
        monkeypatch.setenv("SURPLUS_DATABASE_URL", f"sqlite:///{second}")
        monkeypatch.setenv("SURPLUS_SECRET_KEY", secrets.token_urlsafe(32))
        code, out = _run("admin", "operator", "create", "--name", "Acme")
        assert code == 0, out
        assert second.exists() and not (tmp_path / "first.db").exists()
    finally:
        get_settings.cache_clear()
