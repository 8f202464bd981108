"""One settings object for the service, read from `SURPLUS_*` environment variables.

No secret has a default here: the key that signs access tokens is either given
(`SURPLUS_SECRET_KEY`) or generated on first use and kept in a file only its owner can read
(`surplus.auth.keys`). `check_for_production` is the checklist `surplus serve` enforces
when `SURPLUS_ENVIRONMENT=production` (docs/security.md).
"""

from __future__ import annotations

import hashlib
import ipaddress
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from surplus.errors import SurplusError

# Tokens are HMAC-signed with this key: a short one (an empty variable, a word) can be
# guessed offline from any one token, and then every token forged.
MIN_SECRET_CHARS = 32
MIN_DISTINCT_SECRET_CHARS = 8
PUBLISHED_SECRET_SHA256 = frozenset(
    {
        "0f5af1cfa035423d7e22f333995c7c848fdafdd0e2f1a55160e497d9c99b159a",
        "7ced5e8ed02e65fb4be39297764f5364d2a4580ff670856180dedb1360136eaa",
        "7d404de74f2bc59a4c112c844b5ae631b41b95eae6e55a9a47be6aa5ae5d53be",
        "90c45cdefa96d5a1227544b29a61cc8b11742bfb72a06ad93b1f3d219968d0e8",
        "46a7b4c9e63f322118b2a58caafeed2c7b92140d3306e2e4adb7154876f80212",
        "347943ff7f6b1979abb6f4efddf29e2acc3c7e3b8560993820d4c31bb7f29a57",
        "c62e4615bd39e222572f3a1bf7c2132ea1e65b17ec805047bd6b2842c593493f",
        "dc4c5d17d972b66638dd360cf701ca3d0d7ef3b06c5156cd4de5da931555d567",
    }
)
"""sha256 of every signing key once written in this repository (the old development
default, test and bench keys): anyone can read them, so none may sign tokens anywhere."""

ENVIRONMENTS = ("development", "test", "production")


def secret_problem(name: str, secret: str) -> str | None:
    """Why `secret` may not sign tokens, or None when it may.

    >>> secret_problem("SURPLUS_SECRET_KEY", "x" * 40).split(":")[0]
    'SURPLUS_SECRET_KEY has fewer than 8 different characters'
    """
    advice = "generate one with `openssl rand -base64 48`"
    if len(secret) < MIN_SECRET_CHARS:
        return f"{name} must have at least {MIN_SECRET_CHARS} characters: {advice}"
    if len(set(secret)) < MIN_DISTINCT_SECRET_CHARS:
        return f"{name} has fewer than {MIN_DISTINCT_SECRET_CHARS} different characters: {advice}"
    if hashlib.sha256(secret.encode()).hexdigest() in PUBLISHED_SECRET_SHA256:
        return f"{name} is a key published in surplus's source history: {advice}"
    return None


