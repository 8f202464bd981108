"""Commands of the operations service's data: `db upgrade|maintain|verify-audit` and
`admin operator|site|client|key ...` (`surplus serve` lives in `surplus.server.cli`).

Register in surplus/cli.py with:
    app.add_typer(db_app, name="db")
    app.add_typer(admin_app, name="admin")
"""

from __future__ import annotations

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
from surplus.settings import Settings, read_settings
from surplus.store import audit
from surplus.store.base import make_engine, make_sessionmaker, session_scope

err = Console(stderr=True)
db_app = typer.Typer(help="Database: migrations and maintenance.", no_args_is_help=True)
admin_app = typer.Typer(help="Provision operators, sites and API clients.", no_args_is_help=True)
operator_app = typer.Typer(help="Operators.", no_args_is_help=True)
site_app = typer.Typer(help="Sites.", no_args_is_help=True)
client_app = typer.Typer(help="OAuth2 clients (VENs and business logic).", no_args_is_help=True)
key_app = typer.Typer(help="The key that signs access tokens.", no_args_is_help=True)
admin_app.add_typer(operator_app, name="operator")
admin_app.add_typer(site_app, name="site")
admin_app.add_typer(client_app, name="client")
admin_app.add_typer(key_app, name="key")

Result = TypeVar("Result")
ACTOR = "cli"
DbUrl = Annotated[
    str | None, typer.Option("--database-url", help="Overrides SURPLUS_DATABASE_URL.")
]


def settings_for(database_url: str | None) -> Settings:
    """The settings from the environment as it is at this call (not the service's cached
    ones), with the database a command line named; a bad SURPLUS_* variable is one line on
    stderr and exit status 1."""
    try:
        settings = read_settings()
    except SurplusError as error:
        fail(str(error))
        raise  # unreachable: fail exits
    return settings.model_copy(update={"database_url": database_url}) if database_url else settings


def fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(1)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Expected failures become one line on stderr and exit status 1, never a traceback."""
    try:
        yield
    except IntegrityError as error:
        fail(f"conflicts with stored data: {error.orig}")
    except SQLAlchemyError as error:
        fail(f"database error: {error.__class__.__name__}: {getattr(error, 'orig', error)}")
    except (SurplusError, ValueError, OSError) as error:
        fail(str(error))


def _in_session(database_url: str | None, work: Callable[[Session], Result]) -> Result:
    """Run `work` in one committed transaction on an up-to-date database."""
    from surplus.store.migrate import upgrade

    engine = make_engine(settings_for(database_url).database_url)
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

    with friendly_errors():
        engine = make_engine(settings_for(database_url).database_url)
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

    settings = settings_for(database_url)
    with friendly_errors():
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

    with friendly_errors():
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
    with friendly_errors():
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

    with friendly_errors():
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

    with friendly_errors():
        revoked = _in_session(database_url, lambda s: revoke_client(s, client_id, ACTOR))
        _print_json(asdict(revoked))


@db_app.command("verify-audit")
def db_verify_audit(database_url: DbUrl = None) -> None:
    """Check the audit log's hash chain offline, straight from the database (no server
    needed). Prints the result as JSON; exit status 1 when the chain is broken."""
    from surplus.store.audit import verify

    with friendly_errors():
        engine = make_engine(settings_for(database_url).database_url)
        try:
            with make_sessionmaker(engine)() as session:
                check = verify(session)
        finally:
            engine.dispose()
    _print_json(asdict(check))
    if not check.ok:
        fail(f"the audit chain is broken at entry {check.first_bad_id}: {check.reason}")


@key_app.command("rotate")
def key_rotate(
    database_url: DbUrl = None,
    revoke_previous: Annotated[
        bool,
        typer.Option(
            help="Refuse tokens signed with the old keys at once (a leaked key), instead of "
            "for one more token lifetime."
        ),
    ] = False,
) -> None:
    """Make a new signing key; tokens the old one signed stay valid for one token lifetime
    (SURPLUS_TOKEN_LIFETIME_S) unless --revoke-previous. Running servers switch within a
    second. Audited. For a key set by SURPLUS_SECRET_KEY, change the variable instead."""
    from surplus.auth.keys import rotate

    settings = settings_for(database_url)
    with friendly_errors():
        done = rotate(settings, datetime.now(UTC), revoke_previous)
        payload = {
            "new_kid": done.new_kid,
            "still_accepted": done.retired_kids,
            "revoke_previous": revoke_previous,
        }
        _in_session(
            database_url,
            lambda s: audit.record(s, ACTOR, "rotate", "signing_key", done.new_kid, payload),
        )
    _print_json(asdict(done))
