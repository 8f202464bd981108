"""Speed of the OpenADR VTN on loopback, for SQLite and PostgreSQL.

1. Report posts per second from N VEN clients (wrk, one connection and token each): flat
   out, and paced at an offered rate; p50/p99 latency and server CPU per post; and the
   requests/s of an endpoint that does nothing, the ceiling of the HTTP stack itself.
2. Time for one event to reach M subscribed VENs: by MQTT (M connections to the broker,
   logged in with one bench account when it enforces access control, subscribed to the
   program's event topic) and by webhook (M subscriptions, one
   callback URL each, served by a local receiver); p50/p99/max from the POST of the event.

    eval "$(sudo scripts/services.sh)"     # PostgreSQL + Mosquitto
    .venv/bin/python bench/service.py [--vens 200] [--seconds 10] [--rate 167]
        [--fanout 1000] [--workers 2] [--only sqlite|postgresql] [--webhooks-only]

PostgreSQL is measured when SURPLUS_TEST_POSTGRES_URL is set (its own schema is created).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
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
from sqlalchemy import insert, text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from surplus.api.spawn import free_port, spawn_server
from surplus.auth import SCOPES_BY_ROLE, grant_for
from surplus.openadr.broker_access import PUBLIC_ROLE
from surplus.openadr.dynsec import DynsecControl, check
from surplus.openadr.mqtt import Broker
from surplus.openadr.topics import PUBLIC, topic
from surplus.settings import Settings
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.clients import Client
from surplus.store.migrate import upgrade

SECRET = secrets.token_urlsafe(32)  # a fresh signing key each run
BASE = "/openadr3/3.1.0"
UNUSABLE_HASH = "scrypt$unusable"  # bench clients never ask for tokens: they are signed here


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
        """A signed token for client `name` (registered by `register_clients`: the VTN
        refuses tokens of clients it does not know). Signing here skips thousands of
        token requests, each a scrypt hash."""
        settings = Settings(database_url=self.database_url, secret_key=SECRET)
        scopes = SCOPES_BY_ROLE[role]
        return name, grant_for(name, role, None, scopes, settings).access_token


def register_clients(database_url: str, clients: list[tuple[str, str]]) -> None:
    """Migrate the database and add the bench's (client id, role) pairs in one transaction,
    before the server starts (so its list of known clients has them all)."""
    engine = make_engine(database_url)
    upgrade(engine)
    with make_sessionmaker(engine)() as session, session.begin():
        session.execute(
            insert(Client),
            [
                {"client_id": cid, "secret_hash": UNUSABLE_HASH, "role": role, "name": cid}
                for cid, role in clients
            ],
        )
    engine.dispose()


@contextmanager
def running_vtn(database_url: str, mqtt_url: str, workers: int):  # type: ignore[no-untyped-def]
    """`surplus serve` (which migrates the database first) in a child process."""
    vtn = Vtn(database_url, mqtt_url, workers, port=free_port())
    settings = {
        "SURPLUS_DATABASE_URL": database_url,
        "SURPLUS_SECRET_KEY": SECRET,
        "SURPLUS_ENVIRONMENT": "test",
        "SURPLUS_MQTT_URL": mqtt_url,
        "SURPLUS_PUBLIC_URL": f"http://127.0.0.1:{vtn.port}",
        # The webhook receiver listens on loopback, which callbacks may not reach unless
        # the operator allows it.
        "SURPLUS_OUTBOUND_ALLOW_NETWORKS": "127.0.0.0/8",
    }
    # A busy machine and a broker holding many roles can make start-up slow.
    vtn.process = spawn_server(vtn.port, settings, workers, timeout_s=120)
    try:
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
# The load comes from wrk (C, one thread): a Python generator needs more CPU per request
# than the server, so on two cores it would measure itself. wrk's Lua script rotates
# through the VENs' tokens, gives every post its own Idempotency-Key and, when paced,
# makes each connection wait between posts as a VEN reporting on a schedule would.

WRK_SCRIPT = """
tokens = {%(tokens)s}
body = %(body)s
pause_ms = %(pause_ms)d
counter = 0
prefix = tostring(math.random(1, 1e9))
function request()
  counter = counter + 1
  local headers = {["Content-Type"] = "application/json",
                   ["Authorization"] = "Bearer " .. tokens[(counter %% #tokens) + 1],
                   ["Idempotency-Key"] = prefix .. "-" .. counter}
  return wrk.format(%(method)s, nil, headers, %(payload)s)
end
function delay()
  return pause_ms > 0 and math.random(0, 2 * pause_ms) or 0
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99),
    latency.max))
