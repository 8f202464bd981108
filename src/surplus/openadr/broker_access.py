"""Who may read which MQTT topics, enforced by the broker (Mosquitto's dynamic security).

Every OAuth client is a broker client of the same name whose password is its latest
access token (OpenADR 3.1.0 `OAUTH2_BEARER_TOKEN` with username "{clientID}"). Roles:

* `openadr3-vtn`: the VTN's own account publishes under `openadr3/`;
* `openadr3-bl`: business logic reads every topic under `openadr3/`;
* `openadr3-public`: any client reads `openadr3/public/` (untargeted programs and events);
* `openadr3-ven-<clientID>`: a VEN reads `openadr3/vens/<venID>/` for each ven it owns.

Reading needs both a subscribe rule and a receive rule (receiving is denied by default), so
a ven taken from a client stops reaching it even on a subscription made before. The broker
is told after each commit that changes who owns a ven, and again from the database at
start-up, so it converges after a restart or a missed update. Broker failures here are
logged, never raised into the request that caused them: the change itself has committed.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from surplus.auth.tokens import verify_token
from surplus.openadr import mqtt_audience
from surplus.openadr.access import READ_SCOPES
from surplus.openadr.dynsec import Answer, DynsecControl, DynsecError, check
from surplus.openadr.topics import PUBLIC, VENS, audience_filter
from surplus.settings import Settings
from surplus.store.clients import Client

log = logging.getLogger(__name__)
VTN_ROLE = "openadr3-vtn"
BL_ROLE = "openadr3-bl"
PUBLIC_ROLE = "openadr3-public"
VEN_ROLE_PREFIX = "openadr3-ven-"
ROLE_EXISTS = "Role already exists"
CLIENT_EXISTS = "Client already exists"
ACCOUNT_MARK = "surplus OAuth client"  # the textname of every account made here
BATCH = 100  # commands per control message at start-up
RECONNECT_WAIT_S = 10.0
KICKED_WAIT_S = 1.0  # an answer the broker may never send: it disconnects us first
DEFAULT_ACCESS = [
    {"acltype": "publishClientSend", "allow": False},
    {"acltype": "publishClientReceive", "allow": False},
    {"acltype": "subscribe", "allow": False},
    {"acltype": "unsubscribe", "allow": True},
]


def read_rules(filters: Iterable[str]) -> list[dict[str, Any]]:
    """Rules letting a client subscribe to, and receive, every topic under `filters`.

    >>> [rule["acltype"] for rule in read_rules(["openadr3/public/#"])]
    ['subscribePattern', 'publishClientReceive']
    """
    return [
        {"acltype": kind, "topic": name, "priority": 0, "allow": True}
        for name in filters
        for kind in ("subscribePattern", "publishClientReceive")
    ]


def shared_roles() -> dict[str, list[dict[str, Any]]]:
    publish = {"acltype": "publishClientSend", "topic": audience_filter(), "allow": True}
    return {
        VTN_ROLE: [{**publish, "priority": 0}],
        BL_ROLE: read_rules([audience_filter()]),
        PUBLIC_ROLE: read_rules([audience_filter(PUBLIC)]),
    }


def ven_role(client_id: str) -> str:
    return VEN_ROLE_PREFIX + client_id


def ven_rules(ven_ids: Iterable[str]) -> list[dict[str, Any]]:
    """A VEN's reading rules: the topics of each ven it owns, nothing else.

    >>> [rule["topic"] for rule in ven_rules(["v1"])]
    ['openadr3/vens/v1/#', 'openadr3/vens/v1/#']
    """
    return read_rules(audience_filter(VENS, ven_id) for ven_id in sorted(set(ven_ids)))


def _role_commands(name: str, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Create the role, or replace its rules (changing rules disconnects nobody)."""
    return [
        {"command": "createRole", "rolename": name, "acls": rules},
        {"command": "modifyRole", "rolename": name, "acls": rules},
    ]


