"""Applications with what they offer the allocator: stored, returned, audited; a refused
one changes nothing."""

from __future__ import annotations

import typing

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from surplus.allocation.rules import tariff_rules
from surplus.api.routes.register import TariffRule
from surplus.contracts import PRICE_CAPPED_RULES, TARIFF_RULE_NAMES
from surplus.store.audit import AuditEntry
from surplus.store.programme import Application
from tests.api.helpers import created, operator_site

Headers = dict[str, str]

OFFER = {
    "requested_mw": 120,
    "load_kind": "bitcoin_mining",
    "min_mw": 60,
    "acceptable_sites": ["port_qasim", "south_coast"],
    "max_curtailment_share": 0.01,
    "longest_event_hours": 6,
    "notice_minutes": 5,
    "accepts_price_curtailment": True,
    "tariff_rule": "proposed_fixed_23",
    "start_date": "2027-03-01",
    "ramp_mw_per_min": 20,
}


def test_tariff_rule_names_are_one_list() -> None:
    assert typing.get_args(TariffRule) == TARIFF_RULE_NAMES == tuple(tariff_rules())
    capped = tuple(n for n, r in tariff_rules().items() if r.requires_price_curtailment)
    assert capped == PRICE_CAPPED_RULES


def test_an_application_with_its_offer_is_stored_and_audited(
    client: TestClient, bl: Headers, db: Session
) -> None:
    operator_id, site_id = operator_site(client, bl)
    made = created(
        client,
        "/api/v1/applications",
        {**OFFER, "operator_id": operator_id, "site_id": site_id},
        bl,
    )
    got = client.get(f"/api/v1/applications/{made['id']}", headers=bl).json()
    for key, value in OFFER.items():
        assert got[key] == value, key
    entry = db.scalars(select(AuditEntry).where(AuditEntry.object_type == "application")).one()
    assert entry.action == "create" and entry.payload["tariff_rule"] == "proposed_fixed_23"
    patched = client.patch(
        f"/api/v1/applications/{made['id']}", json={"max_curtailment_share": 0.02}, headers=bl
    )
    assert patched.status_code == 200 and patched.json()["max_curtailment_share"] == 0.02


def test_the_offer_is_optional(client: TestClient, bl: Headers) -> None:
    operator_id, site_id = operator_site(client, bl)
    made = created(
        client,
        "/api/v1/applications",
        {"operator_id": operator_id, "site_id": site_id, "requested_mw": 5, "load_kind": "other"},
        bl,
    )
    assert made["tariff_rule"] is None and made["acceptable_sites"] is None


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"min_mw": 500}, "min_mw"),
        ({"accepts_price_curtailment": False}, "requires accepts_price_curtailment"),
        ({"longest_event_hours": 0}, "longest_event_hours"),
        ({"tariff_rule": "cheap"}, "tariff_rule"),
        ({"max_curtailment_share": 0.9}, "max_curtailment_share"),
        ({"acceptable_sites": ["thar", "thar"]}, "distinct"),
        ({"start_date": "2027-02-30"}, "start_date"),
    ],
)
def test_a_bad_offer_is_refused_and_changes_nothing(
    client: TestClient, bl: Headers, db: Session, change: dict[str, object], fragment: str
) -> None:
    operator_id, site_id = operator_site(client, bl)
    before = (
        db.scalar(select(func.count()).select_from(AuditEntry)),
        db.scalar(select(func.count()).select_from(Application)),
    )
    body = {**OFFER, "operator_id": operator_id, "site_id": site_id, **change}
    response = client.post("/api/v1/applications", json=body, headers=bl)
    assert response.status_code == 422
    assert fragment in response.text
    after = (
        db.scalar(select(func.count()).select_from(AuditEntry)),
        db.scalar(select(func.count()).select_from(Application)),
    )
    assert after == before


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"requested_mw": 10}, "min_mw must not exceed requested_mw"),
        ({"accepts_price_curtailment": False}, "requires accepts_price_curtailment"),
        ({"longest_event_hours": 0}, "longest_event_hours"),
    ],
)
def test_a_patch_is_checked_on_the_row_it_would_make(
    client: TestClient, bl: Headers, db: Session, change: dict[str, object], fragment: str
) -> None:
    operator_id, site_id = operator_site(client, bl)
    made = created(
        client,
        "/api/v1/applications",
        {**OFFER, "operator_id": operator_id, "site_id": site_id},
        bl,
    )
    url = f"/api/v1/applications/{made['id']}"
    audited = db.scalar(select(func.count()).select_from(AuditEntry))
    response = client.patch(url, json=change, headers=bl)
    assert response.status_code == 422 and fragment in response.json()["detail"]
    assert client.get(url, headers=bl).json() == made
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == audited
