"""The site agent: a VEN that logs in with client credentials, learns of events by
notification (MQTT or webhook) with polling as the fallback, drives its device to the
binding limit, acknowledges each order, and reports metered power and state.

It is stepped: `await agent.step(now)` does whatever is due at `now`, so the same code
runs on a real clock (`run`) and on a simulated one. Losing the server changes nothing
the site does until its last event ends: the limits it holds keep binding. Then the
programme's fail-safe rule applies (`curtail`: down to the contract floor; `hold`: run
freely) until the server answers again. Reports made meanwhile are queued and sent on
reconnection, each with its own Idempotency-Key, so a retry never stores one twice.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import httpx

from surplus.agent import events as ev
from surplus.agent.devices import Device, DeviceError, Reading

log = logging.getLogger(__name__)
FailSafe = Literal["curtail", "hold"]
MAX_QUEUED_REPORTS = 2000


@dataclass(frozen=True)
class AgentConfig:
    """`vtn_url` is the VTN's base (…/openadr3/3.1.0). Powers in kW, times in seconds."""

    vtn_url: str
    client_id: str
    client_secret: str = field(repr=False)
    site_id: int
    full_kw: float
    floor_kw: float = 0.0
    program: str = "surplus-flex"
    sample_s: float = 5.0
    """Seconds between power samples while an order binds or power is moving."""
    idle_sample_s: float = 5.0
    """Seconds between samples otherwise."""
    report_s: float = 5.0
    """Seconds between telemetry reports while an order binds or power is moving."""
    idle_report_s: float = 60.0
    """Seconds between telemetry reports otherwise (samples batched, every one kept)."""
    poll_s: float = 30.0
    """Fallback: read events this often even when notifications arrive."""
    fail_safe: FailSafe = "curtail"
    fail_safe_after_s: float = 120.0
    """Without the server and without a live event for this long, the fail-safe applies."""
    retry_s: float = 5.0
    callback_url: str = ""
    """Where the VTN should post notifications (this agent's webhook receiver); empty:
    none (MQTT or polling only)."""
    callback_token: str = field(default="", repr=False)
    """Bearer token the VTN must send with each notification."""


@dataclass
class AgentStatus:
    online: bool = False
    last_contact: datetime | None = None
    limit_kw: float | None = None
    binding_event: str | None = None
    state: str = "NORMAL"
    fail_safe_active: bool = False
    acks_sent: int = 0
    reports_sent: int = 0
    queued: int = 0


