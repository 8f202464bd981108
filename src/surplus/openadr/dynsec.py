"""Talking to Mosquitto's dynamic-security plugin: JSON commands published on its control
topic, each answered on the response topic (Mosquitto 2.0, `$CONTROL/dynamic-security/v1`).

One batch of commands at a time per connection; every command carries correlation data so
an answer that arrives after its caller gave up is never taken for the next batch's.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as paho

from surplus.errors import SurplusError
from surplus.openadr.mqtt import Broker, connect_client

CONTROL_TOPIC = "$CONTROL/dynamic-security/v1"
RESPONSE_TOPIC = f"{CONTROL_TOPIC}/response"


class DynsecError(SurplusError):
    """The broker did not answer a dynamic-security command, or refused it."""


@dataclass(frozen=True)
class Answer:
    """One command's response: `error` is the plugin's message (None when it succeeded)."""

    command: str
    error: str | None
    data: dict[str, Any]


@dataclass
class _Pending:
    expected: int
    done: threading.Event = field(default_factory=threading.Event)
    responses: dict[int, dict[str, Any]] = field(default_factory=dict)


class DynsecControl:
    """A connection with the plugin's admin account that runs batches of commands."""

    def __init__(
        self, broker: Broker, connect_timeout_s: float = 5.0, answer_timeout_s: float = 5.0
    ) -> None:
        self.answer_timeout_s = answer_timeout_s
        self._lock = threading.Lock()
        self._waiting: dict[str, _Pending] = {}
        self._subscribed = threading.Event()
        self._client = paho.Client(
            paho.CallbackAPIVersion.VERSION2, client_id="", protocol=paho.MQTTv311
        )
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message
        connect_client(broker, self._client, connect_timeout_s)
        self._subscribed.wait(connect_timeout_s)

    def _on_connect(self, client: paho.Client, *_: Any) -> None:
        client.subscribe(RESPONSE_TOPIC, qos=1)  # again after every reconnect

    def _on_disconnect(self, *_: Any) -> None:
        self._subscribed.clear()

    def _on_subscribe(self, *_: Any) -> None:
        self._subscribed.set()

    def wait_connected(self, timeout_s: float) -> bool:
        """Wait until (re)connected and listening for answers; False if not by `timeout_s`."""
        return self._subscribed.wait(timeout_s)

    def _on_message(self, _client: paho.Client, _userdata: Any, message: Any) -> None:
        try:
            responses = json.loads(message.payload)["responses"]
        except (ValueError, KeyError, TypeError):
            return
        for response in responses:
            batch, _, index = str(response.get("correlationData", "")).partition(":")
            pending = self._waiting.get(batch)
            if pending is not None and index.isdigit():
                pending.responses[int(index)] = response
                if len(pending.responses) >= pending.expected:
                    pending.done.set()

    def run(self, commands: list[dict[str, Any]], timeout_s: float | None = None) -> list[Answer]:
        """Send `commands` as one batch and return their answers in order.

        Raises DynsecError when not connected or when the answers do not all come within
        `timeout_s` (default `answer_timeout_s`). A refused command is an Answer with
        `error` set, not an exception.
        """
        if not commands:
            return []
        if not self._subscribed.is_set():  # connected, and listening for the answers
            raise DynsecError("not connected to the MQTT broker's control topic")
        batch = uuid.uuid4().hex
        tagged = [{**c, "correlationData": f"{batch}:{i}"} for i, c in enumerate(commands)]
        pending = _Pending(len(commands))
        with self._lock:
            self._waiting[batch] = pending
            try:
                self._client.publish(CONTROL_TOPIC, json.dumps({"commands": tagged}), qos=1)
                if not pending.done.wait(timeout_s or self.answer_timeout_s):
                    names = ", ".join(command["command"] for command in commands)
                    raise DynsecError(f"no answer from the broker to {names}")
            finally:
                del self._waiting[batch]
        return [_answer(c["command"], pending.responses[i]) for i, c in enumerate(commands)]

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()


def _answer(command: str, response: dict[str, Any]) -> Answer:
    data = response.get("data")
    return Answer(command, response.get("error"), data if isinstance(data, dict) else {})


def check(answers: list[Answer], tolerated: tuple[str, ...] = ()) -> None:
    """Raise DynsecError for the first refusal whose message is not one of `tolerated`."""
    for answer in answers:
        if answer.error is not None and answer.error not in tolerated:
            raise DynsecError(f"the broker refused {answer.command}: {answer.error}")
