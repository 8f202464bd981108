"""Part 3 of bench/control.py: decision to acknowledgement across N site agents.

The VTN runs as `surplus serve --workers 2`; the controller and an outbox worker of its
own (publishing to the broker) run in this process; the agents run in a child process,
one `SiteAgent` and one MQTT connection each (a minimal asyncio MQTT client, as in
bench/service.py: a thread per paho client would take minutes to start on two cores).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import secrets
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import insert

from surplus.api.spawn import free_port, spawn_server
from surplus.auth import SCOPES_BY_ROLE, grant_for
from surplus.control import vtn
from surplus.control.controller import Controller, ControllerConfig
from surplus.openadr.mqtt import Broker, Publisher
from surplus.openadr.outbox import OutboxWorker
from surplus.settings import Settings
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.clients import Client
from surplus.store.migrate import upgrade

SECRET = secrets.token_urlsafe(32)  # a fresh signing key each run
BASE = "/openadr3/3.1.0"


def _database(work: Path) -> str:
    """PostgreSQL (a schema of its own) when SURPLUS_TEST_POSTGRES_URL is set: several
    processes write at once here, which SQLite serialises; else a SQLite file."""
    base = os.environ.get("SURPLUS_TEST_POSTGRES_URL", "")
    if not base:
        return f"sqlite:///{work / 'acks.db'}"
    from urllib.parse import quote

    from sqlalchemy import text

    schema = f"bench_control_{os.getpid()}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-csearch_path={schema}')}"


def _subscriber_login(broker: Broker) -> tuple[str, str] | None:
    """One broker account with the business-logic read role for every bench agent."""
    if not broker.access_controlled:
        return None
    from surplus.openadr.broker_access import BL_ROLE
    from surplus.openadr.dynsec import DynsecControl, check

    control = DynsecControl(broker)
    login = (f"bench-agents-{secrets.token_hex(4)}", secrets.token_urlsafe(24))
    account = {
        "username": login[0],
        "password": login[1],
        "roles": [{"rolename": BL_ROLE, "priority": 0}],
    }
    check(control.run([{"command": "createClient", **account}]))
    control.close()
    return login


def _forget(broker: Broker, login: tuple[str, str] | None) -> None:
    if login is None:
        return
    from surplus.openadr.dynsec import DynsecControl

    control = DynsecControl(broker)
    control.run([{"command": "deleteClient", "username": login[0]}])
    control.close()


def _child(plan: dict[str, Any], ready: Any, results: Any) -> None:
    asyncio.run(_agents(plan, ready, results))


async def _agents(plan: dict[str, Any], ready: Any, results: Any) -> None:
    from bench.service import _connect_packet, _packet, _read_packet, _text

    from surplus.agent.simulated import SimulatedSite
    from surplus.agent.ven import AgentConfig, SiteAgent

    done: list[float] = []
    received: list[float] = []
    subscribed: list[int] = []
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:

        async def one(spec: dict[str, Any]) -> None:
            config = AgentConfig(
                vtn_url=plan["url"],
                client_id=spec["client"],
                client_secret="-",
                site_id=spec["site"],
                full_kw=spec["full_kw"],
                floor_kw=spec["floor_kw"],
                poll_s=1e9,
            )
            device = SimulatedSite("s", spec["full_kw"], spec["floor_kw"], noise_share=0)
            agent = SiteAgent(config, device, http)
            agent._token, agent._token_until = spec["token"], datetime(2100, 1, 1, tzinfo=UTC)
            agent.program_id, agent.ven_id = plan["program"], spec["ven"]
            agent.telemetry_event = plan["telemetry"]
            agent.status.online, agent._next_poll = True, datetime(2100, 1, 1, tzinfo=UTC)
            reader, writer = await asyncio.open_connection(plan["host"], plan["port"])
            login = tuple(plan["login"]) if plan["login"] else None
            writer.write(_connect_packet(f"bench-agent-{spec['site']}", login))
            await _read_packet(reader)
            name = f"openadr3/vens/{spec['ven']}/events/+"
            writer.write(_packet(0x82, (1).to_bytes(2, "big") + _text(name) + bytes([0])))
            await _read_packet(reader)
            subscribed.append(1)
            while True:
                kind, body = await _read_packet(reader)
                if kind >> 4 != 3:
                    continue
                length = int.from_bytes(body[:2], "big")
                received.append(time.time())
                agent.notify(body[2 + length :])
                await agent.step(datetime.now(UTC))
                if agent.status.acks_sent and not agent.status.queued:
                    done.append(time.time())
                    writer.close()
                    return

        tasks = [asyncio.create_task(one(spec)) for spec in plan["agents"]]
        while len(subscribed) < len(tasks):
            await asyncio.sleep(0.05)
        ready.set()
        await asyncio.wait(tasks, timeout=plan["timeout_s"])
        results.put((received, done))  # before closing: pending requests may take a while
        for task in tasks:
            task.cancel()


def bench_acks(count: int) -> None:
    url = os.environ.get("SURPLUS_MQTT_URL", "")
    if not url:
        print(
            "decision to acknowledgement: skipped (SURPLUS_MQTT_URL not set; "
            "run scripts/services.sh)"
        )
        return
    broker = Broker.from_url(url, os.environ.get("SURPLUS_MQTT_CA_FILE", ""))
    rng = np.random.default_rng(3)
    from bench.control import register

    with tempfile.TemporaryDirectory() as work:
        database = _database(Path(work))
        print(f"  (store: {database.split(':')[0]})")
        engine = make_engine(database)
        upgrade(engine)
        factory = make_sessionmaker(engine)
        zones = [f"z{k}" for k in range(20)]
        sheets = register(factory, count, zones, rng)
        now = datetime.now(UTC).replace(microsecond=0)
        settings = Settings(database_url=database, secret_key=SECRET, environment="test")
        with factory() as session:
            session.execute(
                insert(Client),
                [
                    {
                        "client_id": f"ven-{s['register_site_id']}",
                        "secret_hash": "bench: tokens minted",
                        "role": "ven",
                        "name": f"site {s['register_site_id']}",
                    }
                    for s in sheets
                ],
            )
            session.commit()
            program = vtn.ensure_program(session, "surplus-flex", zones, now, True)
            telemetry = vtn.telemetry_event(session, program)
            vens = {
                s["register_site_id"]: vtn.enrol_site(
                    session,
                    f"ven-{s['register_site_id']}",
                    s["register_site_id"],
                    s["zone"],
                    s["kind"],
                    now,
                    True,
                )
                for s in sheets
            }
        agents = [
            {
                "site": s["register_site_id"],
                "client": f"ven-{s['register_site_id']}",
                "ven": vens[s["register_site_id"]],
                "full_kw": s["allocated_mw"] * 1000,
                "floor_kw": s["allocated_mw"] * 1000 * (1 - s["curtailment"]["flexible_share"]),
                "token": grant_for(
                    f"ven-{s['register_site_id']}", "ven", None, SCOPES_BY_ROLE["ven"], settings
                ).access_token,
            }
            for s in sheets
        ]
        port = free_port()
        server = spawn_server(
            port,
            {
                "SURPLUS_DATABASE_URL": database,
                "SURPLUS_SECRET_KEY": SECRET,
                "SURPLUS_ENVIRONMENT": "test",
                "SURPLUS_MQTT_URL": url,
            },
            workers=2,
            log_path=Path(work) / "server.log",
            timeout_s=120,
        )
        login = _subscriber_login(broker)
        try:
            latencies = _measure(
                factory, program, telemetry, agents, zones, sheets, port, broker, login, url, now
            )
        finally:
            server.terminate()
            server.wait(timeout=20)
            _forget(broker, login)
            engine.dispose()
    if not latencies:
        print(f"decision to acknowledgement, {count:,} agents: none acknowledged")
        return
    ordered = np.sort(np.array(latencies))
    got = len(ordered)
    at99 = ordered[int(np.ceil(0.99 * count)) - 1] if got >= int(np.ceil(0.99 * count)) else None
    p50, p99 = (np.percentile(ordered, q) * 1000 for q in (50, 99))
    print(
        f"decision to acknowledgement, {count:,} agents ({got:,} acknowledged): "
        f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
        f"max {ordered[-1] * 1000:.0f} ms; 99 % of agents by "
        f"{'—' if at99 is None else f'{at99 * 1000:.0f} ms'}"
    )


def _measure(
    factory: Any,
    program: str,
    telemetry: str | None,
    agents: list[dict[str, Any]],
    zones: list[str],
    sheets: list[dict[str, Any]],
    port: int,
    broker: Broker,
    login: tuple[str, str] | None,
    url: str,
    now: datetime,
) -> list[float]:
    from bench.control import MovingFeed

    ctx = multiprocessing.get_context("spawn")
    ready, results = ctx.Event(), ctx.Queue()
    plan = {
        "url": f"http://127.0.0.1:{port}{BASE}",
        "program": program,
        "telemetry": telemetry,
        "agents": agents,
        "host": broker.host,
        "port": broker.port,
        "login": login,
        "timeout_s": 60,
    }
    child = ctx.Process(target=_child, args=(plan, ready, results))
    child.start()
    load = {z: sum(s["allocated_mw"] for s in sheets if s["zone"] == z) for z in zones}
    feed = MovingFeed(zones, {z: load[z] * 2 for z in zones})
    publisher = Publisher(Broker.from_url(url, broker.ca_file))

    async def decide_and_send() -> float:
        async with httpx.AsyncClient() as http:
            worker = OutboxWorker(factory, http, publisher, batch=5000)
            controller = Controller(
                factory, feed, ControllerConfig(program_id=program, mqtt_enabled=True)
            )
            controller.cycle(now)  # terms loaded: the timed cycle is a steady one
            while await worker.drain_once():
                pass
            if not ready.wait(600):
                raise RuntimeError("the agents did not subscribe in time")
            feed.spare = {z: 0.0 for z in zones}  # every site must shed
            started = time.time()
            await asyncio.to_thread(controller.cycle, now + timedelta(seconds=5))
            decided = time.time()
            while await worker.drain_once():
                pass
            print(
                f"  (decision and orders written: {(decided - started) * 1000:.0f} ms; "
                f"published: {(time.time() - started) * 1000:.0f} ms)"
            )
            return started

    started = asyncio.run(decide_and_send())
    received, done = results.get(timeout=plan["timeout_s"] + 600)
    if received:
        heard = np.array(received) - started
        print(
            f"  (order received by MQTT: p50 {np.percentile(heard, 50) * 1000:.0f} ms, "
            f"p99 {np.percentile(heard, 99) * 1000:.0f} ms)"
        )
    child.join(timeout=30)
    publisher.close()
    return [t - started for t in done]
