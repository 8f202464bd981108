"""A real VTN in a uvicorn subprocess on 127.0.0.1, for tests that need a network server
(an independent client library, killing the process)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from surplus.api.spawn import free_port, spawn_server
from surplus.auth import create_client
from surplus.openadr.broker_access import ven_role
from surplus.openadr.dynsec import DynsecControl
from surplus.openadr.mqtt import Broker
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.migrate import upgrade
from tests.openadr.conftest import BASE, SECRET

MQTT_ENV = "SURPLUS_MQTT_URL"


def broker_url() -> str:
    """The test broker with the VTN's account (`eval "$(scripts/services.sh)"` starts one
    and sets the variable); skipped locally when unset, a failure in CI."""
    url = os.environ.get(MQTT_ENV, "")
    if url:
        return url
    message = f"{MQTT_ENV} is not set (run scripts/services.sh)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Server:
    database_url: str
    mqtt_url: str = ""
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    client_ids: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{BASE}"

    def prepare(self) -> None:
        engine = make_engine(self.database_url)
        upgrade(engine)
        engine.dispose()

    def add_client(self, role: str, name: str) -> tuple[str, str]:
        engine = make_engine(self.database_url)
        with make_sessionmaker(engine)() as session:
            new = create_client(session, role, name)
            session.commit()
        engine.dispose()
        self.client_ids.append(new.client_id)
        return new.client_id, new.client_secret

    def forget_broker_accounts(self) -> None:
        """Leave a shared access-controlled broker as found: remove the broker clients and
        roles the VTN made for this server's OAuth clients."""
        broker = Broker.from_url(self.mqtt_url) if self.mqtt_url else None
        if broker is None or not broker.access_controlled or not self.client_ids:
            return
        control = DynsecControl(broker)
        try:
            ids = self.client_ids
            commands = [{"command": "deleteClient", "username": c} for c in ids]
            commands += [{"command": "deleteRole", "rolename": ven_role(c)} for c in ids]
            control.run(commands)
        finally:
            control.close()

    def start(self, workers: int = 1) -> None:
        settings = {
            "SURPLUS_DATABASE_URL": self.database_url,
            "SURPLUS_SECRET_KEY": SECRET,
            "SURPLUS_ENVIRONMENT": "test",
            "SURPLUS_MQTT_URL": self.mqtt_url,
            # The token URL it advertises, and the loopback webhooks tests listen on.
            "SURPLUS_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            "SURPLUS_OUTBOUND_ALLOW_NETWORKS": "127.0.0.0/8",
        }
        self.process = spawn_server(self.port, settings, workers, self.log_path)

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, as in a crash."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None
