"""One settings object for the service, read from `SURPLUS_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-development-only"
# Tokens are HMAC-signed with this key: a short one (an empty variable, a word) can be
# guessed offline from any one token, and then every token forged.
MIN_PRODUCTION_SECRET_CHARS = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SURPLUS_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///surplus.db",
        description="SQLAlchemy URL: a SQLite file by default, postgresql+psycopg://… in "
        "production.",
    )
    secret_key: str = Field(default=DEFAULT_SECRET, description="Key that signs access tokens.")
    token_lifetime_s: int = Field(default=3600, ge=60, le=86_400)
    environment: str = Field(default="development", pattern="^(development|test|production)$")
    mqtt_url: str = Field(
        default="",
        description="mqtt://[user:password@]host:port of the broker; empty = off. With an "
        "account (Mosquitto's dynamic-security admin) the VTN enforces who reads what.",
    )
    mqtt_ca_file: str = Field(
        default="",
        description="CA certificate (PEM) to check an mqtts:// broker against; empty = the "
        "system's CAs.",
    )
    public_url: str = Field(default="http://127.0.0.1:8000", description="Base URL VENs reach.")
    max_request_bytes: int = Field(default=1_000_000, ge=1_000)
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

    def check_for_production(self) -> None:
        """Refuse to serve production with the development secret or a guessable one, or
        with a broker that VENs would log in to without TLS."""
        if self.environment != "production":
            return
        if self.secret_key == DEFAULT_SECRET:
            raise ValueError("SURPLUS_SECRET_KEY must be set in production")
        if len(self.secret_key) < MIN_PRODUCTION_SECRET_CHARS:
            raise ValueError(
                f"SURPLUS_SECRET_KEY must have at least {MIN_PRODUCTION_SECRET_CHARS} "
                "characters in production"
            )
        broker = urlsplit(self.mqtt_url)
        if broker.password and broker.scheme not in ("mqtts", "ssl"):
            # VENs log in to this broker with their access tokens: in clear, anyone on the
            # way could replay one on the API.
            raise ValueError("SURPLUS_MQTT_URL must be mqtts:// (TLS) in production")


@lru_cache
def get_settings() -> Settings:
    return Settings()
