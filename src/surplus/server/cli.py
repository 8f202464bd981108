"""`surplus serve`: migrate the database, check the production checklist, and run the app
under uvicorn (with no `server` banner, and forwarded headers trusted only from the
proxies SURPLUS_FORWARDED_ALLOW_IPS names)."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from surplus.api.cli import DbUrl, fail, friendly_errors, settings_for
from surplus.store.base import make_engine

APP_FACTORY = "surplus.server.app:create_app"


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
    """Run the API and the VTN (migrating the database first; SQLite file by default).

    With SURPLUS_ENVIRONMENT=production it refuses to start unless the production
    checklist holds (docs/security.md)."""
    import uvicorn

    from surplus.server.app import create_app
    from surplus.store.migrate import upgrade

    if (certfile is None) != (keyfile is None):
        fail("give both --certfile and --keyfile for TLS, or neither")
    settings = settings_for(database_url)
    if mqtt:
        settings = settings.model_copy(update={"mqtt_url": mqtt})
    with friendly_errors():
        settings.check_for_production()
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
        "server_header": False,
        "proxy_headers": bool(settings.forwarded_allow_ips),
        "forwarded_allow_ips": settings.forwarded_allow_ips or None,
    }
    if workers == 1:
        uvicorn.run(app, **options)
        return
    # Worker processes build their own app from the environment, so the options that
    # override it travel there.
    os.environ["SURPLUS_DATABASE_URL"] = settings.database_url
    os.environ["SURPLUS_MQTT_URL"] = settings.mqtt_url
    uvicorn.run(APP_FACTORY, factory=True, workers=workers, **options)