end
"""


def report_body(event_id: str) -> str:
    return json.dumps(
        {
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
    )


def server_cpu_s(vtn: Vtn) -> float:
    """CPU seconds used so far by the server and its worker processes (Linux /proc)."""
    assert vtn.process is not None
    pids = [str(vtn.process.pid)]
    children = Path(f"/proc/{vtn.process.pid}/task/{vtn.process.pid}/children")
    pids += children.read_text().split() if children.exists() else []
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk_load(
    url: str, tokens: list[str], body: str | None, seconds: float, pause_ms: int = 0
) -> dict[str, float]:
    """Run wrk with one connection per token; posts `body` (or GETs when None)."""
    if shutil.which("wrk") is None:
        sys.exit("bench/service.py needs wrk for the report load (apt-get install wrk)")
    script = WRK_SCRIPT % {
        "tokens": ",".join(json.dumps(token) for token in tokens),
        "body": json.dumps(body or ""),
        "pause_ms": pause_ms,
        "method": '"POST"' if body is not None else '"GET"',
        "payload": "body" if body is not None else "nil",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        command = ["wrk", "-t1", f"-c{len(tokens)}", f"-d{seconds:.0f}s", "--timeout", "30s"]
        began = time.perf_counter()
        done = subprocess.run(
            [*command, "-s", lua.name, url], capture_output=True, text=True, check=True
        )
        elapsed = time.perf_counter() - began
    line = next(row for row in done.stdout.splitlines() if row.startswith("RESULT"))
    requests, bad_status, socket_errors, p50_us, p99_us, max_us = map(int, line.split()[1:])
    return {
        "requests": requests,
        "failed": bad_status + socket_errors,
        "per_s": (requests - bad_status) / elapsed,
        "p50_ms": p50_us / 1000,
        "p99_ms": p99_us / 1000,
        "max_ms": max_us / 1000,
    }


def post_reports(
    vtn: Vtn, tokens: list[str], event_id: str, seconds: float, pause_ms: int = 0
) -> dict[str, float]:
    """Report posts from one connection per VEN, with server CPU per post."""
    cpu_before = server_cpu_s(vtn)
    result = wrk_load(f"{vtn.url}/reports", tokens, report_body(event_id), seconds, pause_ms)
    posts = max(1.0, result["requests"] - result["failed"])
    return {**result, "cpu_ms_per_post": (server_cpu_s(vtn) - cpu_before) * 1000 / posts}


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


def _connect_packet(name: str, login: tuple[str, str] | None) -> bytes:
    """CONNECT, clean session, keep-alive 300 s; with a username and password if given."""
    flags = 0x02 | (0xC0 if login else 0)
    body = _text("MQTT") + bytes([4, flags]) + (300).to_bytes(2, "big") + _text(name)
    if login:
        body += _text(login[0]) + _text(login[1])
    return _packet(0x10, body)


async def _subscriber(
    broker: Broker,
    login: tuple[str, str] | None,
    name: str,
    topic: str,
    ready: list[int],
    arrivals: list[float],
) -> None:
    reader, writer = await asyncio.open_connection(broker.host, broker.port)
    writer.write(_connect_packet(name, login))
    _, connack = await _read_packet(reader)
    if connack[1] != 0:
        raise RuntimeError(f"the broker refused subscriber {name} (CONNACK code {connack[1]})")
    writer.write(_packet(0x82, (1).to_bytes(2, "big") + _text(topic) + bytes([0])))
    await _read_packet(reader)  # SUBACK
    ready.append(1)
    while True:
        kind, _ = await _read_packet(reader)
        if kind >> 4 == 3:  # PUBLISH
            arrivals.append(time.perf_counter())
            writer.close()
            return


@contextmanager
def subscriber_login(broker: Broker):  # type: ignore[no-untyped-def]
    """One broker account for all the bench's subscribers, allowed the public topics (the
    bench's program is untargeted), removed afterwards; None on an anonymous broker."""
    if not broker.access_controlled:
        yield None
        return
    control = DynsecControl(broker)
    login = (f"bench-subscriber-{secrets.token_hex(4)}", secrets.token_urlsafe(24))
    try:
        roles = [{"rolename": PUBLIC_ROLE, "priority": 0}]
        account = {"username": login[0], "password": login[1], "roles": roles}
        check(control.run([{"command": "createClient", **account}]))
        yield login
    finally:
        control.run([{"command": "deleteClient", "username": login[0]}])
        control.close()


