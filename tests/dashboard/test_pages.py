"""The public pages in both languages, the open data, the headers that keep every request
on the service, and the operators' log-in (CSRF, cookies, throttling, revocation)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from surplus.dashboard import settlement_source
from surplus.dashboard.i18n import LANGUAGES, Formatter
from surplus.dashboard.model import PublicReport, SettlementMonth, StatementLine
from surplus.dashboard.security import CONTENT_SECURITY_POLICY
from surplus.dashboard.settlement_source import ReportFile
from surplus.store.audit import AuditEntry
from surplus.store.clients import Client
from tests.dashboard.pages import EXTERNAL, figures
from tests.dashboard.programme import EXPECTED_TOTALS, SECRET_A, SECRET_B, Seeded, seed

PAGES = ["/", "/ur/", "/operator/login", "/ur/operator/login"]


@pytest.fixture
def seeded(db: Session) -> Seeded:
    return seed(db, datetime.now(UTC))


def test_both_languages_render_with_lang_dir_and_no_script(
    client: TestClient, seeded: Seeded
) -> None:
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.text
        urdu = path.startswith("/ur")
        assert f'<html lang="{"ur" if urdu else "en"}" dir="{"rtl" if urdu else "ltr"}">' in html
        assert "<script" not in html.lower()
        assert "style=" not in html  # the CSP allows no inline style
        assert not EXTERNAL.search(html), path
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_the_policy_forbids_every_other_origin() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'none'"
    assert directives["connect-src"] == "'none'"
    for name in ("style-src", "img-src", "font-src", "form-action"):
        assert directives[name] == "'self'", name
    assert directives["frame-ancestors"] == "'none'"


def test_urdu_page_is_translated(client: TestClient, seeded: Seeded) -> None:
    ur, en = client.get("/ur/").text, client.get("/").text
    for english, urdu in [
        ("Programme totals", "پروگرام کے مجموعی اعداد"),
        ("Each zone now", "ہر زون اس وقت"),
        ("not yet available", "ابھی دستیاب نہیں"),
        ("MEPCO (Multan)", "میپکو (ملتان)"),
        ("Punjab", "پنجاب"),
    ]:
        assert english in en and urdu not in en
        assert urdu in ur and english not in ur
    assert 'hreflang="en"' in ur and ">English<" in ur and ">اردو<" in en


def test_numbers_on_both_pages_are_the_api_s_formatted_per_locale(
    client: TestClient, seeded: Seeded
) -> None:
    api = client.get("/api/v1/public/dashboard").json()
    assert {k: api["totals"][k] for k in EXPECTED_TOTALS} == pytest.approx(EXPECTED_TOTALS)
    for code, path in (("en", "/"), ("ur", "/ur/")):
        fmt = Formatter(LANGUAGES[code])
        shown = figures(client.get(path).text, "totals")
        by_name = {name: (float(value), text) for name, value, text in shown}
        for name in ("allocated_mw", "running_mw", "curtailed_mw"):
            assert by_name[name] == (api["totals"][name], fmt.mw(api["totals"][name])), name
        for name in ("operators", "sites", "curtailment_events", "open_noncompliance"):
            assert by_name[name] == (api["totals"][name], fmt.number(api["totals"][name]))
        share = api["totals"]["compliant_events"] / 3
        assert by_name["compliance_share"] == (pytest.approx(share), fmt.percent(share))
        zones = figures(client.get(path).text, "zones")
        allocated = [float(v) for name, v, _ in zones if name == "allocated_mw"]
        assert allocated == [z["allocated_mw"] for z in api["zones"]]


def test_public_pages_and_data_name_no_operator_or_site(client: TestClient, seeded: Seeded) -> None:
    for path in ["/", "/ur/", "/api/v1/public/dashboard", "/open-data/zones.csv",
                 "/open-data/monthly.csv"]:  # fmt: skip
        body = client.get(path).text
        for name in ("Indus Hash", "Karachi Compute", "Korangi", "ven-a1"):
            assert name not in body, (path, name)


def test_open_data_equals_the_api(client: TestClient, seeded: Seeded) -> None:
    api = client.get("/api/v1/public/dashboard").json()
    for table, key in (("monthly", "months"), ("zones", "zones")):
        csv = client.get(f"/open-data/{table}.csv")
        assert csv.headers["content-type"].startswith("text/csv")
        assert "attachment" in csv.headers["content-disposition"]
        from_csv = pd.read_csv(io.StringIO(csv.text), keep_default_na=False)
        parquet = pd.read_parquet(io.BytesIO(client.get(f"/open-data/{table}.parquet").content))
        assert list(from_csv.columns) == list(parquet.columns) == list(api[key][0])
        assert len(from_csv) == len(parquet) == len(api[key])
        for column in ("allocated_mw", "curtailment_events"):
            if column in api[key][0]:
                expected = [row[column] for row in api[key]]
                assert from_csv[column].tolist() == expected
                assert parquet[column].tolist() == expected
    assert client.get("/open-data/sites.csv").status_code == 404
    assert client.get("/open-data/zones.xlsx").status_code == 404


def test_static_files_are_the_shipped_ones(client: TestClient) -> None:
    from importlib.resources import files

    font = client.get("/dashboard-static/fonts/NotoNastaliqUrdu-Regular.ttf")
    assert font.headers["content-type"] == "font/ttf"
    shipped = files("surplus.dashboard") / "static/fonts/NotoNastaliqUrdu-Regular.ttf"
    assert font.content == shipped.read_bytes()
    assert "SIL OPEN FONT LICENSE" in client.get("/dashboard-static/fonts/OFL.txt").text
    assert client.get("/dashboard-static/../settings.py").status_code == 404
    assert client.get("/dashboard-static/i18n.py").status_code == 404


# -- settlement wired in (the integrator's side of settlement_source) --------------------


def test_settlement_figures_and_reports_render_when_provided(
    client: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    api_months = client.get("/api/v1/public/dashboard").json()["months"]
    month = datetime.fromisoformat(api_months[-1]["month"]).date()
    figures_ = SettlementMonth(
        energy_sold_mwh=65_432.1, revenue_pkr=Decimal("1504938300.50"),
        penalties_pkr=Decimal("1200.00"), cost_to_serve_pkr=Decimal("1400000000"),
        subsidy_test_passed=True, mw_allocated=180.0, orders_judged=3, orders_compliant=2,
        orders_late=0, orders_exceeded=1, orders_no_data=0, drawn_above_orders_mwh=0.25,
    )  # fmt: skip
    report = ReportFile("public-report-x.pdf", "pdf", b"%PDF-1.4 test")
    monkeypatch.setattr(settlement_source, "month_figures", lambda s, m: {month: figures_})
    monkeypatch.setattr(
        settlement_source, "public_reports",
        lambda s: [PublicReport(month=month, format="pdf", name=report.name)],
    )  # fmt: skip
    monkeypatch.setattr(
        settlement_source, "public_report", lambda s, name: report if name == report.name else None
    )
    for code, path in (("en", "/"), ("ur", "/ur/")):
        html = client.get(path).text
        fmt = Formatter(LANGUAGES[code])
        shown = {name: text for name, _, text in figures(html, "months")}
        assert shown["energy_sold_mwh"] == fmt.mwh(65_432.1)
        assert shown["revenue_pkr"] == fmt.pkr(Decimal("1504938300.50"))
        assert 'id="settlement-missing"' not in html and 'id="none-settled"' not in html
        last = {name: text for name, _, text in figures(html, "settled")}
        assert last["orders_exceeded"] == fmt.number(1)
        assert last["drawn_above_orders_mwh"] == fmt.mwh(0.25)
        assert f'href="/reports/{report.name}"' in html
    downloaded = client.get(f"/reports/{report.name}")
    assert downloaded.content == b"%PDF-1.4 test"
    assert downloaded.headers["content-type"] == "application/pdf"
    assert client.get("/reports/other.pdf").status_code == 404
    assert client.get("/reports/..%2Fsecrets.pdf").status_code == 404


def test_without_settlement_nothing_is_invented(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/").text
    assert 'id="settlement-missing"' in html and 'id="no-reports"' in html
    assert 'id="none-settled"' in html
    assert 'data-figure="revenue_pkr"' not in html
    assert client.get("/reports/anything.pdf").status_code == 404


# -- operators ----------------------------------------------------------------------------


def login(client: TestClient, client_id: str, secret: str, prefix: str = "") -> Any:
    form = client.get(f"{prefix}/operator/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf is not None
    return client.post(
        f"{prefix}/operator/login",
        data={"client_id": client_id, "client_secret": secret, "csrf": csrf.group(1)},
        follow_redirects=False,
    )


def test_an_operator_logs_in_and_sees_only_its_own_sites(
    client: TestClient, seeded: Seeded
) -> None:
    assert client.get("/operator/", follow_redirects=False).headers["location"] == (
        "/operator/login"
    )
    response = login(client, "a1", SECRET_A)
    assert response.status_code == 303 and response.headers["location"] == "/operator/"
    cookie = response.headers["set-cookie"]
    assert "surplus_session=" in cookie and "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "samesite=strict" in cookie.lower()
    page = client.get("/operator/")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Indus Hash Multan" in page.text and "Indus Hash Sukkur" in page.text
    assert "Karachi Compute" not in page.text
    assert 'id="no-statements"' in page.text  # settlement has issued none
    ur = client.get("/ur/operator/")
    assert 'dir="rtl"' in ur.text and "آپ کی سائٹس" in ur.text


def test_log_in_needs_the_form_s_csrf_token(client: TestClient, seeded: Seeded) -> None:
    client.get("/operator/login")
    refused = client.post(
        "/operator/login",
        data={"client_id": "a1", "client_secret": SECRET_A, "csrf": "forged.token"},
        follow_redirects=False,
    )
    assert refused.status_code == 403 and "surplus_session" not in refused.headers.get(
        "set-cookie", ""
    )
    fresh = TestClient(client.app)  # no CSRF cookie at all
    refused = fresh.post(
        "/operator/login",
        data={"client_id": "a1", "client_secret": SECRET_A, "csrf": "x.y"},
        follow_redirects=False,
    )
    assert refused.status_code == 403


def test_wrong_secret_and_non_operator_clients_are_refused(
    client: TestClient, seeded: Seeded
) -> None:
    assert login(client, "a1", SECRET_B).status_code == 401
    assert login(client, "office", SECRET_A).status_code == 401  # a bl client: no operator
    assert login(client, "nobody", SECRET_A).status_code == 401
    assert client.get("/operator/", follow_redirects=False).status_code == 303


def test_failed_log_ins_are_throttled(client: TestClient, seeded: Seeded, db: Session) -> None:
    """The log-in shares the token endpoints' buckets (one limit per client id and per
    address, SURPLUS_TOKEN_FAILURES_PER_MINUTE): failures on the token endpoint count
    here too, so a second door gives no more guesses. Each failure is audited."""
    per_minute = client.app.state.settings.token_failures_per_minute  # type: ignore[attr-defined]
    for _ in range(per_minute - 2):
        assert login(client, "b1", "wrong-secret").status_code == 401
    for _ in range(2):
        wrong = {"grant_type": "client_credentials", "client_id": "b1", "client_secret": "no"}
        assert client.post("/api/v1/auth/token", data=wrong).status_code == 401
    blocked = login(client, "b1", SECRET_B)
    assert blocked.status_code == 429 and "Too many failed attempts" in blocked.text
    assert int(blocked.headers["retry-after"]) >= 1
    token = {"grant_type": "client_credentials", "client_id": "b1", "client_secret": SECRET_B}
    assert client.post("/api/v1/auth/token", data=token).status_code == 429
    refused = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "dashboard.login_refused")
    ).all()
    mine = [entry for entry in refused if entry.object_id == "b1"]
    assert len(mine) >= per_minute - 2
    assert all("wrong-secret" not in str(entry.payload) for entry in mine)
    assert {entry.payload["reason"] for entry in mine} == {"wrong secret"}


def test_a_right_log_in_uses_up_nothing(client: TestClient, seeded: Seeded) -> None:
    per_minute = client.app.state.settings.token_failures_per_minute  # type: ignore[attr-defined]
    for _ in range(per_minute + 5):
        assert login(client, "a1", SECRET_A).status_code == 303


def test_logout_needs_the_session_s_token(client: TestClient, seeded: Seeded) -> None:
    login(client, "b1", SECRET_B)
    assert client.post("/operator/logout", data={"csrf": "wrong"}).status_code == 403
    page = client.get("/operator/").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None
    out = client.post("/operator/logout", data={"csrf": token.group(1)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/operator/", follow_redirects=False).status_code == 303


def test_a_revoked_client_s_session_stops_working(
    client: TestClient, seeded: Seeded, db: Session
) -> None:
    login(client, "a1", SECRET_A)
    assert client.get("/operator/", follow_redirects=False).status_code == 200
    row = db.get(Client, "a1")
    assert row is not None
    row.revoked_at = datetime.now(UTC)
    db.commit()
    assert client.get("/operator/", follow_redirects=False).status_code == 303


def test_an_api_token_is_not_a_session(client: TestClient, seeded: Seeded, token_for: Any) -> None:
    bearer = token_for("ven", "a1", "ven-a1")["Authorization"].split()[1]
    client.cookies.set("surplus_session", bearer)
    assert client.get("/operator/", follow_redirects=False).status_code == 303


def test_over_https_cookies_are_secure_and_host_prefixed(app: FastAPI, seeded: Seeded) -> None:
    secure = TestClient(app, base_url="https://testserver")
    form = secure.get("/operator/login")
    assert form.headers["set-cookie"].startswith("__Host-surplus_login_csrf=")
    assert "Secure" in form.headers["set-cookie"]
    response = login(secure, "a1", SECRET_A)
    assert response.status_code == 303
    assert "__Host-surplus_session=" in response.headers["set-cookie"]
    assert "Secure" in response.headers["set-cookie"]
    assert secure.get("/operator/", follow_redirects=False).status_code == 200


def test_statements_render_when_settlement_provides_them(
    client: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = StatementLine(month=datetime.now(UTC).date().replace(day=1), energy_mwh=1234.5,
                         amount_pkr=Decimal("28393500.00"), version=2)  # fmt: skip
    monkeypatch.setattr(
        settlement_source, "operator_statements",
        lambda s, operator_id: [line] if operator_id == seeded.operator_a else [],
    )  # fmt: skip
    login(client, "a1", SECRET_A)
    shown = {name: text for name, _, text in figures(client.get("/operator/").text, "statements")}
    assert shown["amount_pkr"] == Formatter(LANGUAGES["en"]).pkr(Decimal("28393500.00"))