class SiteAgent:
    def __init__(self, config: AgentConfig, device: Device, http: httpx.AsyncClient) -> None:
        self.config = config
        self.device = device
        self.http = http
        self.status = AgentStatus()
        self.events: dict[str, dict[str, Any]] = {}
        self.program_id: str | None = None
        self.telemetry_event: str | None = None
        self.ven_id: str | None = None
        self._token: str | None = None
        self._token_until: datetime | None = None
        self._next_poll: datetime | None = None
        self._next_sample: datetime | None = None
        self._next_report: datetime | None = None
        self._next_retry: datetime | None = None
        self._notified = False
        self._acked: set[tuple[str, str]] = set()
        self._applied: tuple[float | None] | None = None
        self._samples: list[Reading] = []
        self._outbox: deque[tuple[str, dict[str, Any]]] = deque(maxlen=MAX_QUEUED_REPORTS)
        self._moving_until: datetime | None = None
        self._started: datetime | None = None
        self._dirty = True

    @property
    def token(self) -> str | None:
        """The current access token (the MQTT broker's password for this client)."""
        return self._token

    # -- notifications ------------------------------------------------------------------

    def notify(self, message: bytes | str | dict[str, Any] | None = None) -> None:
        """A notification arrived (MQTT or webhook). An event in it is taken at once;
        anything else makes the next step read the events."""
        if message is not None:
            try:
                body = json.loads(message) if isinstance(message, bytes | str) else message
                obj = body.get("object") or {}
                if body.get("objectType") == "EVENT" and obj.get("id"):
                    if body.get("operation") == "DELETE":
                        self.events.pop(str(obj["id"]), None)
                    elif obj.get("programID") in (self.program_id, None) and ev.newer(
                        obj, self.events.get(str(obj["id"]))
                    ):
                        self.events[str(obj["id"])] = obj
                    self._dirty = True
                    return
            except (ValueError, AttributeError, TypeError):
                log.warning("unreadable notification ignored; events will be read")
        self._notified = True

    # -- the step -----------------------------------------------------------------------

    async def step(self, now: datetime) -> None:
        """Do what is due at `now`: talk to the server, follow the events, measure, report."""
        if self._started is None:
            self._started = now
        if self._server_due(now):
            await self._sync(now)
        # Acknowledge new orders before driving the devices: a stock-firmware miner can
        # take ~20 s to take a command, and the acknowledgement must not wait for it.
        if self._acknowledge(now) and self.status.online:
            await self._flush(now)
        await self._follow(now)
        await self.device.check(now)
        await self._measure(now)
        if self.status.online or self._retry_due(now):
            await self._flush(now)

    def next_due(self, now: datetime) -> datetime:
        """The earliest time the next `step` has anything to do (now, if something waits)."""
        if self._dirty or self._notified or self._started is None:
            return now
        if self.status.online and self._outbox:
            return now
        moments = [self._next_sample]
        moments.append(self._next_poll if self.status.online else self._next_retry)
        for event in self.events.values():
            for start, end, _ in ev.intervals(event):
                moments += [m for m in (start, end) if m > now]
        if not self.status.online and not self.status.fail_safe_active:
            ends = [e for x in self.events.values() if ev.is_control(x) and (e := ev.ends_at(x))]
            moments += [
                max(t for t in (self.status.last_contact, self._started, *ends) if t)
                + timedelta(seconds=self.config.fail_safe_after_s)
            ]
        found = [m for m in moments if m is not None]
        return max(min(found), now) if found else now

    def _server_due(self, now: datetime) -> bool:
        if not self.status.online:
            return self._retry_due(now)
        return self._notified or self._next_poll is None or now >= self._next_poll

    def _retry_due(self, now: datetime) -> bool:
        return self._next_retry is None or now >= self._next_retry

    async def _sync(self, now: datetime) -> None:
        try:
            await self._login(now)
            if self.program_id is None:
                await self._discover()
            await self._read_events()
        except (httpx.HTTPError, ServerError) as error:
            self._offline(now, error)
            return
        self._online(now)
        self._notified = False
        self._next_poll = now + timedelta(seconds=self.config.poll_s)

    def _online(self, now: datetime) -> None:
        self.status.online, self.status.last_contact = True, now
        self._next_retry = None

    def _offline(self, now: datetime, error: Exception) -> None:
        if self.status.online:
            log.warning("lost the VTN: %s", error)
        self.status.online = False
        self._next_retry = now + timedelta(seconds=self.config.retry_s)

    # -- talking to the VTN -------------------------------------------------------------

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        headers.update(kwargs.pop("headers", {}))
        response = await self.http.request(
            method, self.config.vtn_url + path, headers=headers, **kwargs
        )
        if response.status_code == 401:
            self._token = None
        if response.status_code >= 500 or response.status_code == 401:
            raise ServerError(f"{method} {path}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise RefusedError(
                f"{method} {path}: HTTP {response.status_code} {response.text[:300]}"
            )
        return response.json()

    async def _login(self, now: datetime) -> None:
        if self._token and self._token_until and now < self._token_until:
            return
        response = await self.http.post(
            self.config.vtn_url + "/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self.config.client_id,
                "client_secret": self.config.client_secret,
            },
        )
        if response.status_code != 200:
            raise ServerError(f"token refused: HTTP {response.status_code}")
        grant = response.json()
        self._token = grant["access_token"]
        self._token_until = now + timedelta(seconds=max(int(grant.get("expires_in", 300)) - 60, 30))

    async def _discover(self) -> None:
        programs = await self._request("GET", "/programs", params={"limit": 50})
        for program in programs:
            if program.get("programName") == self.config.program:
                self.program_id = str(program["id"])
        if self.program_id is None:
            raise ServerError(f"program {self.config.program!r} is not visible to this VEN")
        vens = await self._request("GET", "/vens", params={"limit": 1})
        self.ven_id = str(vens[0]["id"]) if vens else None
        if self.config.callback_url:
            await self._subscribe()

    async def _subscribe(self) -> None:
        """One webhook subscription to this program's events (made once; kept if found)."""
        mine = await self._request("GET", "/subscriptions", params={"programID": self.program_id})
        if any(
            op.get("callbackUrl") == self.config.callback_url
            for sub in mine
            for op in sub.get("objectOperations", [])
        ):
            return
        operation: dict[str, Any] = {
            "objects": ["EVENT"],
            "operations": ["CREATE", "UPDATE", "DELETE"],
            "callbackUrl": self.config.callback_url,
        }
        if self.config.callback_token:
            operation["bearerToken"] = self.config.callback_token
        body = {
            "clientName": f"site-{self.config.site_id}",
            "programID": self.program_id,
            "objectOperations": [operation],
        }
        await self._request("POST", "/subscriptions", json=body)

    async def _read_events(self) -> None:
        found: dict[str, dict[str, Any]] = {}
        skip = 0
        while True:
            page = await self._request(
                "GET", "/events", params={"programID": self.program_id, "skip": skip, "limit": 50}
            )
            for event in page:
                found[str(event["id"])] = event
                if event.get("eventName") == "telemetry" and not ev.is_control(event):
                    self.telemetry_event = str(event["id"])
            if len(page) < 50:
                break
            skip += 50
        for event_id, event in found.items():
            if ev.newer(event, self.events.get(event_id)):
                self.events[event_id] = event
        for gone in set(self.events) - set(found):
            del self.events[gone]

    # -- following the events -----------------------------------------------------------

    async def _follow(self, now: datetime) -> None:
        self._dirty = False
        for gone in [i for i, e in self.events.items() if _long_over(e, now)]:
            del self.events[gone]  # an event over for an hour binds nothing any more
        limit, event_id = ev.binding(
            self.events.values(), now, self.config.floor_kw, self.config.full_kw
        )
        self.status.fail_safe_active = False
        if limit is None and not self.status.online and self._fail_safe_due(now):
            self.status.fail_safe_active = True
            if self.config.fail_safe == "curtail":
                limit = self.config.floor_kw
        self.status.limit_kw, self.status.binding_event = limit, event_id
        if self._applied is None or self._applied[0] != limit:
            try:
                await self.device.apply(limit, now)
                self._applied = (limit,)
                self.status.state = "RUNNING_CURTAILED" if limit is not None else "NORMAL"
                self._moving_until = now + timedelta(seconds=120)
            except DeviceError as error:
                log.error("device refused the limit: %s", error)
                self.status.state = "ERROR"

    def _acknowledge(self, now: datetime) -> int:
        """Queue an acknowledgement for each order version not yet acknowledged."""
        before = self.status.acks_sent
        for event in list(self.events.values()):
            self._ack_if_new(event, now)
        return self.status.acks_sent - before

    def _fail_safe_due(self, now: datetime) -> bool:
        """Whether the site has been without the server, and without any event binding it,
        for the fail-safe delay (counted from the latest of: last contact, the last held
        event's end, the agent's start)."""
        ends = [end for e in self.events.values() if ev.is_control(e) and (end := ev.ends_at(e))]
        moments = [t for t in (self.status.last_contact, self._started, *ends) if t is not None]
        since = max(moments)
        return (now - since).total_seconds() >= self.config.fail_safe_after_s

    def _ack_if_new(self, event: dict[str, Any], now: datetime) -> None:
        if not ev.is_control(event):
            return
        version = (str(event["id"]), str(event.get("modificationDateTime", "")))
        if version in self._acked:
            return
        end = ev.ends_at(event)
        if end is not None and end <= now:
            self._acked.add(version)
            return
        self._acked.add(version)
        # Received and being followed; whether the site got there is for its meter to show.
        state = "ERROR" if self.status.state == "ERROR" else "RUNNING_CURTAILED"
        last = self._samples[-1].power_kw if self._samples else None
        payloads: list[dict[str, Any]] = [{"type": "OPERATING_STATE", "values": [state]}]
        if last is not None:
            payloads.append({"type": "DEMAND", "values": [round(last, 3)]})
        self._queue(str(event["id"]), "ack", [(now, payloads)])
        self.status.acks_sent += 1

    # -- measuring and reporting --------------------------------------------------------

    async def _measure(self, now: datetime) -> None:
        if self._next_sample is not None and now < self._next_sample:
            return
        reading = await self.device.read(now)
        self._samples.append(reading)
        limit = self.status.limit_kw
        busy = (self._moving_until is not None and now < self._moving_until) or (
            limit is not None and reading.power_kw > limit
        )
        every = self.config.sample_s if busy or limit is not None else self.config.idle_sample_s
        self._next_sample = now + timedelta(seconds=every)
        # While an order binds, reports go at the busy pace: the controller judges the
        # site by them, and its verdict cannot wait for an idle batch.
        gap = self.config.report_s if busy or limit is not None else self.config.idle_report_s
        if self._next_report is None:  # the first samples go with the next report
            self._next_report = now + timedelta(seconds=gap)
        elif now >= self._next_report or (
            busy and self._next_report - now > timedelta(seconds=gap)
        ):
            self._report_samples()
            self._next_report = now + timedelta(seconds=gap)

    def _report_samples(self) -> None:
        if not self._samples:
            return
        event_id = self.status.binding_event or self.telemetry_event
        if event_id is None:
            return  # nothing to report against yet; samples wait for the program
        state = self.status.state
        rows: list[tuple[datetime, list[dict[str, Any]]]] = [
            (
                s.at,
                [
                    {"type": "DEMAND", "values": [round(s.power_kw, 3)]},
                    {"type": "OPERATING_STATE", "values": [state]},
                ],
            )
            for s in self._samples
        ]
        self._queue(event_id, "telemetry", rows)
        self._samples = []

    def _queue(
        self, event_id: str, name: str, rows: list[tuple[datetime, list[dict[str, Any]]]]
    ) -> None:
        body = {
            "eventID": event_id,
            "clientName": f"site-{self.config.site_id}",
            "reportName": name,
            "payloadDescriptors": [
                {
                    "objectType": "REPORT_PAYLOAD_DESCRIPTOR",
                    "payloadType": "DEMAND",
                    "readingType": "DIRECT_READ",
                    "units": "KW",
                },
                {"objectType": "REPORT_PAYLOAD_DESCRIPTOR", "payloadType": "OPERATING_STATE"},
            ],
            "resources": [
                {
                    "resourceName": "AGGREGATED_REPORT",
                    "intervals": [
                        {
                            "id": k,
                            "intervalPeriod": {
                                "start": _rfc3339(at),
                                "duration": f"PT{int(self.config.sample_s)}S",
                            },
                            "payloads": payloads,
                        }
                        for k, (at, payloads) in enumerate(rows)
                    ],
                }
            ],
        }
        self._outbox.append((uuid.uuid4().hex, body))
        self.status.queued = len(self._outbox)

    async def _flush(self, now: datetime) -> None:
        while self._outbox:
            key, body = self._outbox[0]
            try:
                if self._token is None:
                    await self._login(now)
                await self._request("POST", "/reports", json=body, headers={"Idempotency-Key": key})
            except (httpx.HTTPError, ServerError) as error:
                self._offline(now, error)
                break
            except RefusedError as error:  # e.g. the event was deleted: drop, never retry
                log.warning("report refused and dropped: %s", error)
            else:
                self._online(now)
                self.status.reports_sent += 1
            self._outbox.popleft()
        self.status.queued = len(self._outbox)


class ServerError(Exception):
    """The VTN could not be reached or answered with a server error: try again later."""


class RefusedError(Exception):
    """The VTN refused a request as wrong (4xx other than 401): retrying will not help."""


def _long_over(event: dict[str, Any], now: datetime) -> bool:
    end = ev.ends_at(event) if ev.is_control(event) else None
    return end is not None and (now - end).total_seconds() > 3600


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
