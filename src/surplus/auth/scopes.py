"""Roles and the OpenADR 3.1.0 OAuth2 scopes each carries (openadr3.yaml securitySchemes).

`bl` is business logic: the programme administrator, who reads everything and writes
programmes, events, VENs and subscriptions. `ven` is a site's controller: it reads what is
targeted at it or it created, and writes reports, subscriptions and its own VEN objects.
"""

from __future__ import annotations

from typing import Literal

Role = Literal["bl", "ven"]
ROLES: tuple[Role, ...] = ("bl", "ven")

READ_ALL = "read_all"
READ_TARGETS = "read_targets"
READ_VEN_OBJECTS = "read_ven_objects"
WRITE_PROGRAMS = "write_programs"
WRITE_EVENTS = "write_events"
WRITE_REPORTS = "write_reports"
WRITE_SUBSCRIPTIONS = "write_subscriptions"
WRITE_VENS = "write_vens"

ALL_SCOPES = frozenset(
    {
        READ_ALL,
        READ_TARGETS,
        READ_VEN_OBJECTS,
        WRITE_PROGRAMS,
        WRITE_EVENTS,
        WRITE_REPORTS,
        WRITE_SUBSCRIPTIONS,
        WRITE_VENS,
    }
)

SCOPES_BY_ROLE: dict[str, frozenset[str]] = {
    "bl": frozenset({READ_ALL, WRITE_PROGRAMS, WRITE_EVENTS, WRITE_SUBSCRIPTIONS, WRITE_VENS}),
    "ven": frozenset(
        {READ_TARGETS, READ_VEN_OBJECTS, WRITE_REPORTS, WRITE_SUBSCRIPTIONS, WRITE_VENS}
    ),
}
