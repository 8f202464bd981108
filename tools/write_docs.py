"""Regenerate the documents derived from code: the dataset format's column tables, the
service's OpenAPI document and the term sheet's JSON Schema."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from surplus.grid.schema_docs import replace_generated

ROOT = Path(__file__).resolve().parents[1]


def openapi_json() -> str:
    """The service's OpenAPI document, as checked in at docs/openapi.json."""
    from surplus.server.app import create_app
    from surplus.settings import Settings

    # An in-memory database has no place for a key file: a throw-away key will do.
    app = create_app(Settings(database_url="sqlite://", secret_key=secrets.token_urlsafe(32)))
    return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"


def term_sheet_schema_json() -> str:
    """The term sheet's JSON Schema, as checked in at docs/term-sheet.schema.json."""
    from surplus.contracts import term_sheet_json_schema

    return json.dumps(term_sheet_json_schema(), indent=2, sort_keys=True) + "\n"


def main() -> None:
    path = ROOT / "docs" / "dataset-format.md"
    path.write_text(replace_generated(path.read_text()))
    print(f"updated {path}")
    path = ROOT / "docs" / "openapi.json"
    path.write_text(openapi_json())
    print(f"updated {path}")
    path = ROOT / "docs" / "term-sheet.schema.json"
    path.write_text(term_sheet_schema_json())
    print(f"updated {path}")


if __name__ == "__main__":
    main()
