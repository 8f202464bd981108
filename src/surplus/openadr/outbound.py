"""Where the VTN's outbound HTTP requests (webhook echoes and deliveries) may go: public
addresses only, unless the operator names a private network in
SURPLUS_OUTBOUND_ALLOW_NETWORKS.

Every connection resolves the host, checks every address the name resolves to, and then
connects to an address it checked, so a name cannot be pointed elsewhere between the check
and the connection (DNS rebinding). No proxy from the environment is used, and a
connection made for one host is reused only for that host. The check sees through the
spellings that hide a local address: IPv4-mapped, IPv4-compatible, NAT64, 6to4 and Teredo
IPv6 forms, and legacy IPv4 forms (`127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpcore
import httpx

from surplus.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
# inet_aton's forms: up to four parts, each decimal, octal (leading 0) or hex (0x).
LEGACY_IPV4 = re.compile(r"^(0[xX][0-9a-fA-F]*|[0-9]+)(\.(0[xX][0-9a-fA-F]*|[0-9]+)){0,3}$")
RESOLVE_TIMEOUT_S = 3.0
MAX_ADDRESSES_TRIED = 3


class OutboundRefused(httpcore.ConnectError):
    """A connection the policy does not allow. A ConnectError, so callers handle it as a
    connection that failed (httpx turns it into httpx.ConnectError)."""


class Unresolvable(OutboundRefused):
    """The host name has no address (or the resolver did not answer in time)."""


def literal_address(host: str) -> IPAddress | None:
    """The address a host written as an address means, in any spelling a resolver accepts.

    >>> str(literal_address("127.1")), str(literal_address("0x7f000001"))
    ('127.0.0.1', '127.0.0.1')
    >>> literal_address("ven.example.com") is None
    True
    """
    bare = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if LEGACY_IPV4.match(bare):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(bare))
        except OSError:
            return None
    return None


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries, if it is one of the forms that route to it."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64 or address in IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """A globally routable unicast address, and so is any IPv4 address it embeds.

    >>> [is_public(ipaddress.ip_address(a)) for a in ("8.8.8.8", "::ffff:127.0.0.1", "10.1.2.3")]
    [True, False, False]
    """
    if (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_private
    ):
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address.is_site_local or address in NAT64_LOCAL:
            return False
        inner = embedded_ipv4(address)
        if inner is not None:
            return is_public(inner)
    return True


async def system_resolver(host: str, port: int) -> Sequence[str]:
    """Every address the system resolver gives for `host`."""
    found = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(entry[4][0]) for entry in found]


@dataclass(frozen=True)
class OutboundPolicy:
    """Which addresses outbound connections may reach, and how names are resolved."""

    allow: tuple[IPNetwork, ...] = ()
    resolver: Resolver = system_resolver
    resolve_timeout_s: float = RESOLVE_TIMEOUT_S

    @classmethod
    def from_networks(
        cls, networks: Iterable[str], resolver: Resolver | None = None
    ) -> OutboundPolicy:
        allow = tuple(ipaddress.ip_network(network, strict=False) for network in networks)
        return cls(allow, resolver or system_resolver)

    def permits(self, address: IPAddress) -> bool:
        """Public, or inside a network the operator allowed (checked for the address as
        written and for any IPv4 address it embeds)."""
        candidates: list[IPAddress] = [address]
        if isinstance(address, ipaddress.IPv6Address) and (inner := embedded_ipv4(address)):
            candidates.append(inner)
        if any(c in network for c in candidates for network in self.allow):
            return True
        return is_public(address)

    async def addresses(self, host: str, port: int) -> list[IPAddress]:
        """The checked addresses to connect to for `host`; OutboundRefused when any address
        the name resolves to is not allowed, Unresolvable when it resolves to none."""
        literal = literal_address(host)
        if literal is not None:
            found = [literal]
        else:
            try:
                with anyio.fail_after(self.resolve_timeout_s):
                    answers = await self.resolver(host, port)
            except (OSError, TimeoutError) as error:
                raise Unresolvable(f"{host} does not resolve: {error}") from None
            found = []
            for answer in answers:
                parsed = literal_address(answer)
                if parsed is None:
                    raise OutboundRefused(f"{host} resolved to {answer!r}, not an address")
                found.append(parsed)
            if not found:
                raise Unresolvable(f"{host} resolves to no address")
        refused = sorted({str(a) for a in found if not self.permits(a)})
        if refused:
            raise OutboundRefused(
                f"{host} resolves to {', '.join(refused)}: not a public address, and not in "
                "SURPLUS_OUTBOUND_ALLOW_NETWORKS"
            )
        return list(dict.fromkeys(found))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network layer, connecting only to addresses the policy checked."""

    def __init__(self, policy: OutboundPolicy, inner: httpcore.AsyncNetworkBackend | None = None):
        self.policy = policy
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: Exception | None = None
        # A few of the addresses, not all: a name with fifty addresses that swallow
        # packets must not hold a delivery for fifty connect timeouts.
        for address in (await self.policy.addresses(host, port))[:MAX_ADDRESSES_TRIED]:
            try:
                # TLS still checks the certificate against the host name: httpcore passes
                # the URL's host as the server name, not this address.
                return await self.inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise OutboundRefused("outbound requests never use Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over `GuardedBackend`, with no proxy taken from the environment.

    httpx does not take a network backend as an argument, so the connection pool it made
    is replaced by one that has it (the pool is what `handle_async_request` uses)."""

    def __init__(self, policy: OutboundPolicy, limits: httpx.Limits | None = None) -> None:
        limits = limits or httpx.Limits()
        super().__init__(trust_env=False, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )


@dataclass(frozen=True)
class Outbound:
    """What outbound calls need: the policy, timeouts, and, in tests, a transport that
    answers in place of the network (MockTransport)."""

    policy: OutboundPolicy = field(default_factory=OutboundPolicy)
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 5.0
    transport: httpx.AsyncBaseTransport | None = None

    @property
    def timeout(self) -> httpx.Timeout:
        read = self.read_timeout_s
        return httpx.Timeout(read, connect=self.connect_timeout_s, pool=read)

    def client(self, limits: httpx.Limits | None = None) -> httpx.AsyncClient:
        """A client that follows no redirect and reaches only what the policy permits."""
        transport = self.transport or GuardedTransport(self.policy, limits)
        return httpx.AsyncClient(
            transport=transport, timeout=self.timeout, follow_redirects=False, trust_env=False
        )


def outbound_from(settings: Settings) -> Outbound:
    """The service's outbound rules from its settings."""
    return Outbound(
        OutboundPolicy.from_networks(settings.outbound_allow_networks),
        settings.outbound_connect_timeout_s,
        settings.outbound_read_timeout_s,
    )
