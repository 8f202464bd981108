"""The service's hot paths in one process, without the network: steadier than
`bench/service.py` on a shared machine, for comparing two versions of the code.

    .venv/bin/python bench/hot_path.py posts [--count 1500]    # CPU per OpenADR report post
    .venv/bin/python bench/hot_path.py fanout [--count 1000]   # outbox to a local receiver

To compare with another commit, check it out elsewhere and put its `src` first:
`PYTHONPATH=/path/to/other/src .venv/bin/python bench/hot_path.py posts`. The script
works with the code before the security hardening too (it falls back to that code's app
factory and plain HTTP client).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import tempfile
import threading
import time
import warnings
from typing import Any

import httpx
import uvicorn
from sqlalchemy import insert
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from surplus.api.spawn import free_port
from surplus.auth import SCOPES_BY_ROLE, create_client, grant_for
from surplus.openadr.outbox import OutboxWorker
from surplus.settings import Settings
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.migrate import upgrade
from surplus.store.openadr_tables import OutboxRow
from surplus.store.types import utc_now

BASE = "/openadr3/3.1.0"
REPORT = {
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


def _database() -> str:
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def _create_app(settings: Settings) -> Any:
    try:
        from surplus.server.app import create_app
    except ImportError:  # the code before surplus.server existed
        from surplus.api.app import create_app  # type: ignore[attr-defined,no-redef]
    return create_app(settings)


def posts(count: int) -> None:
    """Process CPU time per report post (one post per batch), and per GET /programs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    url = _database()
    settings = Settings(
        database_url=url, secret_key=secrets.token_urlsafe(32), environment="test", mqtt_url=""
    )
    with make_sessionmaker(make_engine(url))() as session:
        bl = create_client(session, "bl", "bench-bl")
        ven = create_client(session, "ven", "bench-ven")
        session.commit()
    app = _create_app(settings)
    app.state.openadr_run_worker = False

    def headers(client_id: str, role: str) -> dict[str, str]:
        token = grant_for(client_id, role, None, SCOPES_BY_ROLE[role], settings).access_token
        return {"Authorization": f"Bearer {token}"}

    with TestClient(app) as http:
        as_bl, as_ven = headers(bl.client_id, "bl"), headers(ven.client_id, "ven")
        program = http.post(f"{BASE}/programs", json={"programName": "p"}, headers=as_bl)
        event = http.post(
            f"{BASE}/events",
            json={"programID": program.json()["id"], "intervals": []},
            headers=as_bl,
        ).json()["id"]
        body = {"eventID": event, **REPORT}
        for n in range(200):  # warm up
            http.post(f"{BASE}/reports", json=body, headers={**as_ven, "Idempotency-Key": f"w{n}"})
        cpu, wall = time.process_time(), time.perf_counter()
        for n in range(count):
            answer = http.post(
                f"{BASE}/reports", json=body, headers={**as_ven, "Idempotency-Key": f"k{n}"}
            )
            assert answer.status_code == 201, answer.text
        post_cpu, post_wall = time.process_time() - cpu, time.perf_counter() - wall
        cpu = time.process_time()
        for _ in range(count):
            http.get(f"{BASE}/programs", headers=as_ven)
        get_cpu = time.process_time() - cpu
    print(
        f"report post: {1000 * post_cpu / count:.3f} ms CPU, {1000 * post_wall / count:.3f} ms "
        f"wall; GET /programs: {1000 * get_cpu / count:.3f} ms CPU ({count} each)"
    )


def fanout(count: int, per_host: int = 0) -> None:
    """Time until `count` queued webhooks reach a local receiver (p50 and all)."""
    arrivals: list[float] = []

    async def hook(request: Request) -> Response:
        await request.body()
        arrivals.append(time.perf_counter())
        return Response(status_code=200)

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            Starlette(routes=[Route("/hook/{n}", hook, methods=["POST"])]),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = _database()
    factory = make_sessionmaker(make_engine(url))
    now = utc_now()
    rows = [
        {
            "created_at": now,
            "channel": "WEBHOOK",
            "destination": f"http://127.0.0.1:{port}/hook/{n}",
            "bearer_token": None,
            "payload": "{}",
            "status": "PENDING",
            "attempts": 0,
            "next_attempt_at": now,
        }
        for n in range(count)
    ]
    with factory() as session, session.begin():
        session.execute(insert(OutboxRow), rows)

    async def main() -> None:
        try:
            from surplus.openadr.outbound import Outbound, OutboundPolicy

            limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
            outbound = Outbound(OutboundPolicy.from_networks(["127.0.0.0/8"]))
            http = outbound.client(limits)
        except ImportError:  # the code before the outbound guard
            http = httpx.AsyncClient(timeout=10.0, follow_redirects=False)
        options = {"per_host": per_host} if per_host else {}  # the code before had no limit
        worker = OutboxWorker(factory, http, None, **options)
        cpu, started = time.process_time(), time.perf_counter()
        running = asyncio.create_task(worker.run())
        while len(arrivals) < count and time.perf_counter() - started < 120:
            await asyncio.sleep(0.01)
        used_s = time.process_time() - cpu  # the receiver's share included, alike for both
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await http.aclose()
        times = sorted(at - started for at in arrivals)
        print(
            f"fan-out of {count}: received {len(times)}, p50 {times[len(times) // 2]:.2f} s, "
            f"all {times[-1]:.2f} s, process CPU {1000 * used_s / count:.2f} ms per delivery"
        )

    asyncio.run(main())
    server.should_exit = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["posts", "fanout"])
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument(
        "--per-host", type=int, default=0, help="fanout: deliveries at once to one host"
    )
    args = parser.parse_args()
    if args.what == "posts":
        posts(args.count or 1500)
    else:
        fanout(args.count or 1000, args.per_host)


if __name__ == "__main__":
    main()
