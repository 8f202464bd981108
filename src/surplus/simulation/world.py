"""The simulated world: the operations service (store, VTN, audit log), the controller and
one agent per site, all in one process on a virtual clock.

Agents talk to the VTN over HTTP through an in-process transport, so every order and
report takes the real path (authentication, validation, group-committed reports, the
audit log); the VTN's outbox delivers events to the agents' webhook receivers the same
way. Nothing waits for real time: the clock jumps tick by tick, and the controller runs
every `cycle_s` while anything is curtailed and whenever the grid state changes.

The service runs as hardened as `surplus serve`: a signing key made for the run (never
one written down), a client registered for every agent before it asks for a token, and
outbound requests default-deny. Every agent's webhook receiver is on this machine, at a
loopback address of its own (`127.77.x.y`), so the simulation sets
SURPLUS_OUTBOUND_ALLOW_NETWORKS to loopback only (`LOOPBACK_ONLY`), and says so when it
starts; the in-process network enforces that policy on every delivery as the real one
would.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import select

from surplus.agent.simulated import SimulatedSite
from surplus.agent.ven import AgentConfig, SiteAgent
from surplus.agent.webhook import webhook_app
from surplus.auth import create_client
from surplus.control import vtn
from surplus.control.controller import Controller, ControllerConfig
from surplus.control.decision import Policy
from surplus.control.feeds import GridFeed
from surplus.control.grid import FrequencyReading, GridSnapshot
from surplus.control.orders import OrderRules
from surplus.control.registry import Placement, enrol_term_sheets
from surplus.openadr.outbound import OutboundPolicy, OutboundRefused
from surplus.openadr.outbox import OutboxWorker
from surplus.server.app import create_app
from surplus.settings import Settings
from surplus.simulation.scenario import FrequencyDip, Scenario
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.control_tables import ControlNonCompliance, ControlOrder
from surplus.store.migrate import upgrade

VTN_HOST = "http://vtn.sim"
VTN_URL = VTN_HOST + "/openadr3/3.1.0"
LOOPBACK_ONLY = ("127.0.0.0/8",)
"""The one private network the simulation lets callbacks reach: this machine's loopback."""


def callback_host(site_id: int) -> str:
    """A loopback address of the site's own for its agent's webhook receiver.

    >>> callback_host(1), callback_host(300)
    ('127.77.0.1', '127.77.1.44')
    """
    return f"127.77.{site_id // 256 % 256}.{site_id % 256}"


class WithDips:
    """A feed with frequency dips added: 50 Hz, except `hz` during each dip."""

    def __init__(self, feed: GridFeed, dips: tuple[FrequencyDip, ...]) -> None:
        self.feed, self.dips = feed, dips

    def next_change(self, now: datetime) -> datetime | None:
        moments = [getattr(self.feed, "next_change", lambda _: None)(now)]
        for dip in self.dips:
            moments += [dip.start, dip.start + timedelta(seconds=dip.duration_s)]
        later = [m for m in moments if m is not None and m > now]
        return min(later) if later else None

    def snapshot(self, now: datetime) -> GridSnapshot:
        base = self.feed.snapshot(now)
        hz = 50.0
        for dip in self.dips:
            if dip.start <= now < dip.start + timedelta(seconds=dip.duration_s):
                hz = dip.hz
        return GridSnapshot(base.at, base.zones, FrequencyReading(hz, now, "simulated"))


class Network(httpx.AsyncBaseTransport):
    """The agents' way to the VTN; `down` makes every request fail as a lost network would."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("the network is down (simulated)", request=request)
        return await self.inner.handle_async_request(request)


class _Router(httpx.AsyncBaseTransport):
    """Routes the outbox's webhook posts to each agent's receiver by host, after the
    check the real network layer makes (`surplus.openadr.outbound`): an address the
    service's policy does not permit is never reached."""

    def __init__(self, routes: dict[str, httpx.AsyncBaseTransport], policy: OutboundPolicy):
        self.routes = routes
        self.policy = policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            await self.policy.addresses(request.url.host, request.url.port or 80)
        except OutboundRefused as error:
            raise httpx.ConnectError(str(error), request=request) from None
        transport = self.routes.get(request.url.host)
        if transport is None:
            raise httpx.ConnectError("nothing listens there (simulated)", request=request)
        return await transport.handle_async_request(request)


