"""Authentication shared by the REST API and the OpenADR VTN: OAuth2 client credentials.

Clients (role `bl` or `ven`) hold an id and a secret stored only as a scrypt hash; they
exchange them for a short-lived HS256 JWT whose scopes follow OpenADR 3.1.0. A revoked
client gets no new token, and its issued ones are refused within
SURPLUS_REVOCATION_REFRESH_S seconds.
"""

from __future__ import annotations

from surplus.auth.clients import NewClient, authenticate, create_client
from surplus.auth.deps import current_client, require_role, require_scope
from surplus.auth.hashing import hash_secret, verify_secret
from surplus.auth.principal import AuthError, Principal
from surplus.auth.revocation import RevocationList, Revoked, revoke_client
from surplus.auth.scopes import ALL_SCOPES, ROLES, SCOPES_BY_ROLE, Role
from surplus.auth.tokens import TokenGrant, grant_for, issue_token, verify_token

__all__ = [
    "ALL_SCOPES",
    "ROLES",
    "SCOPES_BY_ROLE",
    "AuthError",
    "NewClient",
    "Principal",
    "RevocationList",
    "Revoked",
    "Role",
    "TokenGrant",
    "authenticate",
    "create_client",
    "current_client",
    "grant_for",
    "hash_secret",
    "issue_token",
    "require_role",
    "require_scope",
    "revoke_client",
    "verify_secret",
    "verify_token",
]
