"""Publishing notifications to the MQTT broker (paho-mqtt), confirmed by the broker at QoS 1.

One connection per server process, run by paho's network thread; `publish_many` blocks
(call it from a worker thread) until each message is acknowledged or its timeout passes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import paho.mqtt.client as paho


@dataclass(frozen=True)
class Broker:
    host: str
    port: int

    @classmethod
    def from_url(cls, url: str) -> Broker:
        """`mqtt://host:port` (port 1883 when absent).

        >>> Broker.from_url("mqtt://127.0.0.1:1884")
        Broker(host='127.0.0.1', port=1884)
        """
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "tcp") or not parts.hostname:
            raise ValueError(f"expected mqtt://host:port, found {url!r}")
        return cls(parts.hostname, parts.port or 1883)


class Publisher:
    """A connected publisher; reconnects on its own after the broker drops it."""

    def __init__(self, broker: Broker, client_id: str = "", connect_timeout_s: float = 5.0) -> None:
        self._client = paho.Client(
            paho.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv311
        )
        self._client.max_inflight_messages_set(1000)
        self._client.max_queued_messages_set(0)
        self._client.reconnect_delay_set(min_delay=1, max_delay=30)
        self._client.connect_async(broker.host, broker.port, keepalive=30)
        self._client.loop_start()
        deadline = time.monotonic() + connect_timeout_s
        while not self._client.is_connected() and time.monotonic() < deadline:
            time.sleep(0.02)

    def publish_many(
        self, messages: list[tuple[str, str]], timeout_s: float = 10.0
    ) -> list[str | None]:
        """Publish (topic, payload) pairs at QoS 1: per message None if acked, else why not."""
        if not self._client.is_connected():
            return ["not connected to the MQTT broker"] * len(messages)
        infos = [self._client.publish(topic, payload, qos=1) for topic, payload in messages]
        deadline = time.monotonic() + timeout_s
        outcomes: list[str | None] = []
        for info in infos:
            if info.rc != paho.MQTT_ERR_SUCCESS:
                outcomes.append(f"publish refused: {paho.error_string(info.rc)}")
                continue
            try:
                info.wait_for_publish(max(0.0, deadline - time.monotonic()))
            except (RuntimeError, ValueError) as error:
                outcomes.append(f"publish failed: {error}")
                continue
            outcomes.append(None if info.is_published() else "no acknowledgement from the broker")
        return outcomes

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()