@dataclass(repr=False)
class Timeline:
    """Sampled every tick: per zone spare and flexible load drawn; per site power."""

    times: list[datetime] = field(default_factory=list)
    spare_mw: list[np.ndarray] = field(default_factory=list)
    drawn_mw: list[np.ndarray] = field(default_factory=list)
    site_mw: list[np.ndarray] = field(default_factory=list)


@dataclass
class SimResult:
    scenario: Scenario
    zones: list[str]
    tick_s: float
    timeline: Timeline
    orders: list[dict[str, Any]]
    noncompliance: list[dict[str, Any]]
    audit_entries: int
    audit_ok: bool
    decisions_logged: int
    cycles: int
    wall_s: float = 0.0


class World:
    def __init__(
        self,
        scenario: Scenario,
        feed: GridFeed,
        workdir: Path,
        tick_s: float = 5.0,
        cycle_s: float = 15.0,
        policy: Policy | None = None,
        agent_options: dict[str, Any] | None = None,
        controller_options: dict[str, Any] | None = None,
    ) -> None:
        self.scenario = scenario
        self.feed = WithDips(feed, scenario.dips)
        self.tick_s, self.cycle_s = tick_s, cycle_s
        self.policy = policy or Policy(stale_after_s=7200.0)
        url = f"sqlite:///{workdir / 'simulation.db'}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{workdir / 'simulation.db'}{suffix}").unlink(missing_ok=True)
        self.settings = Settings(
            database_url=url,
            secret_key=secrets.token_urlsafe(32),  # made for this run, forgotten after it
            environment="development",
            public_url=VTN_HOST,
            outbound_allow_networks=list(LOOPBACK_ONLY),
            token_lifetime_s=86_400,
            revocation_refresh_s=300.0,
        )
        self.engine = make_engine(url)
        upgrade(self.engine)
        self.factory = make_sessionmaker(self.engine)
        self.app = create_app(self.settings)
        self.app.state.openadr_run_worker = False
        self.devices: list[SimulatedSite] = []
        self.agents: list[SiteAgent] = []
        self.agent_options = agent_options or {}
        self.controller_options = controller_options or {}
        self.network = Network(httpx.ASGITransport(app=self.app))

    def security_note(self) -> str:
        """What the simulation opens that a default `surplus serve` keeps shut."""
        networks = ", ".join(self.settings.outbound_allow_networks)
        return (
            f"Webhooks: the agents' receivers are on this machine, so this simulation sets "
            f"SURPLUS_OUTBOUND_ALLOW_NETWORKS={networks} (loopback only; a default service "
            f"calls public addresses only). Signing key: made for this run."
        )

    # -- set-up -------------------------------------------------------------------------

    def _register(self) -> tuple[str, list[tuple[str, str]]]:
        """The term sheets enrolled in the register (operators, sites, active allocations
        carrying the sheets), the program, and one VEN client and ven per site."""
        start = self.scenario.start
        credentials = []
        with self.factory() as session:
            placements = [Placement(30.0, 70.0, sim.site_id) for sim in self.scenario.sites]
            enrol_term_sheets(session, [sim.sheet for sim in self.scenario.sites], placements)
            session.commit()
            program_id = vtn.ensure_program(
                session, "surplus-flex", self.scenario.zones, start, False
            )
            for sim in self.scenario.sites:
                sheet, site_id = sim.sheet, sim.site_id
                client = create_client(session, "ven", f"site-{site_id} agent")
                session.commit()
                vtn.enrol_site(
                    session,
                    client.client_id,
                    site_id,
                    sheet.zone,
                    sheet.kind,
                    start,
                    False,
                    sheet.trips_on_under_frequency,
                )
                credentials.append((client.client_id, client.client_secret))
        return program_id, credentials

    def _agents(self, credentials: list[tuple[str, str]]) -> dict[str, httpx.AsyncBaseTransport]:
        routes: dict[str, httpx.AsyncBaseTransport] = {}
        http = httpx.AsyncClient(transport=self.network, timeout=30)
        for sim, (client_id, secret) in zip(self.scenario.sites, credentials, strict=True):
            sheet, how = sim.sheet, sim.behaviour
            site_id = sim.site_id
            device = SimulatedSite(
                name=sim.name,
                full_kw=sheet.allocated_mw * 1000,
                floor_kw=sheet.floor_mw * 1000,
                ramp_kw_per_s=how.ramp_mw_per_s * 1000,
                delay_s=how.delay_s,
                lies=how.lies,
                seed=site_id,
            )
            host = callback_host(site_id)
            token = secrets.token_urlsafe(16)
            options: dict[str, Any] = {
                "sample_s": 2 * self.tick_s,
                "idle_sample_s": 300.0,
                "report_s": 120.0,
                "idle_report_s": 900.0,
                "poll_s": 3600.0,
                **self.agent_options,
            }
            config = AgentConfig(
                vtn_url=VTN_URL,
                client_id=client_id,
                client_secret=secret,
                site_id=site_id,
                full_kw=device.full_kw,
                floor_kw=device.floor_kw,
                callback_url=f"http://{host}/",
                callback_token=token,
                **options,
            )
            agent = SiteAgent(config, device, http)
            routes[host] = httpx.ASGITransport(app=webhook_app(agent, token))
            self.devices.append(device)
            self.agents.append(agent)
        return routes

    # -- running ------------------------------------------------------------------------

    async def setup(self) -> None:
        """Register the programme, start the agents, the outbox worker and the controller."""
        self.program_id, credentials = self._register()
        routes = self._agents(credentials)
        policy = OutboundPolicy.from_networks(self.settings.outbound_allow_networks)
        self._outbox_http = httpx.AsyncClient(transport=_Router(routes, policy), timeout=10)
        self.worker = OutboxWorker(self.factory, self._outbox_http, None)
        self.app.state.openadr_worker = self.worker
        options: dict[str, Any] = {
            "policy": self.policy,
            "rules": OrderRules(horizon_s=3600.0),
            "compliance_window_s": 150.0,
            "offline_after_s": 3600.0,
            "terms_reload_s": 86_400.0,
            **self.controller_options,
        }
        self.config = ControllerConfig(program_id=self.program_id, **options)
        self.controller = Controller(self.factory, self.feed, self.config)

    async def advance(self, now: datetime, control: bool = True) -> None:
        """One step of everything at `now` (tests): a control cycle, notifications out,
        every agent's step, notifications out again."""
        if control:
            self.controller.cycle(now)
        await self.worker.drain_once()
        await asyncio.gather(*(agent.step(now) for agent in self.agents))
        await self.worker.drain_once()

    async def close(self) -> None:
        await self._outbox_http.aclose()
        self.engine.dispose()

    async def run(
        self, end: datetime, progress: Callable[[int, int], None] | None = None
    ) -> SimResult:
        import time as wall

        began = wall.perf_counter()
        await self.setup()
        worker, controller = self.worker, self.controller
        zones = self.scenario.zones
        zone_of = np.array([zones.index(s.sheet.zone) for s in self.scenario.sites])
        timeline = Timeline()
        start = self.scenario.start
        total_s = (end - start).total_seconds()
        now, grid = start, start
        next_cycle, last_key, busy, cycles = start, None, False, 0
        step = timedelta(seconds=self.tick_s)
        while now < end:
            snapshot = self.feed.snapshot(now)
            key = (
                tuple((z, s.spare_mw) for z, s in sorted(snapshot.zones.items())),
                snapshot.frequency.hz if snapshot.frequency else None,
            )
            if (
                key != last_key
                or (busy and now >= next_cycle)
                or now >= next_cycle + timedelta(hours=1)
            ):
                cycle = controller.cycle(now)
                cycles += 1
                busy = bool(cycle.decision is not None and cycle.decision.curtail_mw.sum() > 0)
                busy = busy or (key[1] is not None and key[1] < 50.0)
                # Settled (nothing changed, nothing awaiting a verdict): look again in a
                # minute; while orders move or wait for compliance, every `cycle_s`.
                settled = not cycle.plan.changes and not cycle.awaiting
                gap = 120.0 if settled else self.cycle_s
                last_key, next_cycle = key, now + timedelta(seconds=gap)
                if cycle.plan.changes or cycle.restored_from_shed or cycles == 1:
                    await worker.drain_once()
            due = [agent for agent in self.agents if agent.next_due(now) <= now]
            if due:
                await asyncio.gather(*(agent.step(now) for agent in due))
                if cycles == 1 and not timeline.times:
                    await worker.drain_once()  # the agents' webhook subscriptions
            moments = [agent.next_due(now) for agent in self.agents]
            moments += [m for m in (self.feed.next_change(now), end) if m is not None]
            moments.append(next_cycle if busy else next_cycle + timedelta(hours=1))
            upcoming = (
                min(m for m in moments if m > now) if any(m > now for m in moments) else now + step
            )
            upcoming = min(max(upcoming, now + timedelta(seconds=1)), end)
            while grid < upcoming:  # the timeline, on the tick grid, between steps
                spare = np.array(
                    [snapshot.zones[z].spare_mw if z in snapshot.zones else np.nan for z in zones]
                )
                powers = np.array([d.exact_kw(grid) for d in self.devices]) / 1000
                timeline.times.append(grid)
                timeline.spare_mw.append(spare)
                timeline.drawn_mw.append(np.bincount(zone_of, weights=powers, minlength=len(zones)))
                timeline.site_mw.append(powers)
                grid += step
            if progress is not None:
                progress(int((upcoming - start).total_seconds()), int(total_s))
            now = upcoming
        result = self._collect(zones, timeline, cycles)
        result.wall_s = wall.perf_counter() - began
        await self.close()
        return result

    def _collect(self, zones: list[str], timeline: Timeline, cycles: int) -> SimResult:
        from surplus.store.audit import AuditEntry, verify

        with self.factory() as session:
            orders = [
                {
                    "site": o.site_id,
                    "zone": o.zone,
                    "reason": o.reason,
                    "status": o.status,
                    "event": o.event_id,
                    "decided_at": o.decided_at,
                    "applies_at": o.applies_at,
                    "acked_at": o.acked_at,
                    "reached_at": o.reached_at,
                    "ends_at": o.ends_at,
                    "limit_mw": o.limit_mw,
                    "compliance": o.compliance,
                }
                for o in session.scalars(select(ControlOrder).order_by(ControlOrder.id))
            ]
            faults = [
                {
                    "site": r.site_id,
                    "kind": r.kind,
                    "limit_mw": r.limit_mw,
                    "measured_mw": r.measured_mw,
                    "deadline": r.deadline,
                    "detected_at": r.detected_at,
                    "resolved_at": r.resolved_at,
                }
                for r in session.scalars(
                    select(ControlNonCompliance).order_by(ControlNonCompliance.id)
                )
            ]
            check = verify(session)
            decisions = len(
                list(
                    session.scalars(
                        select(AuditEntry.id).where(AuditEntry.action == "control.decision")
                    )
                )
            )
        return SimResult(
            self.scenario,
            zones,
            self.tick_s,
            timeline,
            orders,
            faults,
            check.entries,
            check.ok,
            decisions,
            cycles,
        )
