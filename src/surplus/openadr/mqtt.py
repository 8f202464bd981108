"""Publishing notifications to the MQTT broker (paho-mqtt), confirmed by the broker at QoS 1.

One connection per server process, run by paho's network thread; `publish_many` blocks
(call it from a worker thread) until each message is acknowledged or its timeout passes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as paho

TLS_SCHEMES = ("mqtts", "ssl")


@dataclass(frozen=True)
class Broker:
    """Where the broker is and, when it enforces access control, the VTN's own account.

    The password never appears in `repr` or in `public_url` (what VENs are told). Over
    TLS the broker's certificate is checked against `ca_file`, or the system's CAs.
    """

    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)
    tls: bool = False
    ca_file: str = ""

    @classmethod
    def from_url(cls, url: str, ca_file: str = "") -> Broker:
        """`mqtt://` or `mqtts://` `[user:password@]host:port` (port 1883, or 8883 over
        TLS, when absent; user and password percent-encoded).

        >>> Broker.from_url("mqtt://vtn:s%40cret@127.0.0.1:1884")
        Broker(host='127.0.0.1', port=1884, username='vtn', tls=False, ca_file='')
        >>> Broker.from_url("mqtts://vtn:s%40cret@broker.example").public_url
        'mqtts://broker.example:8883'
        """
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "tcp", *TLS_SCHEMES) or not parts.hostname:
            raise ValueError("expected mqtt:// or mqtts://[user:password@]host:port")
        tls = parts.scheme in TLS_SCHEMES
        username = unquote(parts.username or "")
        password = unquote(parts.password or "")
        port = parts.port or (8883 if tls else 1883)
        return cls(parts.hostname, port, username, password, tls, ca_file)

    @property
    def public_url(self) -> str:
        """The URL to advertise: no credentials in it."""
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"

    @property
    def access_controlled(self) -> bool:
        """A broker reached with an account enforces who reads what (dynamic security)."""
        return bool(self.username)


def connect_client(broker: Broker, client: paho.Client, connect_timeout_s: float) -> None:
    """Log in with the broker's account (if any), start the network thread and wait for the
    connection up to `connect_timeout_s` (paho keeps retrying after that)."""
    if broker.tls:
        client.tls_set(ca_certs=broker.ca_file or None)
    if broker.username:
        client.username_pw_set(broker.username, broker.password)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    client.connect_async(broker.host, broker.port, keepalive=30)
    client.loop_start()
    deadline = time.monotonic() + connect_timeout_s
    while not client.is_connected() and time.monotonic() < deadline:
        time.sleep(0.02)


class Publisher:
    """A connected publisher; reconnects on its own after the broker drops it.

    MQTT 5, so that a message the broker's access rules refuse comes back as a refusal
    (PUBACK "Not authorized") instead of an acknowledgement, as MQTT 3.1.1 would have it.
    """

    def __init__(self, broker: Broker, client_id: str = "", connect_timeout_s: float = 5.0) -> None:
        self._client = paho.Client(
            paho.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5
        )
        self._client.max_inflight_messages_set(1000)
        self._client.max_queued_messages_set(0)
        self._refused: dict[int, str] = {}
        self._client.on_publish = self._on_publish
        connect_client(broker, self._client, connect_timeout_s)

    def _on_publish(self, _client: Any, _userdata: Any, mid: int, reason: Any, _props: Any) -> None:
        # paho calls this before it marks the message published, so the refusal is seen.
        if reason.is_failure:
            self._refused[mid] = str(reason)

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
            refused = self._refused.pop(info.mid, None)
            if refused is not None:
                outcomes.append(f"the broker refused the message: {refused}")
            elif info.is_published():
                outcomes.append(None)
            else:
                outcomes.append("no acknowledgement from the broker")
        return outcomes

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()
