"""A circuit breaker per callback host, so that a host that keeps failing stops costing a
connection and a timeout for every notification addressed to it.

After `threshold` failures in a row (no connection, a timeout, or a 5xx answer) the host's
circuit opens for `open_s` seconds: deliveries to it fail at once without a connection
(each counts as an attempt and is retried with the usual back-off). Then one delivery is
let through as a probe: success closes the circuit, failure opens it again for twice as
long, up to `max_open_s`. An answer below 500 shows the host is up, whatever it says about
the notification. Per worker process; pure and clock-driven, so tests can step time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

THRESHOLD = 5
OPEN_S = 30.0
MAX_OPEN_S = 600.0
MAX_HOSTS = 100_000


@dataclass
class _Circuit:
    failures: int = 0
    open_until: float = 0.0
    open_s: float = 0.0
    probing: bool = False


class HostBreaker:
    def __init__(
        self,
        threshold: int = THRESHOLD,
        open_s: float = OPEN_S,
        max_open_s: float = MAX_OPEN_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.first_open_s = open_s
        self.max_open_s = max_open_s
        self.clock = clock
        self._circuits: dict[str, _Circuit] = {}

    def refusal(self, host: str) -> str | None:
        """None if a delivery to `host` may go now (the probe, when one is due), else why
        not. A caller that is allowed must report the outcome with `record`."""
        circuit = self._circuits.get(host)
        if circuit is None or circuit.failures < self.threshold:
            return None
        now = self.clock()
        if now < circuit.open_until or circuit.probing:
            wait_s = max(0.0, circuit.open_until - now)
            return (
                f"not attempted: {host} failed {circuit.failures} times in a row "
                f"(circuit open, next try in {wait_s:.0f} s)"
            )
        circuit.probing = True
        return None

    def record(self, host: str, host_up: bool) -> None:
        """The outcome of a delivery that was let through."""
        if host_up:
            self._circuits.pop(host, None)
            return
        if len(self._circuits) >= MAX_HOSTS and host not in self._circuits:
            self._circuits.clear()  # a flood of hosts: forget rather than grow without end
        circuit = self._circuits.setdefault(host, _Circuit())
        circuit.failures += 1
        if circuit.failures >= self.threshold:
            was_probing = circuit.probing
            circuit.probing = False
            if was_probing or circuit.open_s == 0.0:
                circuit.open_s = (
                    min(self.max_open_s, circuit.open_s * 2) if was_probing else self.first_open_s
                )
                circuit.open_until = self.clock() + circuit.open_s

    def abandon(self, host: str) -> None:
        """A delivery let through ended without an answer either way (the worker stopped):
        if it was the probe, the next delivery probes instead."""
        circuit = self._circuits.get(host)
        if circuit is not None:
            circuit.probing = False
