"""Interoperability: python-oa3-client (an OpenADR 3 client library written by others)
talks to a real uvicorn VTN on 127.0.0.1 — token discovery and exchange, VEN
registration, program look-up, an event by MQTT (through Mosquitto) and by webhook, and a
report the store then holds."""

from __future__ import annotations

import json

from ebus_mqtt_client import MqttClient
from openadr3_client import BlClient, MqttChannel, VenClient
from openadr3_client.mqtt import MQTTConnection, normalize_broker_uri
from sqlalchemy import select

from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.openadr_tables import ReportRow
from tests.clock import rfc3339_from_now
from tests.openadr.server import Server

PROGRAM = "zone-A-curtailment"


class _LoggedInConnection(MQTTConnection):
    """python-oa3-client 0.5.0 connects without credentials (its MqttChannel builds
    ebus_mqtt_client.MqttClient with no username or password, which that class accepts).
    This subclass only passes the OpenADR 3.1.0 OAUTH2_BEARER_TOKEN login, username =
    client id, password = access token; everything else is the library's own code."""

    def __init__(self, broker_url: str, username: str, password: str) -> None:
        super().__init__(broker_url)
        self.username, self.password = username, password

    def connect(self) -> None:
        host, port, use_tls = normalize_broker_uri(self.broker_url)
        self._client = MqttClient(
            client_id=self.client_id,
            endpoint=host,
            port=port,
            username=self.username,
            password=self.password,
            use_tls=use_tls,
            tls_insecure=not self.tls_verify,
        )
        self._client.start()


class LoggedInMqttChannel(MqttChannel):
    """The library's MQTT channel on a connection that logs in (see above)."""

    def __init__(self, broker_url: str, username: str, password: str) -> None:
        super().__init__(broker_url)
        self._conn = _LoggedInConnection(broker_url, username, password)


def _event_id(raw: bytes) -> str:
    notification = json.loads(raw)
    assert notification["objectType"] == "EVENT" and notification["operation"] == "CREATE"
    return str(notification["object"]["id"])


def test_independent_client_full_cycle(mqtt_server: Server) -> None:
    bl_id, bl_secret = mqtt_server.add_client("bl", "administrator")
    ven_id, ven_secret = mqtt_server.add_client("ven", "site-1")
    mqtt_server.start()
    bl = BlClient(url=mqtt_server.base_url, client_id=bl_id, client_secret=bl_secret).start()
    ven = VenClient(url=mqtt_server.base_url, client_id=ven_id, client_secret=ven_secret).start()
    try:
        assert bl.create_program({"programName": PROGRAM, "targets": ["zone-A"]}).status_code == 201
        granted = bl.create_ven(
            {
                "objectType": "BL_VEN_REQUEST",
                "clientID": ven_id,
                "venName": "site-1",
                "targets": ["zone-A"],
            }
        )
        assert granted.status_code == 201, granted.text

        ven.register("site-1")
        assert ven.ven_id == granted.json()["id"]  # found the ven BL made, did not duplicate it
        program = ven.find_program_by_name(PROGRAM)
        assert program is not None
        assert ven.vtn_supports_mqtt()

        mqtt = LoggedInMqttChannel(ven.get_mqtt_broker_uris()[0], ven_id, str(ven.token))
        mqtt.start()
        topics = ven.subscribe([PROGRAM], ["EVENT"], ["CREATE"], mqtt)
        assert f"openadr3/vens/{ven.ven_id}/programs/{program.id}/events/create" in topics
        webhook = ven.add_webhook(host="127.0.0.1", port=0, bearer_token="hook-secret")
        webhook.start()
        ven.subscribe([PROGRAM], ["EVENT"], ["CREATE"], webhook)

        created = bl.create_event(
            {
                "programID": program.id,
                "eventName": "curtail-14h",
                "targets": ["zone-A"],
                "intervalPeriod": {"start": rfc3339_from_now(hours=24), "duration": "PT2H"},
                "intervals": [
                    {"id": 0, "payloads": [{"type": "IMPORT_CAPACITY_LIMIT", "values": [250.0]}]}
                ],
            }
        )
        assert created.status_code == 201, created.text
        event_id = created.json()["id"]

        by_mqtt = mqtt.await_messages(1, timeout=15)
        by_webhook = webhook.await_messages(1, timeout=15)
        assert by_mqtt and {_event_id(m.raw_payload) for m in by_mqtt} == {event_id}
        assert by_webhook and _event_id(by_webhook[0].raw_payload) == event_id

        report = ven.create_report(
            {
                "eventID": event_id,
                "clientName": "site-1",
                "reportName": "usage-14h",
                "resources": [
                    {
                        "resourceName": "AGGREGATED_REPORT",
                        "intervals": [
                            {"id": 0, "payloads": [{"type": "USAGE", "values": [240.5]}]}
                        ],
                    }
                ],
            }
        )
        assert report.status_code == 201, report.text
        assert [r.id for r in ven.reports(eventID=event_id)] == [report.json()["id"]]
    finally:
        mqtt.stop()
        ven.stop()
        bl.stop()

    engine = make_engine(mqtt_server.database_url)
    with make_sessionmaker(engine)() as session:
        stored = session.scalars(select(ReportRow)).all()
    engine.dispose()
    assert [(r.event_id, r.client_id) for r in stored] == [(event_id, ven_id)]
    assert stored[0].body["resources"][0]["intervals"][0]["payloads"][0]["values"] == [240.5]
