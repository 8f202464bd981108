"""Settlement's API: meter uploads need the business-logic role, are audited, and a bad
file is a 422 naming its row and field; statements come back as JSON and PDF."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from surplus.auth import SCOPES_BY_ROLE, grant_for
from surplus.control.registry import Placement, enrol_term_sheets
from surplus.settlement.month import settle_month
from surplus.store.audit import AuditEntry
from tests.api.conftest import TestClient, app, client, token_for
from tests.settlement.sheets import fixed, sheet
from tests.settlement.test_month import meter_csv

__all__ = ["app", "client", "token_for"]
URL = "/api/v1/settlement/meter-files"


def test_meter_uploads_are_authenticated_audited_and_checked(
    client: TestClient, token_for: Callable[..., dict[str, str]], session: Session
) -> None:
    enrol_term_sheets(session, [sheet(1, 10.0, tariff=fixed(20_000.0, 0.0, 0.0))],
                      [Placement(30.0, 70.0, 1)])  # fmt: skip
    session.commit()
    files = {"file": ("m.csv", meter_csv([10.0] * 5 + [-1.0]), "text/csv")}
    assert client.post(URL, files=files).status_code == 401
    ven = token_for("ven", "ven-client", "ven-1")
    assert client.post(URL, files=files, headers=ven).status_code == 403
    answer = client.post(URL, files=files, headers=token_for())
    assert answer.status_code == 201, answer.text
    assert answer.json()["inserted"] == 6 and answer.json()["flags"] == {"negative": 1}
    actions = session.scalars(select(AuditEntry.object_type)).all()
    assert "meter_batch" in actions
    bad = {"file": ("bad.csv", b"site_id,read_at,power_mw\n1,2026-01-05T10:00Z,lots\n", "text/csv")}
    refused = client.post(URL, files=bad, headers=token_for())
    assert refused.status_code == 422
    assert "bad.csv, row 2, column 'power_mw'" in refused.json()["detail"]


def test_statements_as_json_and_pdf(
    client: TestClient, token_for: Callable[..., dict[str, str]], session: Session
) -> None:
    enrol_term_sheets(session, [sheet(1, 10.0, tariff=fixed(20_000.0, 0.0, 0.0))],
                      [Placement(30.0, 70.0, 1)])  # fmt: skip
    session.commit()
    settle_month(session, "2026-01", "test")
    session.commit()
    listed = client.get("/api/v1/settlement/statements?month=2026-01", headers=token_for())
    assert listed.status_code == 200 and len(listed.json()) == 1
    row_id = listed.json()[0]["id"]
    body = client.get(f"/api/v1/settlement/statements/{row_id}", headers=token_for()).json()
    assert (
        body["statement_id"] == "2026-01/op-a/v1"
        and body["total_pkr"] == listed.json()[0]["total_pkr"]
    )
    pdf = client.get(f"/api/v1/settlement/statements/{row_id}?format=pdf", headers=token_for())
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    summary = client.get("/api/v1/settlement/months/2026-01/summary", headers=token_for())
    assert summary.status_code == 200 and summary.json()["operators"] == 1
    assert (
        client.get("/api/v1/settlement/months/2026-13/summary", headers=token_for()).status_code
        == 422
    )


def _multipart(name: bytes, content: bytes) -> tuple[bytes, dict[str, str]]:
    """A body whose file name holds raw bytes: httpx percent-encodes NUL in file names, a
    hand-written client need not."""
    boundary = b"surplus-test-boundary"
    body = b"".join(
        (
            b"--" + boundary + b"\r\n",
            b'Content-Disposition: form-data; name="file"; filename="' + name + b'"\r\n',
            b"Content-Type: text/csv\r\n\r\n",
            content,
            b"\r\n--" + boundary + b"--\r\n",
        )
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary.decode()}"}


def test_a_nul_in_the_reason_or_the_file_name_is_a_422_that_stores_nothing(
    client: TestClient, token_for: Callable[..., dict[str, str]], session: Session
) -> None:
    """PostgreSQL cannot store NUL in text: refused with the field named, never a 500."""
    enrol_term_sheets(session, [sheet(1, 10.0, tariff=fixed(20_000.0, 0.0, 0.0))],
                      [Placement(30.0, 70.0, 1)])  # fmt: skip
    session.commit()
    csv = meter_csv([10.0] * 3)
    before = session.scalars(select(AuditEntry.object_type)).all().count("meter_batch")
    files = {"file": ("m.csv", csv, "text/csv")}
    refused = client.post(URL, files=files, data={"reason": "meter\x00swap"}, headers=token_for())
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"].startswith("reason") and "NUL" in refused.json()["detail"]
    body, content_type = _multipart(b"m\x00.csv", csv)
    refused = client.post(URL, content=body, headers={**token_for(), **content_type})
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"].startswith("the file's name")
    assert "NUL" in refused.json()["detail"]
    after = session.scalars(select(AuditEntry.object_type)).all().count("meter_batch")
    assert after == before


def test_settlement_sits_behind_the_services_protections(
    client: TestClient, app: FastAPI, token_for: Callable[..., dict[str, str]], session: Session
) -> None:
    """Mounted by `surplus.server`, settlement gets what every route gets: a token of a
    client the service does not know is refused, a meter file over the upload limit is a
    413 before any reading, and answers carry the security headers."""
    settings = app.state.settings
    unknown = grant_for("nobody", "bl", None, SCOPES_BY_ROLE["bl"], settings)
    forged = {"Authorization": f"Bearer {unknown.access_token}"}
    listed = client.get("/api/v1/settlement/statements?month=2026-01", headers=forged)
    assert listed.status_code == 401
    assert listed.headers["x-content-type-options"] == "nosniff"
    before = session.scalars(select(AuditEntry.object_type)).all().count("meter_batch")
    big = meter_csv([10.0] * 3) + b"#" * settings.max_upload_bytes
    files = {"file": ("big.csv", big, "text/csv")}
    refused = client.post(URL, files=files, headers=token_for())
    assert refused.status_code == 413, refused.text
    assert refused.headers["x-frame-options"] == "DENY"
    after = session.scalars(select(AuditEntry.object_type)).all().count("meter_batch")
    assert after == before


def test_a_meter_file_may_be_larger_than_other_bodies_up_to_the_upload_limit(
    client: TestClient, app: FastAPI, token_for: Callable[..., dict[str, str]], session: Session
) -> None:
    """A month of a site's minute readings is megabytes: the meter-file route takes bodies
    up to `max_upload_bytes`; every other route still stops at `max_request_bytes`."""
    settings = app.state.settings
    enrol_term_sheets(session, [sheet(1, 10.0, tariff=fixed(20_000.0, 0.0, 0.0))],
                      [Placement(30.0, 70.0, 1)])  # fmt: skip
    session.commit()
    rows = settings.max_request_bytes // 30
    csv = meter_csv([10.0] * rows)
    assert settings.max_request_bytes < len(csv) < settings.max_upload_bytes
    files = {"file": ("month.csv", csv, "text/csv")}
    stored = client.post(URL, files=files, headers=token_for())
    assert stored.status_code == 201, stored.text
    assert stored.json()["rows"] == rows
    elsewhere = client.post("/api/v1/readings", content=csv, headers=token_for())
    assert elsewhere.status_code == 413
    assert str(settings.max_request_bytes) in elsewhere.json()["detail"]
    # Only a caller who may upload gets the larger limit: nobody else makes the service
    # read a large body before the route refuses it.
    ven = token_for("ven", "ven-client", "ven-1")
    for headers in ({}, ven, {"Authorization": "Bearer forged"}):
        refused = client.post(URL, files=files, headers=headers)
        assert refused.status_code == 413, refused.text
        assert str(settings.max_request_bytes) in refused.json()["detail"]
