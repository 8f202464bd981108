"""MQTT notifications for the agent (paho-mqtt): log in as the OAuth client with the
current access token (OpenADR 3.1.0 `OAUTH2_BEARER_TOKEN`), subscribe to the ven's event
topics, and hand each message to the agent on its event loop. Polling stays on as the
fallback whatever happens here."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import paho.mqtt.client as paho

from surplus.agent.ven import SiteAgent
from surplus.openadr.mqtt import Broker
from surplus.openadr.topics import VENS, topic_set

log = logging.getLogger(__name__)


def event_topics(ven_id: str) -> list[str]:
    """Where the ven's owner hears of events it may read.

    >>> event_topics("v1")
    ['openadr3/vens/v1/events/+']
    """
    return [topic_set(VENS, ven_id, "events")["ALL"]]


class AgentMqtt:
    """One broker connection for one agent; `refresh(token)` logs in again when the
    agent's token changes (the broker accepts only the latest)."""

    def __init__(self, agent: SiteAgent, broker: Broker, loop: asyncio.AbstractEventLoop) -> None:
        self.agent, self.broker, self.loop = agent, broker, loop
        self.token: str | None = None
        self.client: paho.Client | None = None

    def _on_connect(self, client: paho.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure or self.agent.ven_id is None:
            log.warning("MQTT login refused: %s", reason)
            return
        for name in event_topics(self.agent.ven_id):
            client.subscribe(name, qos=1)

    def _on_message(self, _client: paho.Client, _u: Any, message: paho.MQTTMessage) -> None:
        self.loop.call_soon_threadsafe(self.agent.notify, bytes(message.payload))

    def refresh(self, token: str | None) -> None:
        if token is None or token == self.token or self.agent.ven_id is None:
            return
        self.close()
        self.token = token
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
        client.on_connect = self._on_connect
        client.on_message = self._on_message
        if self.broker.tls:
            client.tls_set(ca_certs=self.broker.ca_file or None)
        client.username_pw_set(self.agent.config.client_id, token)
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        client.connect_async(self.broker.host, self.broker.port, keepalive=30)
        client.loop_start()
        self.client = client

    def close(self) -> None:
        if self.client is not None:
            self.client.disconnect()
            self.client.loop_stop()
            self.client = None
