"""Limits on the token endpoint: failed attempts per client id and per address (token
buckets), and how many client secrets a process hashes at once.

Each attempt takes a token from both its buckets before the secret is checked and gives
it back if the secret was right, so only failures use them up, and no burst of requests
can get more checks than a bucket holds. A bucket holds `per_minute` tokens and refills at
`per_minute` a minute: after that many failures the next attempt is refused (429, with
the seconds until a token is back). Hashing is scrypt, tens of milliseconds of CPU by
design; a cap on concurrent checks keeps a flood of token requests from starving the rest
of the service. The limits are per process.

One guard per app (`token_guard`) serves every place that checks a client secret: both
token endpoints and the dashboard's operator log-in. A secret guessed at through one door
uses up the same buckets as through another, so adding a door adds no guesses.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from surplus.auth.principal import AuthError
from surplus.settings import Settings

MAX_BUCKETS = 100_000
HASH_WAIT_S = 5.0
_making_guard = threading.Lock()


@dataclass
class Bucket:
    tokens: float
    updated: float


class FailureBuckets:
    """Token buckets by key (`client:<id>`, `address:<ip>`), thread-safe."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.refill_per_s = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def _bucket(self, key: str, now: float) -> Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._forget_full(now)
            bucket = self._buckets[key] = Bucket(self.capacity, now)
        else:
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self.capacity, bucket.tokens + elapsed * self.refill_per_s)
            bucket.updated = now
        return bucket

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled (they hold no memory of failures)."""
        refill_s = self.capacity / self.refill_per_s
        for key, bucket in list(self._buckets.items()):
            if now - bucket.updated >= refill_s:
                del self._buckets[key]

    def take(self, keys: Sequence[str]) -> float | None:
        """Take a token from each key's bucket; None if done, else the seconds to wait
        (then nothing is taken)."""
        with self._lock:
            now = self.clock()
            buckets = [self._bucket(key, now) for key in keys]
            short = [b for b in buckets if b.tokens < 1.0]
            if short:
                return max((1.0 - b.tokens) / self.refill_per_s for b in short)
            for bucket in buckets:
                bucket.tokens -= 1.0
            return None

    def give_back(self, keys: Sequence[str]) -> None:
        with self._lock:
            now = self.clock()
            for key in keys:
                bucket = self._bucket(key, now)
                bucket.tokens = min(self.capacity, bucket.tokens + 1.0)


class TokenGuard:
    """Throttling and a hashing cap around each token request."""

    def __init__(
        self,
        failures_per_minute: int,
        hash_concurrency: int,
        clock: Callable[[], float] = time.monotonic,
        hash_wait_s: float = HASH_WAIT_S,
    ) -> None:
        self.buckets = FailureBuckets(failures_per_minute, clock)
        self.hashing = threading.BoundedSemaphore(hash_concurrency)
        self.hash_wait_s = hash_wait_s

    @contextmanager
    def attempt(self, client_id: str, address: str) -> Iterator[Attempt]:
        """Around one credentials check: raises AuthError 429 when either bucket is empty,
        503 when no hashing slot frees up in time. Call `attempt.succeeded()` when the
        credentials were right; otherwise the attempt counts as a failure."""
        keys = (f"client:{client_id}", f"address:{address}")
        wait_s = self.buckets.take(keys)
        if wait_s is not None:
            raise throttled(wait_s)
        attempt = Attempt()
        try:
            if not self.hashing.acquire(timeout=self.hash_wait_s):
                attempt.succeeded()  # the server's fault, not the client's: not a failure
                raise AuthError(
                    "temporarily_unavailable",
                    "too many token requests at once; try again shortly",
                    503,
                    retry_after_s=1,
                )
            try:
                yield attempt
            finally:
                self.hashing.release()
        finally:
            if attempt.ok:
                self.buckets.give_back(keys)


class Attempt:
    ok = False

    def succeeded(self) -> None:
        self.ok = True


def throttled(wait_s: float) -> AuthError:
    return AuthError(
        "temporarily_unavailable",
        "too many failed token requests from this client or address; try again later",
        429,
        retry_after_s=max(1, math.ceil(wait_s)),
    )


def token_guard(app: Any) -> TokenGuard:
    """The app's guard of client-secret checks (`app.state.token_guard`), made from its
    settings on first use; tests may reset it to None for fresh limits."""
    guard: TokenGuard | None = getattr(app.state, "token_guard", None)
    if guard is None:
        with _making_guard:
            guard = getattr(app.state, "token_guard", None)
            if guard is None:
                settings: Settings = app.state.settings
                guard = TokenGuard(
                    settings.token_failures_per_minute, settings.token_hash_concurrency
                )
                app.state.token_guard = guard
    return guard