class BrokerAccess:
    """The broker's clients and roles, kept in step with OAuth clients and ven owners."""

    def __init__(self, control: DynsecControl, vtn_username: str) -> None:
        self.control = control
        self.vtn_username = vtn_username
        self._prepared = False
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Deny by default, make the shared roles, and give the VTN's account its rights."""
        with self._lock:
            if self._prepared:
                return
            commands = [{"command": "setDefaultACLAccess", "acls": DEFAULT_ACCESS}]
            for name, rules in shared_roles().items():
                commands += _role_commands(name, rules)
            commands.append({"command": "getClient", "username": self.vtn_username})
            answers = self.control.run(commands)
            check(answers, (ROLE_EXISTS,))
            if VTN_ROLE not in _roles_of(answers[-1]):
                self._grant_vtn_role()
            self._prepared = True

    def _grant_vtn_role(self) -> None:
        """Adding a role to a client disconnects it, this connection included: the answer
        is lost, so wait for the reconnection and read the account back."""
        add = {"command": "addClientRole", "username": self.vtn_username, "rolename": VTN_ROLE}
        try:
            check(self.control.run([add], timeout_s=KICKED_WAIT_S))
        except DynsecError:
            self.control.wait_connected(RECONNECT_WAIT_S)
        deadline = time.monotonic() + RECONNECT_WAIT_S
        while True:
            try:
                got = self.control.run([{"command": "getClient", "username": self.vtn_username}])
                break
            except DynsecError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        if VTN_ROLE not in _roles_of(got[0]):
            raise DynsecError(f"the broker did not give {self.vtn_username} role {VTN_ROLE}")

    def sync_vens(self, owned: dict[str, list[str]]) -> None:
        """Set each client's VEN role to read exactly the topics of the vens listed."""
        self.prepare()
        commands: list[dict[str, Any]] = []
        for client_id, ven_ids in sorted(owned.items()):
            if client_id != self.vtn_username:
                commands += _role_commands(ven_role(client_id), ven_rules(ven_ids))
        for start in range(0, len(commands), BATCH):
            check(self.control.run(commands[start : start + BATCH]), (ROLE_EXISTS,))

    def resync(self, session: Session) -> None:
        """Rebuild every VEN role from the database (start-up)."""
        owned = mqtt_audience.vens_by_client(session)
        listed = self.control.run([{"command": "listRoles", "count": -1, "offset": 0}])
        check(listed)
        for name in listed[0].data.get("roles", []):
            if isinstance(name, str) and name.startswith(VEN_ROLE_PREFIX):
                owned.setdefault(name.removeprefix(VEN_ROLE_PREFIX), [])
        self.sync_vens(owned)

    def token_issued(
        self,
        session: Session,
        client_id: str,
        role: str,
        token: str,
        expires_at: datetime,
        reads: bool = True,
    ) -> None:
        """Make `token` the client's broker password (the previous one stops working, and
        connections made with it are closed by the broker) until `expires_at`. A token
        with no read scope gets an account that may read nothing.

        The expiry is committed first: a sweep withdrawing the previous password holds the
        client's row while it does, so it cannot overwrite this one afterwards. A client
        revoked meanwhile gets no account, and one revoked while it is being made loses it.
        """
        if client_id == self.vtn_username:
            raise DynsecError(f"client {client_id!r} has the VTN's broker account name")
        claimed = cast(
            "CursorResult[Any]",
            session.execute(
                update(Client)
                .where(Client.client_id == client_id, Client.revoked_at.is_(None))
                .values(broker_password_expires_at=expires_at)
            ),
        )
        session.commit()
        if claimed.rowcount != 1:
            return
        self.prepare()
        roles = _roles_for(role, client_id) if reads else []
        if role != "bl" and reads:
            self.sync_vens({client_id: mqtt_audience.vens_of(session, client_id)})
        account = {
            "username": client_id,
            "password": token,
            "textname": ACCOUNT_MARK,
            "roles": [{"rolename": name, "priority": 0} for name in roles],
        }
        made = self.control.run([{"command": "createClient", **account}])
        if made[0].error == CLIENT_EXISTS:
            self._refuse_foreign_account(client_id)
            made = self.control.run([{"command": "modifyClient", **account}])
        check(made)
        if session.scalar(select(Client.revoked_at).where(Client.client_id == client_id)):
            check(self.control.run([{"command": "deleteClient", "username": client_id}]))

    def _refuse_foreign_account(self, username: str) -> None:
        """Only accounts this module made may be changed: an OAuth client id that happens
        to name another broker account (an administrator's) must not take it over."""
        if not self.made_here(username):
            raise DynsecError(f"broker account {username!r} was not made for an OAuth client")

    def made_here(self, username: str) -> bool:
        """Whether the broker has an account `username` that this module made."""
        got = self.control.run([{"command": "getClient", "username": username}])
        return got[0].error is None and got[0].data["client"].get("textname") == ACCOUNT_MARK

    def expire_passwords(self, factory: sessionmaker[Session], now: datetime) -> list[str]:
        """Withdraw the broker passwords (tokens) that expired by `now`; the clients named.

        Each client is claimed by clearing its expiry under its row lock, and the broker is
        told before that commits, so a token issued meanwhile (which must wait for the
        lock) is set after the withdrawal, never before it. A broker failure rolls the
        claim back for the next sweep."""
        with factory() as session:
            due = list(session.scalars(select(Client.client_id).where(_expired(now))))
        withdrawn = []
        for client_id in due:
            with factory() as session, session.begin():
                claim = cast(
                    "CursorResult[Any]",
                    session.execute(
                        update(Client)
                        .where(Client.client_id == client_id, _expired(now))
                        .values(broker_password_expires_at=None)
                    ),
                )
                if claim.rowcount != 1:
                    continue  # a new token moved the expiry on
                unguessable = {"password": secrets.token_urlsafe(32)}
                command = {"command": "setClientPassword", "username": client_id, **unguessable}
                check(self.control.run([command]), ("Client not found",))
                withdrawn.append(client_id)
        return withdrawn


