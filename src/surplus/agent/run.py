"""Running an agent on a real clock: step it every `tick_s`, keep its MQTT login current,
serve its webhook receiver if asked, until stopped."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import httpx

from surplus.agent.devices import Device
from surplus.agent.mqtt import AgentMqtt
from surplus.agent.ven import AgentConfig, SiteAgent
from surplus.openadr.mqtt import Broker

HTTP_TIMEOUT_S = 5.0


async def run_agent(
    config: AgentConfig,
    device: Device,
    tick_s: float = 1.0,
    mqtt_url: str = "",
    listen: tuple[str, int] | None = None,
    steps: int | None = None,
) -> SiteAgent:
    """Run until cancelled (or for `steps` steps). Every outbound request has a timeout
    and goes only to the configured VTN."""
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S, follow_redirects=False) as http:
        agent = SiteAgent(config, device, http)
        mqtt = (
            AgentMqtt(agent, Broker.from_url(mqtt_url), asyncio.get_running_loop())
            if mqtt_url
            else None
        )
        server = None
        if listen is not None:
            import uvicorn

            from surplus.agent.webhook import webhook_app

            app = webhook_app(agent, config.callback_token)
            server = uvicorn.Server(
                uvicorn.Config(app, host=listen[0], port=listen[1], log_level="warning")
            )
            serving = asyncio.create_task(server.serve())
        try:
            count = 0
            while steps is None or count < steps:
                await agent.step(datetime.now(UTC))
                if mqtt is not None:
                    mqtt.refresh(agent.token)
                count += 1
                await asyncio.sleep(tick_s)
        finally:
            if mqtt is not None:
                mqtt.close()
            if server is not None:
                server.should_exit = True
                with contextlib.suppress(asyncio.CancelledError):
                    await serving
    return agent
