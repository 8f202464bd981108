"""Speed of the OpenADR VTN on loopback, for SQLite and PostgreSQL.

1. Report posts per second sustained by N concurrent VEN clients (httpx async, one token
   each, a bounded run), with p50/p99 latency.
2. Time for one event to reach M subscribed VENs: by MQTT (M paho connections to the
   broker, subscribed to the program's event topic) and by webhook (M subscriptions, one
   callback URL each, served by a local receiver); p50/p99/max from the POST of the event.

    eval "$(sudo scripts/services.sh)"     # PostgreSQL + Mosquitto
    .venv/bin/python bench/service.py [--vens 200] [--seconds 10] [--fanout 1000] [--workers 2]

PostgreSQL is measured when SURPLUS_TEST_POSTGRES_URL is set (its own schema is created).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import httpx
import uvicorn
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from surplus.auth import SCOPES_BY_ROLE, grant_for
from surplus.settings import Settings
from surplus.store.base import make_engine
from surplus.store.migrate import upgrade

SECRET = "bench-secret-0123456789abcdef0123456789"
BASE = "/openadr3/3.1.0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- the server -----------------------------------------------------------------------------


@dataclass
class Vtn:
    database_url: str
    mqtt_url: str
    workers: int
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{BASE}"

    def token(self, role: str, name: str) -> tuple[str, str]:
        """A signed token for client `name`. Tokens are self-contained JWTs, so the bench
        skips registering thousands of clients (each secret costs a scrypt hash)."""
        settings = Settings(database_url=self.database_url, secret_key=SECRET)
        scopes = SCOPES_BY_ROLE[role]
        return name, grant_for(name, role, None, scopes, settings).access_token


@contextmanager
def running_vtn(database_url: str, mqtt_url: str, workers: int):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    vtn = Vtn(database_url, mqtt_url, workers, port=free_port())
    env = {
        **os.environ,
        "SURPLUS_DATABASE_URL": database_url,
        "SURPLUS_SECRET_KEY": SECRET,
        "SURPLUS_ENVIRONMENT": "test",
        "SURPLUS_MQTT_URL": mqtt_url,
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
        str(vtn.port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    vtn.process = subprocess.Popen(command, env=env)
    try:
        for _ in range(300):
            try:
                httpx.get(f"{vtn.url}/auth/server", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield vtn
    finally:
        vtn.process.terminate()
        vtn.process.wait(timeout=20)


def bl_setup(vtn: Vtn) -> tuple[str, str, str]:
    """BL's token, a program and an event on it."""
    _, bl = vtn.token("bl", "bench-bl")
    headers = {"Authorization": f"Bearer {bl}"}
    program = httpx.post(
        f"{vtn.url}/programs", headers=headers, json={"programName": f"bench-{time.time_ns()}"}
    ).json()["id"]
    event = httpx.post(
        f"{vtn.url}/events", headers=headers, json={"programID": program, "intervals": []}
    ).json()["id"]
    return bl, program, event


# -- 1. report posts ------------------------------------------------------------------------


