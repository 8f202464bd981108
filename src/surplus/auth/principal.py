"""Who is calling: the verified contents of an access token, and the error when there is none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from surplus.errors import SurplusError


@dataclass(frozen=True)
class Principal:
    """A client proven by a valid token. `scopes` are OpenADR scope names."""

    client_id: str
    role: str
    scopes: frozenset[str]
    ven_id: str | None
    expires_at: datetime

    @property
    def actor(self) -> str:
        """How the audit log names this caller."""
        return f"client:{self.client_id}"


class AuthError(SurplusError):
    """Authentication failed. `error` is the RFC 6749 / RFC 6750 code, `status` the HTTP status,
    `challenge` the WWW-Authenticate header a 401 carries (a bearer challenge by default),
    `retry_after_s` the Retry-After of a 429 or 503, `reason` what the server alone is told."""

    def __init__(
        self,
        error: str,
        description: str,
        status: int = 401,
        challenge: str | None = None,
        retry_after_s: int | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(description)
        self.reason = reason  # for the server's log and audit, never sent
        self.error = error
        self.description = description
        self.status = status
        self.challenge = challenge or f'Bearer error="{error}"'
        self.retry_after_s = retry_after_s

    def headers(self) -> dict[str, str] | None:
        if self.status == 401:
            return {"WWW-Authenticate": self.challenge}
        if self.retry_after_s is not None:
            return {"Retry-After": str(self.retry_after_s)}
        return None
