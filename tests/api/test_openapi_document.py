"""The service's OpenAPI document is checked in; a change to the API must change it on purpose."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_checked_in_openapi_document_is_current() -> None:
    spec = importlib.util.spec_from_file_location("write_docs", ROOT / "tools" / "write_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    checked_in = (ROOT / "docs" / "openapi.json").read_text()
    assert module.openapi_json() == checked_in, "run `python tools/write_docs.py`"
