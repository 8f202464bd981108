"""A real VTN in a uvicorn subprocess on 127.0.0.1, for tests that need a network server
(an independent client library, killing the process)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from surplus.auth import create_client
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.migrate import upgrade
from tests.openadr.conftest import BASE, SECRET

MQTT_ENV = "SURPLUS_MQTT_URL"
DEFAULT_BROKER = ("127.0.0.1", 1883)


def broker_url() -> str:
    """The test broker (scripts/services.sh starts one); skipped locally when absent,
    a failure in CI."""
    url = os.environ.get(MQTT_ENV, "")
    if url:
        return url
    with socket.socket() as probe:
        probe.settimeout(0.5)
        if probe.connect_ex(DEFAULT_BROKER) == 0:
            return "mqtt://127.0.0.1:1883"
    message = "no MQTT broker on 127.0.0.1:1883 (run scripts/services.sh)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    database_url: str
    mqtt_url: str = ""
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

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
        return new.client_id, new.client_secret

    def start(self, workers: int = 1) -> None:
        env = {
            **os.environ,
            "SURPLUS_DATABASE_URL": self.database_url,
            "SURPLUS_SECRET_KEY": SECRET,
            "SURPLUS_ENVIRONMENT": "test",
            "SURPLUS_MQTT_URL": self.mqtt_url,
        }
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "surplus.api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--workers",
            str(workers),
        ]
        if self.log_path is None:
            self.process = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        else:
            with open(self.log_path, "ab") as log:  # the child keeps its own copy
                self.process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base_url}/auth/server", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("the VTN did not start within 30 s")

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