def _roles_for(role: str, client_id: str) -> list[str]:
    return [BL_ROLE] if role == "bl" else [PUBLIC_ROLE, ven_role(client_id)]


def _expired(now: datetime) -> ColumnElement[bool]:
    return Client.broker_password_expires_at <= now


def _roles_of(answer: Answer) -> set[str]:
    client = answer.data.get("client", {})
    return {str(entry.get("rolename")) for entry in client.get("roles", [])}


# -- the process's broker access, and the hooks the VTN calls ------------------------------

_installed: BrokerAccess | None = None


def install(access: BrokerAccess | None) -> None:
    """Make `access` the one the hooks below use (None: access control off)."""
    global _installed
    _installed = access


def installed() -> BrokerAccess | None:
    return _installed


def vens_changed(session: Session, client_ids: Iterable[str]) -> None:
    """After a commit that created, deleted or moved vens: update those clients' roles."""
    access = _installed
    if access is None:
        return
    try:
        owned = {client_id: mqtt_audience.vens_of(session, client_id) for client_id in client_ids}
        access.sync_vens(owned)
    except (DynsecError, SQLAlchemyError) as error:
        log.error("MQTT broker access not updated for %s: %s", sorted(client_ids), error)


def token_issued(session: Session, access_token: str, settings: Settings) -> None:
    """After an access token is issued: it becomes its client's broker password."""
    access = _installed
    if access is None:
        return
    holder = verify_token(access_token, settings)
    try:
        reads = bool(holder.scopes & READ_SCOPES)
        access.token_issued(
            session, holder.client_id, holder.role, access_token, holder.expires_at, reads
        )
    except (DynsecError, SQLAlchemyError) as error:
        log.error("MQTT broker password not set for client %s: %s", holder.client_id, error)


def client_revoked(client_id: str) -> None:
    """After a client is revoked: remove its broker account, closing its connections."""
    access = _installed
    if access is None or client_id == access.vtn_username:
        return
    try:
        if access.made_here(client_id):  # else it never fetched a token, or is not ours
            check(access.control.run([{"command": "deleteClient", "username": client_id}]))
    except DynsecError as error:
        log.error("MQTT broker account of revoked client %s not removed: %s", client_id, error)
