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
    `challenge` the WWW-Authenticate header a 401 carries (a bearer challenge by default)."""

    def __init__(
        self, error: str, description: str, status: int = 401, challenge: str | None = None
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.challenge = challenge or f'Bearer error="{error}"'

    def headers(self) -> dict[str, str] | None:
        return {"WWW-Authenticate": self.challenge} if self.status == 401 else None
