"""Property-based conformance: schemathesis drives the OFFICIAL openadr3.yaml against the
app in-process, as business logic and as a VEN. No response may be a server error or
disagree with the document (status code and body schema), and requests the document
forbids must be refused with a 4xx."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig
from sqlalchemy.engine import Engine

from tests.openadr.conftest import Vtn, start_vtn
from tests.openadr.spec import with_errata

# The coverage phase of this schemathesis release crashes while encoding this document's
# examples (TypeError in its de-duplication); the examples and fuzzing phases run.
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}}, "generation": {"mode": "all"}}
)
schema = schemathesis.openapi.from_dict(with_errata("http://localhost"), config=CONFIG)
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def conformance_vtn(sqlite_engine: Engine) -> Iterator[Vtn]:
    yield from start_vtn(sqlite_engine)


@pytest.fixture(params=["bl", "ven1"])
def token(request: pytest.FixtureRequest, conformance_vtn: Vtn) -> str:
    party = getattr(conformance_vtn, request.param)
    return str(party.token)


# Generating report bodies (deeply nested) costs hypothesis seconds per example, so the two
# report-writing operations get fewer examples than the rest.
REPORT_WRITES = r"^/reports(/\{reportID\})?$"
most = schema.exclude(path_regex=REPORT_WRITES, method=["POST", "PUT"])
report_writes = schema.include(path_regex=REPORT_WRITES, method=["POST", "PUT"])


def _call(case: schemathesis.Case, vtn: Vtn, token: str) -> None:
    case.call_and_validate(
        app=vtn.client.app, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
    )


@most.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_official_document(case: schemathesis.Case, conformance_vtn: Vtn, token: str) -> None:
    _call(case, conformance_vtn, token)


@report_writes.parametrize()
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
def test_official_document_report_writes(
    case: schemathesis.Case, conformance_vtn: Vtn, token: str
) -> None:
    _call(case, conformance_vtn, token)
