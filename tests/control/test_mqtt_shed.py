"""Against the real broker (scripts/services.sh) and a VTN in its own process: a
frequency reading below the threshold reaches a site agent by MQTT, with no controller
and no polling, and the agent takes its site to the floor."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from surplus.agent.mqtt import AgentMqtt
from surplus.agent.simulated import SimulatedSite
from surplus.agent.ven import AgentConfig, SiteAgent
from surplus.openadr.mqtt import Broker
from tests.control.stack import ScriptedFeed, miner, world
from tests.openadr.server import Server, broker_url

pytestmark = pytest.mark.slow


def test_a_frequency_trip_reaches_the_agent_by_mqtt_within_seconds(tmp_path: Path) -> None:
    url = broker_url()
    w = world(tmp_path, [miner(1, 100)], ScriptedFeed({"mepco": 1000.0}))
    _, ((client_id, secret),) = w._register()
    w.engine.dispose()
    server = Server(w.settings.database_url, mqtt_url=url, log_path=tmp_path / "server.log")
    server.client_ids.append(client_id)
    bl_id, bl_secret = server.add_client("bl", "control room")
    server.start()
    try:
        elapsed = asyncio.run(_trip_and_listen(server, url, client_id, secret, bl_id, bl_secret))
    finally:
        server.stop()
        server.forget_broker_accounts()
    assert elapsed < 5.0


async def _trip_and_listen(
    server: Server, url: str, client_id: str, secret: str, bl_id: str, bl_secret: str
) -> float:
    device = SimulatedSite("farm", full_kw=100_000, ramp_kw_per_s=1e9, delay_s=0, noise_share=0)
    config = AgentConfig(
        vtn_url=server.base_url,
        client_id=client_id,
        client_secret=secret,
        site_id=1,
        full_kw=100_000,
        poll_s=3600,
    )
    public = Broker.from_url(url)
    async with httpx.AsyncClient(timeout=10) as http:
        agent = SiteAgent(config, device, http)
        await agent.step(datetime.now(UTC))
        assert agent.status.online and agent.ven_id is not None
        mqtt = AgentMqtt(
            agent,
            Broker(public.host, public.port, tls=public.tls, ca_file=public.ca_file),
            asyncio.get_running_loop(),
        )
        mqtt.refresh(agent.token)
        try:
            for _ in range(100):  # connected and subscribed
                if mqtt.client is not None and mqtt.client.is_connected():
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)
            token = (
                await http.post(
                    f"{server.base_url}/auth/token",
                    data={
                        "grant_type": "client_credentials",
                        "client_id": bl_id,
                        "client_secret": bl_secret,
                    },
                )
            ).json()["access_token"]
            api = server.base_url.replace("/openadr3/3.1.0", "/api/v1")
            started = time.perf_counter()
            answer = await http.post(
                f"{api}/control/frequency",
                headers={"Authorization": f"Bearer {token}"},
                json={"hz": 49.5, "observed_at": datetime.now(UTC).isoformat()},
            )
            assert answer.status_code == 201 and answer.json()["sites_shed"] == 1
            while time.perf_counter() - started < 10:
                await asyncio.sleep(0.02)
                if any(e.get("eventName") == "under-frequency shed" for e in agent.events.values()):
                    break
            elapsed = time.perf_counter() - started
            await agent.step(datetime.now(UTC))
            assert agent.status.limit_kw == 0.0
            assert device.exact_kw(datetime.now(UTC)) == 0.0
        finally:
            mqtt.close()
    return elapsed