def mqtt_fanout(vtn: Vtn, bl: str, program_id: str, count: int) -> dict[str, float]:
    broker = Broker.from_url(vtn.mqtt_url)
    with subscriber_login(broker) as login:
        return _fanout(vtn, broker, login, bl, program_id, count)


def _fanout(
    vtn: Vtn, broker: Broker, login: tuple[str, str] | None, bl: str, program_id: str, count: int
) -> dict[str, float]:
    name = topic("CREATE", PUBLIC, "programs", program_id, "events")  # an untargeted program
    arrivals: list[float] = []
    ready: list[int] = []
    started = 0.0

    async def main() -> None:
        nonlocal started
        tasks = [
            asyncio.create_task(_subscriber(broker, login, f"ven-{i}", name, ready, arrivals))
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
        cpu = server_cpu_s(vtn)
        started = time.perf_counter()
        http.post(
            f"{vtn.url}/events",
            headers={"Authorization": f"Bearer {bl}"},
            json={"programID": program_id, "intervals": []},
        ).raise_for_status()
        deadline = time.perf_counter() + 60
        while len(arrivals) < len(tokens) and time.perf_counter() < deadline:
            time.sleep(0.01)
        time.sleep(1.0)  # the last outcomes recorded (an idle server uses next to no CPU)
        used_s = server_cpu_s(vtn) - cpu
    return {
        **delays(arrivals, started, len(tokens)),
        "cpu_ms_per_delivery": 1000 * used_s / len(tokens),
    }


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
    cpu = fan.get("cpu_ms_per_delivery")
    print(
        f"{name}: event to {count} VENs by {channel}: received {fan['received']:.0f}, "
        f"p50 {fan['p50_s'] * 1000:.0f} ms, p99 {fan['p99_s'] * 1000:.0f} ms, "
        f"max {fan['max_s'] * 1000:.0f} ms"
        + (f", server CPU {cpu:.2f} ms per delivery" if cpu is not None else "")
    )


def show_posts(name: str, what: str, result: dict[str, float]) -> None:
    print(
        f"{name}: {what}: {result['per_s']:.0f} posts/s, p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.0f} ms, server CPU "
        f"{result['cpu_ms_per_post']:.2f} ms/post ({result['failed']:.0f} failed)"
    )


def measure(name: str, vtn: Vtn, args: argparse.Namespace) -> None:
    bl, program_id, event_id = bl_setup(vtn)
    if args.webhooks_only:  # for comparing two versions' fan-out, run by run
        hook_tokens = [vtn.token("ven", f"hook-{i}")[1] for i in range(args.fanout)]
        fan = webhook_fanout(vtn, bl, program_id, hook_tokens)
        show_fanout(name, "webhook", args.fanout, fan)
        return
    tokens = [vtn.token("ven", f"ven-{i}")[1] for i in range(args.vens)]
    post_reports(vtn, tokens[:10], event_id, 2.0)  # warm-up
    flat_out = post_reports(vtn, tokens, event_id, args.seconds)
    show_posts(name, f"{args.vens} VENs posting back to back for {args.seconds:.0f} s", flat_out)
    pause_ms = round(1000 * args.vens / args.rate)
    paced = post_reports(vtn, tokens, event_id, args.seconds, pause_ms)
    what = f"{args.vens} VENs each posting every {pause_ms} ms on average (offered {args.rate}/s)"
    show_posts(name, what, paced)
    floor = wrk_load(f"{vtn.url}/auth/server", tokens, None, min(args.seconds, 5.0))
    print(
        f"{name}: framework ceiling, GET /auth/server (no auth, no database) from "
        f"{args.vens} connections: {floor['per_s']:.0f} requests/s"
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
        clients = [("bench-bl", "bl")] + [(f"ven-{i}", "ven") for i in range(args.vens)]
        clients += [(f"hook-{i}", "ven") for i in range(args.fanout)]
        register_clients(url, clients)
        with running_vtn(url, mqtt_url, args.workers) as vtn:
            measure(name, vtn, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vens", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--rate", type=int, default=167, help="paced posts/s (167 = 10,000 sites each minute)"
    )
    parser.add_argument("--fanout", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], default=None)
    parser.add_argument(
        "--webhooks-only", action="store_true", help="only the webhook fan-out (no posts, MQTT)"
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
