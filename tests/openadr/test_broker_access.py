"""The broker enforces the VTN's access policy (Mosquitto with dynamic security, as
scripts/services.sh starts it): a real VTN in a subprocess, real VEN and BL connections
logging in with their OAuth client id and access token."""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import paho.mqtt.client as paho
import pytest
from sqlalchemy.orm import Session, sessionmaker

from surplus.auth import revoke_client
from surplus.openadr.broker_access import VTN_ROLE, BrokerAccess, ven_role
from surplus.openadr.dynsec import DynsecControl, DynsecError
from surplus.openadr.mqtt import Broker, Publisher
from surplus.store.base import make_engine, make_sessionmaker
from tests.openadr.server import Server, broker_url

WAIT_S = 10.0


class Listener:
    """One MQTT connection that records its CONNACK, SUBACKs and messages."""

    def __init__(self, broker: Broker, username: str | None, password: str | None) -> None:
        self.messages: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        self._connack = threading.Event()
        self._subacks: dict[int, list[Any]] = {}
        self._suback = threading.Condition()
        self.reason: Any = None
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2, protocol=paho.MQTTv311)
        if username is not None:
            self.client.username_pw_set(username, password)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.connect(broker.host, broker.port)
        self.client.loop_start()
        assert self._connack.wait(WAIT_S), "no CONNACK"

    def _on_connect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if self.reason is None:
            self.reason = reason
        self._connack.set()

    def _on_subscribe(self, _c: Any, _u: Any, mid: int, reasons: list[Any], _p: Any) -> None:
        with self._suback:
            self._subacks[mid] = reasons
            self._suback.notify_all()

    def _on_message(self, _c: Any, _u: Any, message: Any) -> None:
        self.messages.put((message.topic, json.loads(message.payload)))

    @property
    def accepted(self) -> bool:
        return not self.reason.is_failure

    def subscribe(self, name: str) -> bool:
        """Whether the broker granted the subscription (a refused SUBACK is 0x80)."""
        _, mid = self.client.subscribe(name, qos=1)
        with self._suback:
            assert self._suback.wait_for(lambda: mid in self._subacks, WAIT_S), "no SUBACK"
            return not self._subacks[mid][0].is_failure

    def next(self, timeout_s: float) -> tuple[str, dict[str, Any]] | None:
        try:
            return self.messages.get(timeout=timeout_s)
        except queue.Empty:
            return None

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _token(vtn: Server, client_id: str, secret: str) -> str:
    fields = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    response = httpx.post(f"{vtn.base_url}/auth/token", data=fields)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _call(vtn: Server, token: str, method: str, path: str, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    response = httpx.request(method, vtn.base_url + path, headers=headers, **kwargs)
    assert response.is_success, response.text
    return response.json()


def _ven(vtn: Server, bl: str, client_id: str, name: str, targets: list[str]) -> str:
    body = {"objectType": "BL_VEN_REQUEST", "clientID": client_id, "venName": name}
    return str(_call(vtn, bl, "POST", "/vens", json={**body, "targets": targets})["id"])


def test_each_client_reads_only_its_own_topics(mqtt_server: Server) -> None:
    bl_id, bl_secret = mqtt_server.add_client("bl", "administrator")
    one_id, one_secret = mqtt_server.add_client("ven", "site-1")
    two_id, two_secret = mqtt_server.add_client("ven", "site-2")
    mqtt_server.start()
    broker = Broker.from_url(mqtt_server.mqtt_url)
    bl = _token(mqtt_server, bl_id, bl_secret)
    one, two = _token(mqtt_server, one_id, one_secret), _token(mqtt_server, two_id, two_secret)
    ven_one = _ven(mqtt_server, bl, one_id, "site-1", ["zone-A"])
    ven_two = _ven(mqtt_server, bl, two_id, "site-2", ["zone-B"])
    program = _call(
        mqtt_server, bl, "POST", "/programs", json={"programName": "p", "targets": ["zone-A"]}
    )
    pid = program["id"]

    assert not Listener(broker, None, None).accepted  # anonymous
    assert not Listener(broker, one_id, two).accepted  # another client's token
    assert not Listener(broker, one_id, one + "x").accepted
    first, second, admin = (
        Listener(broker, one_id, one),
        Listener(broker, two_id, two),
        Listener(broker, bl_id, bl),
    )
    try:
        assert first.accepted and second.accepted and admin.accepted
        topics = _call(mqtt_server, one, "GET", f"/notifiers/mqtt/topics/programs/{pid}/events")
        assert first.subscribe(topics["topics"]["ALL"])
        assert not first.subscribe(f"openadr3/vens/{ven_two}/events/+")
        assert not first.subscribe("openadr3/bl/events/+")
        assert not first.subscribe("openadr3/#")
        assert first.subscribe("openadr3/public/events/+")
        assert second.subscribe(f"openadr3/vens/{ven_two}/#")
        assert admin.subscribe("openadr3/bl/events/+")

        event = {
            "programID": pid,
            "targets": ["zone-A", "zone-secret"],
            "intervals": [{"id": 0, "payloads": [{"type": "SIMPLE", "values": [1]}]}],
        }
        created = _call(mqtt_server, bl, "POST", "/events", json=event)
        got = first.next(WAIT_S)
        assert got is not None and got[0] == f"openadr3/vens/{ven_one}/programs/{pid}/events/create"
        assert got[1]["object"]["id"] == created["id"]
        assert got[1]["object"]["targets"] == ["zone-A"]  # hidden as a read hides them
        by_bl = admin.next(WAIT_S)
        assert by_bl is not None and by_bl[1]["object"]["targets"] == ["zone-A", "zone-secret"]
        assert second.next(0.5) is None
        assert first.next(0.5) is None  # the public topic carried nothing targeted
    finally:
        for listener in (first, second, admin):
            listener.close()

    renewed = _token(mqtt_server, one_id, one_secret)
    assert not Listener(broker, one_id, one).accepted  # the old token no longer logs in
    again = Listener(broker, one_id, renewed)
    try:
        assert again.accepted and again.subscribe(f"openadr3/vens/{ven_one}/#")
        _call(mqtt_server, bl, "DELETE", f"/vens/{ven_one}")
        # The ven is gone, so is the right to read its topics, even on the old subscription.
        vtn_account = Listener(broker, broker.username, broker.password)
        vtn_account.client.publish(f"openadr3/vens/{ven_one}/events/create", "{}", qos=1)
        vtn_account.close()
        # The notice of the ven's own deletion may arrive first, or not (it races the
        # withdrawal of the right); the message published after the withdrawal never does.
        heard = [again.next(0.5) for _ in range(2)]
        assert all(m is None or m[0] == f"openadr3/vens/{ven_one}/delete" for m in heard), heard
        assert not again.subscribe(f"openadr3/vens/{ven_one}/#")
    finally:
        again.close()

    notifiers = _call(mqtt_server, one, "GET", "/notifiers")["MQTT"]
    assert notifiers["URIS"] == [broker.public_url]
    assert notifiers["authentication"] == {
        "method": "OAUTH2_BEARER_TOKEN",
        "username": "{clientID}",
    }
    assert broker.password not in json.dumps(notifiers)


def test_the_broker_converges_on_the_database_at_start_up(mqtt_server: Server) -> None:
    """Rules lost while the VTN was down (a VEN's role emptied, the VTN's own publishing
    right taken away) are rebuilt when it starts, and notifications flow again.

    This server gets a broker account of its own, so that taking its publishing right away
    does not silence the other tests' servers sharing the broker."""
    with _own_vtn_account(mqtt_server):
        _converges(mqtt_server)


@contextlib.contextmanager
def _own_vtn_account(server: Server) -> Iterator[None]:
    """Point `server` at a new broker administrator account for the duration."""
    shared_url, shared = server.mqtt_url, Broker.from_url(server.mqtt_url)
    name, password = f"vtn-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    control = DynsecControl(shared)
    try:
        made = control.run(
            [
                {
                    "command": "createClient",
                    "username": name,
                    "password": password,
                    "roles": [{"rolename": "admin"}],  # made by `mosquitto_ctrl dynsec init`
                }
            ]
        )
        assert made[0].error is None, made[0].error
        server.mqtt_url = f"mqtt://{name}:{password}@{shared.host}:{shared.port}"
        yield
    finally:
        server.mqtt_url = shared_url  # the fixture cleans up with the shared account
        control.run([{"command": "deleteClient", "username": name}])
        control.close()


def _converges(mqtt_server: Server) -> None:
    bl_id, bl_secret = mqtt_server.add_client("bl", "administrator")
    ven_id, ven_secret = mqtt_server.add_client("ven", "site-1")
    mqtt_server.start()
    bl = _token(mqtt_server, bl_id, bl_secret)
    ven = _ven(mqtt_server, bl, ven_id, "site-1", ["zone-A"])
    mqtt_server.stop()
    broker = Broker.from_url(mqtt_server.mqtt_url)
    _wreck(broker, ven_id)
    mqtt_server.start()
    control = DynsecControl(broker)
    try:
        role = control.run([{"command": "getRole", "rolename": ven_role(ven_id)}])[0]
        account = control.run([{"command": "getClient", "username": broker.username}])[0]
    finally:
        control.close()
    assert {acl["topic"] for acl in role.data["role"]["acls"]} == {f"openadr3/vens/{ven}/#"}
    assert VTN_ROLE in {entry["rolename"] for entry in account.data["client"]["roles"]}
    listener = Listener(broker, ven_id, _token(mqtt_server, ven_id, ven_secret))
    try:
        assert listener.subscribe(f"openadr3/vens/{ven}/programs/+")
        _call(
            mqtt_server, bl, "POST", "/programs", json={"programName": "p", "targets": ["zone-A"]}
        )
        got = listener.next(WAIT_S)
        assert got is not None and got[1]["object"]["programName"] == "p"
    finally:
        listener.close()


def _wreck(broker: Broker, ven_id: str) -> None:
    control = DynsecControl(broker)
    emptied = control.run([{"command": "modifyRole", "rolename": ven_role(ven_id), "acls": []}])
    assert emptied[0].error is None
    # Taking a role from an account disconnects it, this one included: no answer comes.
    with contextlib.suppress(DynsecError):
        take = {"command": "removeClientRole", "username": broker.username, "rolename": VTN_ROLE}
        control.run([take], timeout_s=1.0)
    control.close()


def test_a_message_the_broker_refuses_is_not_counted_as_delivered() -> None:
    """The outbox marks a message delivered on acknowledgement: a publish the broker's
    rules refuse must come back as an error, to be retried, not as delivered."""
    broker = Broker.from_url(broker_url())
    control = DynsecControl(broker)
    login = Broker(broker.host, broker.port, f"no-rights-{uuid.uuid4().hex[:8]}", "pw")
    try:
        account = {"username": login.username, "password": login.password}
        assert control.run([{"command": "createClient", **account}])[0].error is None
        refused = _publish_once(login)
        assert refused is not None and "Not authorized" in refused
        assert _publish_once(broker) is None  # the VTN's account may publish
    finally:
        control.run([{"command": "deleteClient", "username": login.username}])
        control.close()


def _publish_once(account: Broker) -> str | None:
    publisher = Publisher(account)
    try:
        return publisher.publish_many([("openadr3/bl/programs/create", "{}")])[0]
    finally:
        publisher.close()


def test_a_revoked_client_loses_its_broker_account(
    mqtt_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SURPLUS_REVOCATION_REFRESH_S", "0.2")
    bl_id, bl_secret = mqtt_server.add_client("bl", "administrator")
    ven_id, ven_secret = mqtt_server.add_client("ven", "site-1")
    mqtt_server.start()
    broker = Broker.from_url(mqtt_server.mqtt_url)
    bl, ven = _token(mqtt_server, bl_id, bl_secret), _token(mqtt_server, ven_id, ven_secret)
    connected = Listener(broker, ven_id, ven)
    assert connected.accepted
    engine = make_engine(mqtt_server.database_url)
    with make_sessionmaker(engine)() as session:
        revoke_client(session, ven_id, "test")
        session.commit()
    engine.dispose()
    time.sleep(0.3)
    _call(mqtt_server, bl, "GET", "/programs")  # a request after the refresh period reloads
    deadline = time.monotonic() + WAIT_S
    while connected.client.is_connected() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not connected.client.is_connected()  # the broker closed its connection
    connected.close()
    assert not Listener(broker, ven_id, ven).accepted


@contextlib.contextmanager
def _access_in_process(
    server: Server,
) -> Iterator[tuple[Broker, sessionmaker[Session], BrokerAccess]]:
    """The broker-access policy run here, on the server's database, without the server."""
    broker = Broker.from_url(server.mqtt_url)
    engine = make_engine(server.database_url)
    access = BrokerAccess(DynsecControl(broker), broker.username)
    try:
        yield broker, make_sessionmaker(engine), access
    finally:
        access.control.close()
        engine.dispose()


def _logs_in(broker: Broker, username: str, password: str) -> bool:
    listener = Listener(broker, username, password)
    listener.close()
    return listener.accepted


def test_an_expired_token_no_longer_logs_in_to_the_broker(mqtt_server: Server) -> None:
    one, _ = mqtt_server.add_client("ven", "site-1")
    two, _ = mqtt_server.add_client("ven", "site-2")
    now = datetime.now(UTC)
    with _access_in_process(mqtt_server) as (broker, factory, access):
        with factory() as session:
            access.token_issued(session, one, "ven", "token-one", now + timedelta(minutes=1))
            access.token_issued(session, two, "ven", "two-old", now + timedelta(minutes=1))
            access.token_issued(session, two, "ven", "two-new", now + timedelta(minutes=5))
        assert _logs_in(broker, one, "token-one")
        assert access.expire_passwords(factory, now + timedelta(seconds=30)) == []
        assert access.expire_passwords(factory, now + timedelta(minutes=2)) == [one]
        assert not _logs_in(broker, one, "token-one")
        assert _logs_in(broker, two, "two-new")  # renewed before the old one expired
        assert access.expire_passwords(factory, now + timedelta(minutes=2)) == []


def test_no_account_for_a_revoked_client_nor_reads_for_a_token_without_read_scope(
    mqtt_server: Server,
) -> None:
    revoked, _ = mqtt_server.add_client("ven", "site-1")
    writer, _ = mqtt_server.add_client("ven", "site-2")
    later = datetime.now(UTC) + timedelta(minutes=5)
    with _access_in_process(mqtt_server) as (broker, factory, access):
        with factory() as session:
            revoke_client(session, revoked, "test")
            session.commit()
            access.token_issued(session, revoked, "ven", "revoked-token", later)
            access.token_issued(session, writer, "ven", "writer-token", later, reads=False)
        assert not _logs_in(broker, revoked, "revoked-token")
        listener = Listener(broker, writer, "writer-token")
        try:
            assert listener.accepted and not listener.subscribe("openadr3/public/events/+")
        finally:
            listener.close()