def _split_commas(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SURPLUS_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///surplus.db",
        description="SQLAlchemy URL: a SQLite file by default, postgresql+psycopg://… in "
        "production.",
    )
    secret_key: str = Field(
        default="",
        repr=False,
        description="Key that signs access tokens. Empty: a key generated on first use and kept "
        "in SURPLUS_KEY_FILE (rotated with `surplus admin key rotate`).",
    )
    previous_secret_key: str = Field(
        default="",
        repr=False,
        description="The key SURPLUS_SECRET_KEY replaced: its tokens stay valid until they "
        "expire. Empty when not rotating.",
    )
    key_file: str = Field(
        default="",
        description="Where a generated signing key is kept (mode 0600). Empty: beside a SQLite "
        "database file (<database>.keys); required for PostgreSQL unless "
        "SURPLUS_SECRET_KEY is set.",
    )
    token_lifetime_s: int = Field(default=3600, ge=60, le=86_400)
    environment: str = Field(default="development")
    mqtt_url: str = Field(
        default="",
        repr=False,
        description="mqtt://[user:password@]host:port of the broker; empty = off. With an "
        "account (Mosquitto's dynamic-security admin) the VTN enforces who reads what.",
    )
    mqtt_ca_file: str = Field(
        default="",
        description="CA certificate (PEM) to check an mqtts:// broker against; empty = the "
        "system's CAs.",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Base URL clients reach the service at (https in production). The "
        "advertised tokenURL and problem instances are built from it, never from a request's "
        "Host header.",
    )
    allowed_hosts: CommaList = Field(
        default_factory=list,
        description="Host names besides SURPLUS_PUBLIC_URL's that production accepts in the "
        "Host header (comma-separated).",
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="Proxies trusted to set X-Forwarded-For/-Proto (comma-separated addresses, "
        "for uvicorn); empty = none, the connection's own address counts.",
    )
    outbound_allow_networks: CommaList = Field(
        default_factory=list,
        description="Private or local networks (CIDR, comma-separated) that webhook callbacks "
        "may reach. Empty: public addresses only.",
    )
    outbound_connect_timeout_s: float = Field(default=3.0, gt=0, le=30)
    outbound_read_timeout_s: float = Field(default=5.0, gt=0, le=60)
    max_subscriptions_per_client: int = Field(default=50, ge=1)
    max_vens_per_client: int = Field(default=10, ge=1)
    max_resources_per_client: int = Field(default=200, ge=1)
    token_failures_per_minute: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="Failed token requests allowed per client id and per address each minute "
        "(a token bucket that size); then 429 with Retry-After.",
    )
    token_hash_concurrency: int = Field(
        default=4, ge=1, le=64, description="Client secrets checked at once per process (scrypt)."
    )
    max_request_bytes: int = Field(default=1_000_000, ge=1_000)
    max_upload_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=1_000,
        description="Largest meter file POST /api/v1/settlement/meter-files takes, for a "
        "business-logic token only (a month of one site's minute readings is about 1.5 MB); "
        "every other body is held to max_request_bytes.",
    )
    raw_retention_months: int = Field(
        default=13, ge=1, description="Months of minute readings kept; hourly roll-ups stay."
    )
    partitions_ahead_months: int = Field(
        default=3, ge=1, le=24, description="Monthly reading partitions made ahead of time."
    )
    revocation_refresh_s: float = Field(
        default=2.0,
        ge=0,
        le=300,
        description="Seconds between reloads of the revoked-client list in each process: the "
        "longest a revoked client's already-issued token still works.",
    )
    broker_expiry_sweep_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="Seconds between sweeps that withdraw expired tokens as MQTT broker "
        "passwords: the longest an expired token still logs in to the broker.",
    )
    outbox_retention_days: int = Field(
        default=7, ge=1, description="Days delivered OpenADR notifications are kept."
    )
    control_program: str = Field(
        default="surplus-flex",
        min_length=1,
        max_length=128,
        description="Name of the OpenADR program the grid-protection controller orders in.",
    )
    frequency_trip_hz: float = Field(
        default=49.75, gt=45, lt=50.5, description="Under this frequency miners shed at once."
    )
    frequency_restore_hz: float = Field(
        default=49.9,
        gt=45,
        le=50.5,
        description="Shed miners may return once frequency has "
        "stayed at or above this for SURPLUS_FREQUENCY_RESTORE_HOLD_S.",
    )
    frequency_restore_hold_s: float = Field(default=300.0, ge=0, le=86_400)

    @field_validator("environment", mode="before")
    @classmethod
    def _one_of_three(cls, value: Any) -> Any:
        """Case and spaces do not matter (`Production` is production)."""
        if isinstance(value, str):
            value = value.strip().lower()
            if value not in ENVIRONMENTS:
                raise ValueError(f"must be one of {', '.join(ENVIRONMENTS)}")
        return value

    @field_validator("allowed_hosts", "outbound_allow_networks", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return _split_commas(value)

    @field_validator("outbound_allow_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                raise ValueError(f"{network!r} is not a network such as 10.0.0.0/8") from None
        return value

    @field_validator("public_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL such as https://ops.example.pk")
        return value.rstrip("/")

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def public_host(self) -> str:
        return urlsplit(self.public_url).hostname or ""

    def check_secrets(self) -> None:
        """Refuse a given signing key that is short, repetitive or published (any
        environment: a published key signs tokens anyone can forge)."""
        for name, secret in (
            ("SURPLUS_SECRET_KEY", self.secret_key),
            ("SURPLUS_PREVIOUS_SECRET_KEY", self.previous_secret_key),
        ):
            if secret and (problem := secret_problem(name, secret)):
                raise SurplusError(problem)
        if self.previous_secret_key and not self.secret_key:
            raise SurplusError("SURPLUS_PREVIOUS_SECRET_KEY needs SURPLUS_SECRET_KEY")

    def check_for_production(self) -> None:
        """The production checklist (docs/security.md): a key no one else knows, a public
        https URL, and a broker that VENs log in to over TLS."""
        self.check_secrets()
        if not self.production:
            return
        if urlsplit(self.public_url).scheme != "https":
            raise SurplusError(
                "SURPLUS_PUBLIC_URL must be https:// in production (tokens travel to it)"
            )
        broker = urlsplit(self.mqtt_url)
        if broker.password and broker.scheme not in ("mqtts", "ssl"):
            # VENs log in to this broker with their access tokens: in clear, anyone on the
            # way could replay one on the API.
            raise SurplusError("SURPLUS_MQTT_URL must be mqtts:// (TLS) in production")


def settings_error(error: ValidationError) -> SurplusError:
    """A settings validation error as one line per variable, never a traceback."""
    lines = []
    for item in error.errors():
        name = "SURPLUS_" + "_".join(str(part) for part in item.get("loc", ())).upper()
        lines.append(f"{name}: {item.get('msg', 'invalid')}")
    return SurplusError("invalid settings: " + "; ".join(lines))


def read_settings() -> Settings:
    """The settings from the environment as it is now; a bad variable is a SurplusError
    naming it. Commands call this at each run: one process (tests, scripts) may run several
    against different stores."""
    try:
        return Settings()
    except ValidationError as error:
        raise settings_error(error) from None


@lru_cache
def get_settings() -> Settings:
    """The service's settings, read once per process (`read_settings`)."""
    return read_settings()
