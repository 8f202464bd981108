"""The OpenADR 3.1.0 server (VTN): programs, events, reports, subscriptions, vens and
resources over the spec's REST API, with webhook and MQTT notifications sent from a
durable outbox. Mounted by `surplus.server.create_app` at /openadr3/3.1.0.

Concepts: BL (business logic, the programme administrator) writes programs and events;
a VEN (a site's controller) reads what is targeted at it and writes reports. See
docs/openadr.md for how the programme maps onto these objects.
"""

from __future__ import annotations

__all__ = ["BASE_PATH"]

BASE_PATH = "/openadr3/3.1.0"
