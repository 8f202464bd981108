"""Commands of the operations service: `serve`, `db upgrade|maintain`, `admin ...`.

Register in surplus/cli.py with:
    app.command("serve")(serve)
    app.add_typer(db_app, name="db")
    app.add_typer(admin_app, name="admin")
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from surplus.errors import SurplusError
from surplus.settings import Settings, get_settings
from surplus.store.base import make_engine, make_sessionmaker, session_scope

err = Console(stderr=True)
db_app = typer.Typer(help="Database: migrations and maintenance.", no_args_is_help=True)
admin_app = typer.Typer(help="Provision operators, sites and API clients.", no_args_is_help=True)
operator_app = typer.Typer(help="Operators.", no_args_is_help=True)
site_app = typer.Typer(help="Sites.", no_args_is_help=True)
client_app = typer.Typer(help="OAuth2 clients (VENs and business logic).", no_args_is_help=True)
admin_app.add_typer(operator_app, name="operator")
admin_app.add_typer(site_app, name="site")
admin_app.add_typer(client_app, name="client")

Result = TypeVar("Result")
ACTOR = "cli"
DbUrl = Annotated[
    str | None, typer.Option("--database-url", help="Overrides SURPLUS_DATABASE_URL.")
]


def _settings(database_url: str | None) -> Settings:
    settings = get_settings()
    return settings.model_copy(update={"database_url": database_url}) if database_url else settings


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(1)


@contextmanager
def _friendly_errors() -> Iterator[None]:
    """Expected failures become one line on stderr and exit status 1, never a traceback."""
    try:
        yield
    except IntegrityError as error:
        _fail(f"conflicts with stored data: {error.orig}")
    except SQLAlchemyError as error:
        _fail(f"database error: {error.__class__.__name__}: {getattr(error, 'orig', error)}")
    except (SurplusError, ValueError, OSError) as error:
        _fail(str(error))


def _in_session(database_url: str | None, work: Callable[[Session], Result]) -> Result:
    """Run `work` in one committed transaction on an up-to-date database."""
    from surplus.store.migrate import upgrade

    engine = make_engine(_settings(database_url).database_url)
    try:
        upgrade(engine)
        with session_scope(make_sessionmaker(engine)) as session:
            return work(session)
    finally:
        engine.dispose()


def _print_json(value: dict[str, Any]) -> None:
    from surplus import strict_json

    typer.echo(strict_json.dumps(value, default=str))


@db_app.command("upgrade")
def db_upgrade(database_url: DbUrl = None) -> None:
    """Migrate the database to the newest schema (creates it if new)."""
    from surplus.store.migrate import current_revision, upgrade

    with _friendly_errors():
        engine = make_engine(_settings(database_url).database_url)
        upgrade(engine)
        typer.echo(f"database at revision {current_revision(engine)}")
        engine.dispose()


@db_app.command("maintain")
def db_maintain(
    database_url: DbUrl = None,
    lookback_hours: Annotated[int, typer.Option(min=1, help="Closed hours to roll up again.")] = 48,
) -> None:
    """Create reading partitions ahead, roll up recent hours, drop minutes past retention
    and delivered OpenADR notifications older than SURPLUS_OUTBOX_RETENTION_DAYS."""
    from surplus.store.maintenance import maintain

    settings = _settings(database_url)
    with _friendly_errors():
        report = _in_session(
            database_url,
            lambda session: maintain(
                session,
                datetime.now(UTC),
                settings.raw_retention_months,
                settings.partitions_ahead_months,
                lookback_hours,
                outbox_retention_days=settings.outbox_retention_days,
            ),
        )
        _print_json(asdict(report))


@operator_app.command("create")
def operator_create(
    name: Annotated[str, typer.Option(help="Company name, unique.")],
    email: Annotated[str | None, typer.Option(help="Contact e-mail.")] = None,
    database_url: DbUrl = None,
) -> None:
    """Register an operator; prints it as JSON."""
    from surplus.api.admin import add_operator

    with _friendly_errors():
        _print_json(_in_session(database_url, lambda s: add_operator(s, name, email, ACTOR)))


@site_app.command("create")
def site_create(
    operator_id: Annotated[int, typer.Option(help="Id of the operator that runs it.")],
    name: Annotated[str, typer.Option()],
    zone: Annotated[str, typer.Option(help="Grid zone or DISCO.")],
    latitude_deg: Annotated[float, typer.Option("--lat", min=-90, max=90)],
    longitude_deg: Annotated[float, typer.Option("--lon", min=-180, max=180)],
    connection_mw: Annotated[float, typer.Option(min=0.001, help="Grid connection, MW.")],
    ven_id: Annotated[str | None, typer.Option(help="OpenADR venID of its controller.")] = None,
    database_url: DbUrl = None,
) -> None:
    """Register a site; prints it as JSON."""
    from surplus.api.admin import SiteSpec, add_site

    spec = SiteSpec(operator_id, name, zone, latitude_deg, longitude_deg, connection_mw, ven_id)
    with _friendly_errors():
        _print_json(_in_session(database_url, lambda s: add_site(s, spec, ACTOR)))


@client_app.command("create")
def client_create(
    role: Annotated[str, typer.Option(help="ven or bl")],
    name: Annotated[str, typer.Option(help="Who the client is, for people.")],
    ven_id: Annotated[str | None, typer.Option(help="venID this VEN client acts for.")] = None,
    database_url: DbUrl = None,
) -> None:
    """Create an OAuth2 client. The secret is printed once and stored only as a hash."""
    from surplus.auth import create_client

    with _friendly_errors():
        client = _in_session(
            database_url, lambda s: create_client(s, role, name, ven_id, actor=ACTOR)
        )
        _print_json(asdict(client))


@client_app.command("revoke")
def client_revoke(
    client_id: Annotated[str, typer.Argument(help="Id of the client to revoke.")],
    database_url: DbUrl = None,
) -> None:
    """Withdraw a client's access: no new tokens at once, issued tokens refused within
    SURPLUS_REVOCATION_REFRESH_S seconds (default 2). Revoking twice changes nothing."""
    from surplus.auth import revoke_client

    with _friendly_errors():
        revoked = _in_session(database_url, lambda s: revoke_client(s, client_id, ACTOR))
        _print_json(asdict(revoked))


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    certfile: Annotated[str | None, typer.Option(help="TLS certificate (PEM).")] = None,
    keyfile: Annotated[str | None, typer.Option(help="TLS private key (PEM).")] = None,
    mqtt: Annotated[
        str | None,
        typer.Option(help="MQTT broker URL (prefer SURPLUS_MQTT_URL: it may hold a password)."),
    ] = None,
    database_url: DbUrl = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes (one per core is a good start).")
    ] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
) -> None:
    """Run the API and the VTN (migrating the database first; SQLite file by default)."""
    import uvicorn

    from surplus.api.app import create_app
    from surplus.store.migrate import upgrade

    if (certfile is None) != (keyfile is None):
        _fail("give both --certfile and --keyfile for TLS, or neither")
    settings = _settings(database_url)
    if mqtt:
        settings = settings.model_copy(update={"mqtt_url": mqtt})
    with _friendly_errors():
        engine = make_engine(settings.database_url)
        upgrade(engine)
        engine.dispose()
        app = create_app(settings)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "ssl_certfile": certfile,
        "ssl_keyfile": keyfile,
        "access_log": access_log,
    }
    if workers == 1:
        uvicorn.run(app, **options)
        return
    # Worker processes build their own app from the environment, so the options that
    # override it travel there.
    os.environ["SURPLUS_DATABASE_URL"] = settings.database_url
    os.environ["SURPLUS_MQTT_URL"] = settings.mqtt_url
    uvicorn.run("surplus.api.app:create_app", factory=True, workers=workers, **options)