async def post_reports(
    vtn: Vtn, tokens: list[str], event_id: str, seconds: float
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds
    body = {
        "eventID": event_id,
        "clientName": "bench",
        "resources": [
            {
                "resourceName": "AGGREGATED_REPORT",
                "intervals": [
                    {
                        "id": 0,
                        "payloads": [
                            {"type": "USAGE", "values": [123.4]},
                            {"type": "DEMAND", "values": [61.0]},
                        ],
                    }
                ],
            }
        ],
    }

    async def ven(http: httpx.AsyncClient, token: str) -> None:
        nonlocal errors
        headers = {"Authorization": f"Bearer {token}"}
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                response = await http.post(f"{vtn.url}/reports", json=body, headers=headers)
                ok = response.status_code == 201
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - started)
            else:
                errors += 1

    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        began = time.perf_counter()
        await asyncio.gather(*(ven(http, token) for token in tokens))
        elapsed = time.perf_counter() - began
    return {
        "posts": len(latencies),
        "errors": errors,
        "per_s": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


# -- 2a. fan-out by MQTT --------------------------------------------------------------------
# 1,000 paho clients need 1,000 threads, which on two cores takes minutes to set up; the
# subscribers here are a minimal MQTT 3.1.1 client on asyncio streams, all in one thread.


def _packet(kind: int, body: bytes) -> bytes:
    length, encoded = len(body), bytearray()
    while True:
        digit, length = length % 128, length // 128
        encoded.append(digit | (0x80 if length else 0))
        if not length:
            return bytes([kind]) + bytes(encoded) + body


def _text(value: str) -> bytes:
    raw = value.encode()
    return len(raw).to_bytes(2, "big") + raw


async def _read_packet(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    kind = (await reader.readexactly(1))[0]
    length, shift = 0, 0
    while True:
        digit = (await reader.readexactly(1))[0]
        length += (digit & 0x7F) << shift
        shift += 7
        if not digit & 0x80:
            return kind, await reader.readexactly(length)


async def _subscriber(
    host: str, port: int, name: str, topic: str, ready: list[int], arrivals: list[float]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    connect = _text("MQTT") + bytes([4, 0x02]) + (300).to_bytes(2, "big") + _text(name)
    writer.write(_packet(0x10, connect))
    await _read_packet(reader)  # CONNACK
    writer.write(_packet(0x82, (1).to_bytes(2, "big") + _text(topic) + bytes([0])))
    await _read_packet(reader)  # SUBACK
    ready.append(1)
    while True:
        kind, _ = await _read_packet(reader)
        if kind >> 4 == 3:  # PUBLISH
            arrivals.append(time.perf_counter())
            writer.close()
            return


def mqtt_fanout(vtn: Vtn, bl: str, program_id: str, count: int) -> dict[str, float]:
    host, port = vtn.mqtt_url.removeprefix("mqtt://").split(":")
    topic = f"openadr3/programs/{program_id}/events/create"
    arrivals: list[float] = []
    ready: list[int] = []
    started = 0.0

    async def main() -> None:
        nonlocal started
        tasks = [
            asyncio.create_task(_subscriber(host, int(port), f"ven-{i}", topic, ready, arrivals))
            for i in range(count)
        ]
        while len(ready) < count:
            await asyncio.sleep(0.01)
        started = time.perf_counter()
        async with httpx.AsyncClient(timeout=30) as http:
            await http.post(
                f"{vtn.url}/events",
                headers={"Authorization": f"Bearer {bl}"},
                json={
                    "programID": program_id,
                    "intervals": [
                        {"id": 0, "payloads": [{"type": "IMPORT_CAPACITY_LIMIT", "values": [0.0]}]}
                    ],
                },
            )
        await asyncio.wait(tasks, timeout=30)
        for task in tasks:
            task.cancel()

    asyncio.run(main())
    return delays(arrivals, started, count)


def delays(arrivals: list[float], started: float, count: int) -> dict[str, float]:
    values = sorted(a - started for a in arrivals)
    if not values:
        return {"received": 0, "p50_s": float("nan"), "p99_s": float("nan"), "max_s": float("nan")}
    return {
        "received": len(values),
        "p50_s": percentile(values, 0.5),
        "p99_s": percentile(values, 0.99),
        "max_s": values[-1],
        "at_99pct_s": values[max(0, int(0.99 * count) - 1)]
        if len(values) >= 0.99 * count
        else float("inf"),
    }


# -- 2b. fan-out by webhook -----------------------------------------------------------------


@contextmanager
def receiver(arrivals: list[float]):  # type: ignore[no-untyped-def]
    async def hook(request: Request) -> Response:
        await request.body()
        arrivals.append(time.perf_counter())
        return Response(status_code=200)

    app = Starlette(routes=[Route("/hook/{n}", hook, methods=["POST"])])
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def webhook_fanout(vtn: Vtn, bl: str, program_id: str, tokens: list[str]) -> dict[str, float]:
    arrivals: list[float] = []
    with receiver(arrivals) as hook_base, httpx.Client(timeout=30) as http:
        for n, token in enumerate(tokens):
            http.post(
                f"{vtn.url}/subscriptions",
                headers={"Authorization": f"Bearer {token}"},
                json={
                    "clientName": f"ven-{n}",
                    "programID": program_id,
                    "objectOperations": [
                        {
                            "objects": ["EVENT"],
                            "operations": ["CREATE"],
                            "callbackUrl": f"{hook_base}/hook/{n}",
                        }
                    ],
                },
            ).raise_for_status()
        started = time.perf_counter()
        http.post(
            f"{vtn.url}/events",
            headers={"Authorization": f"Bearer {bl}"},
            json={"programID": program_id, "intervals": []},
        ).raise_for_status()
        deadline = time.perf_counter() + 60
        while len(arrivals) < len(tokens) and time.perf_counter() < deadline:
            time.sleep(0.01)
    return delays(arrivals, started, len(tokens))


# -- driver ---------------------------------------------------------------------------------


def backends() -> list[tuple[str, str]]:
    found = [("SQLite", f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}")]
    base = os.environ.get("SURPLUS_TEST_POSTGRES_URL", "")
    if base:
        schema = f"bench_{os.getpid()}"
        admin = make_engine(base)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        separator = "&" if "?" in base else "?"
        found.append(("PostgreSQL", f"{base}{separator}options={quote(f'-csearch_path={schema}')}"))
    return found


def show_fanout(name: str, channel: str, count: int, fan: dict[str, float]) -> None:
    print(
        f"{name}: event to {count} VENs by {channel}: received {fan['received']:.0f}, "
        f"p50 {fan['p50_s'] * 1000:.0f} ms, p99 {fan['p99_s'] * 1000:.0f} ms, "
        f"max {fan['max_s'] * 1000:.0f} ms"
    )


def measure(name: str, vtn: Vtn, args: argparse.Namespace) -> None:
    bl, program_id, event_id = bl_setup(vtn)
    tokens = [vtn.token("ven", f"ven-{i}")[1] for i in range(args.vens)]
    asyncio.run(post_reports(vtn, tokens[:10], event_id, 1.0))  # warm-up
    result = asyncio.run(post_reports(vtn, tokens, event_id, args.seconds))
    print(
        f"{name}: {args.vens} VENs posting reports for {args.seconds:.0f} s: "
        f"{result['per_s']:.0f} posts/s, p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms ({result['posts']:.0f} ok, {result['errors']:.0f} failed)"
    )
    if args.fanout:
        show_fanout(name, "MQTT", args.fanout, mqtt_fanout(vtn, bl, program_id, args.fanout))
        hook_tokens = [vtn.token("ven", f"hook-{i}")[1] for i in range(args.fanout)]
        fan = webhook_fanout(vtn, bl, program_id, hook_tokens)
        show_fanout(name, "webhook", args.fanout, fan)


def run(args: argparse.Namespace) -> None:
    mqtt_url = os.environ.get("SURPLUS_MQTT_URL", "mqtt://127.0.0.1:1883")
    cpu = platform.processor() or platform.machine()
    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {cpu}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {args.workers} uvicorn worker(s), loopback"
    )
    for name, url in backends():
        if args.only and name.lower() != args.only:
            continue
        with running_vtn(url, mqtt_url, args.workers) as vtn:
            measure(name, vtn, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vens", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--fanout", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], default=None)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
