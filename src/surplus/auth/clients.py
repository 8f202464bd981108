"""Creating OAuth2 clients and checking their credentials against the `clients` table."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from surplus.auth.hashing import DECOY_HASH, hash_secret, new_secret, verify_secret
from surplus.auth.scopes import ROLES
from surplus.errors import SurplusError
from surplus.store import audit
from surplus.store.clients import Client

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewClient:
    """A created client. `client_secret` exists only here: the table keeps its hash."""

    client_id: str
    client_secret: str
    role: str
    name: str
    ven_id: str | None


def create_client(
    session: Session,
    role: str,
    name: str,
    ven_id: str | None = None,
    actor: str = "system",
    client_id: str | None = None,
    client_secret: str | None = None,
) -> NewClient:
    """Add a client (audited, in the caller's transaction) and return its one-time secret.

    `client_id` and `client_secret` are generated unless given (tests, provisioning).
    """
    if role not in ROLES:
        raise SurplusError(f"role must be one of {', '.join(ROLES)}, found {role!r}")
    if not name.strip():
        raise SurplusError("a client needs a non-empty name")
    client_id = client_id or secrets.token_urlsafe(12)
    secret = client_secret or new_secret()
    session.add(
        Client(
            client_id=client_id,
            secret_hash=hash_secret(secret),
            role=role,
            name=name,
            ven_id=ven_id,
        )
    )
    audit.record(
        session,
        actor,
        "create",
        "client",
        client_id,
        {"role": role, "name": name, "ven_id": ven_id},
    )
    return NewClient(client_id, secret, role, name, ven_id)


def authenticate(session: Session, client_id: str, client_secret: str) -> Client | None:
    """The client when the secret matches and it is not revoked, else None (same cost
    either way)."""
    return check_credentials(session, client_id, client_secret)[0]


def check_credentials(
    session: Session, client_id: str, client_secret: str
) -> tuple[Client | None, str]:
    """(the client, "") when the secret matches a client not revoked, else (None, why):
    "unknown client", "wrong secret" or "revoked client", for the audit log only (a caller
    is told none of this). Every outcome costs one hash."""
    client = session.get(Client, client_id) if client_id else None
    stored = client.secret_hash if client is not None else DECOY_HASH
    matches = verify_secret(client_secret, stored)
    if client is None:
        return None, "unknown client"
    if not matches:
        return None, "wrong secret"
    if client.revoked_at is not None:
        return None, "revoked client"
    return client, ""


def audit_refusal(session: Session, action: str, client_id: str, address: str, reason: str) -> None:
    """A refused credentials check in the audit log (`token.refused`, `dashboard.login_refused`):
    who claimed to be whom, from where, and why (never the secret). Committed on its own, after
    rolling back whatever the request had open; a database failure here is logged, not raised,
    so the caller's refusal still reaches the client."""
    try:
        session.rollback()
        audit.record(
            session,
            f"address:{address}",
            action,
            "client",
            client_id,
            {"client_id": client_id, "address": address, "reason": reason},
        )
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.exception("refused credentials not audited (client %r, %s)", client_id, address)
