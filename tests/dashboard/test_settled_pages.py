"""The pages once settlement has closed a month (last month, relative to now): the public
page in both languages shows `month_summary`'s figures and serves its report; an operator
sees and downloads its own statements, never another's. And before any month is settled,
both languages say so in words."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from surplus.auth.clients import create_client
from surplus.dashboard.i18n import LANGUAGES, Formatter
from surplus.settlement.public import month_summary
from surplus.store.programme import Site
from tests.dashboard.pages import figures
from tests.dashboard.settled import Settled, previous_month_start, settle
from tests.dashboard.test_pages import login

SECRET_SA = secrets.token_urlsafe(24)  # no credential written in the repository
SECRET_SB = secrets.token_urlsafe(24)


@pytest.fixture
def settled(db: Session) -> Settled:
    done = settle(db, previous_month_start(datetime.now(UTC)))
    for name, client_id, secret in (("Op A", "sa", SECRET_SA), ("Op B", "sb", SECRET_SB)):
        site = db.get(Site, done.sites[name][0])
        assert site is not None
        site.ven_id = f"ven-{client_id}"
        create_client(db, "ven", f"{name} controller", ven_id=site.ven_id,
                      client_id=client_id, client_secret=secret)  # fmt: skip
    db.commit()
    return done


def first_day(month: str) -> date:
    return date.fromisoformat(f"{month}-01")


def test_the_public_page_shows_the_settled_month_as_settlement_summarised_it(
    client: TestClient, db: Session, settled: Settled
) -> None:
    summary = month_summary(db, settled.month)
    row = next(
        m
        for m in client.get("/api/v1/public/dashboard").json()["months"]
        if m["month"] == first_day(settled.month).isoformat()
    )
    assert row["settled"] is True
    assert row["revenue_pkr"] == str(summary.revenue_pkr)
    assert row["energy_sold_mwh"] == float(summary.energy_sold_mwh)
    for code in ("en", "ur"):
        fmt = Formatter(LANGUAGES[code])
        html = client.get(LANGUAGES[code].prefix + "/").text
        assert 'id="settlement-missing"' not in html and 'id="none-settled"' not in html
        last = {name: (value, text) for name, value, text in figures(html, "settled")}
        assert last["revenue_pkr"] == (str(summary.revenue_pkr), fmt.pkr(summary.revenue_pkr))
        assert last["energy_sold_mwh"][1] == fmt.mwh(float(summary.energy_sold_mwh))
        assert last["orders_judged"][1] == fmt.number(summary.compliance.curtailment_events)
        assert last["drawn_above_orders_mwh"][1] == fmt.mwh(
            summary.load_shedding.drawn_above_orders_mwh
        )
        assert f'data-month="{first_day(settled.month).isoformat()}"' in html
        assert f'href="/reports/public-report-{settled.month}.pdf"' in html
    report = client.get(f"/reports/public-report-{settled.month}.pdf")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    assert report.headers["content-type"] == "application/pdf"
    assert client.get("/reports/public-report-1999-01.pdf").status_code == 404


def test_an_operator_downloads_its_own_statements_and_not_another_s(
    client: TestClient, settled: Settled
) -> None:
    for prefix in ("", "/ur"):
        anonymous = client.get(f"{prefix}/operator/statements/1.pdf", follow_redirects=False)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"] == f"{prefix}/operator/login"
    assert login(client, "sa", SECRET_SA).status_code == 303
    page = client.get("/operator/").text
    shown = figures(page, "statements")
    assert len(shown) == 2  # one statement: its energy and its amount
    mine = [int(x) for x in _statement_rows(page)]
    assert len(mine) == 1
    pdf = client.get(f"/operator/statements/{mine[0]}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["cache-control"] == "no-store"
    body = client.get(f"/operator/statements/{mine[0]}.json").json()
    assert body["operator"] == "Op A" and body["month"] == settled.month
    assert {s["site_id"] for s in body["sites"]} == set(settled.sites["Op A"])
    assert client.get(f"/ur/operator/statements/{mine[0]}.pdf").status_code == 200
    assert client.get(f"/operator/statements/{mine[0]}.xml").status_code == 404
    # Operator B's statement: the same 404 as one that does not exist
    other = TestClient(client.app)
    assert login(other, "sb", SECRET_SB).status_code == 303
    theirs = [int(x) for x in _statement_rows(other.get("/operator/").text)]
    assert len(theirs) == 1 and theirs != mine
    for fmt in ("pdf", "json"):
        assert client.get(f"/operator/statements/{theirs[0]}.{fmt}").status_code == 404
        assert other.get(f"/operator/statements/{mine[0]}.{fmt}").status_code == 404
    assert client.get("/operator/statements/999999.json").status_code == 404


def _statement_rows(html: str) -> list[str]:
    return re.findall(r'data-statement="(\d+)"', html)


def test_before_any_month_is_settled_both_languages_say_so(client: TestClient) -> None:
    en, ur = client.get("/").text, client.get("/ur/").text
    assert "No month has been settled yet" in en
    assert 'id="none-settled"' in ur and "No month has been settled yet" not in ur
    assert "ابھی کسی مہینے کا تصفیہ" in ur  # the catalogue's Urdu sentence
    assert 'data-figure="revenue_pkr"' not in en + ur
    assert client.get("/reports/public-report-2026-01.pdf").status_code == 404
