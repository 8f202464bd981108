"""The VTN reaches the broker over TLS (`mqtts://`), checking its certificate, and will not
serve production with a broker its VENs would log in to in clear."""

from __future__ import annotations

import json
import os
import secrets
import uuid

import pytest

from surplus.errors import SurplusError
from surplus.openadr.mqtt import Broker, Publisher
from surplus.settings import Settings

TLS_ENV, CA_ENV = "SURPLUS_TEST_MQTT_TLS_URL", "SURPLUS_TEST_MQTT_CA_FILE"
CONTROL_TOPIC = "$CONTROL/dynamic-security/v1"


def tls_broker() -> tuple[str, str]:
    """The test broker's TLS listener and the CA that signed it (scripts/services.sh)."""
    url, ca_file = os.environ.get(TLS_ENV, ""), os.environ.get(CA_ENV, "")
    if url and ca_file:
        return url, ca_file
    message = f"{TLS_ENV} and {CA_ENV} are not set (run scripts/services.sh)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def publish_once(broker: Broker) -> str | None:
    """Publish one harmless control request (the admin account may, however far the VTN
    has set the broker up); None once the broker acknowledged it."""
    publisher = Publisher(broker, client_id=f"tls-{uuid.uuid4().hex[:8]}", connect_timeout_s=3)
    request = json.dumps({"commands": [{"command": "listRoles"}]})
    try:
        return publisher.publish_many([(CONTROL_TOPIC, request)], timeout_s=3)[0]
    finally:
        publisher.close()


def test_the_vtn_publishes_over_tls_to_a_broker_whose_certificate_it_trusts() -> None:
    url, ca_file = tls_broker()
    broker = Broker.from_url(url, ca_file)
    assert broker.tls and broker.public_url.startswith("mqtts://")
    assert publish_once(broker) is None  # connected, logged in and acknowledged


# paho leaves the socket of a failed TLS handshake for the garbage collector to close.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_broker_certificate_from_an_unknown_ca_is_refused() -> None:
    url, _ = tls_broker()
    refused = publish_once(Broker.from_url(url))  # the system's CAs do not know the test CA
    assert refused == "not connected to the MQTT broker"


@pytest.mark.parametrize(
    ("mqtt_url", "allowed"),
    [
        ("", True),
        ("mqtts://vtn:secret@broker.example:8883", True),
        ("mqtt://vtn:secret@broker.example:1883", False),
    ],
)
def test_production_needs_tls_for_a_broker_with_accounts(mqtt_url: str, allowed: bool) -> None:
    settings = Settings(
        environment="production",
        secret_key=secrets.token_urlsafe(32),
        public_url="https://ops.example.pk",
        mqtt_url=mqtt_url,
    )
    if allowed:
        settings.check_for_production()
    else:
        with pytest.raises(SurplusError, match="mqtts"):
            settings.check_for_production()
