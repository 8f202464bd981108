"""The dashboard's gettext catalogs, built with Babel: extracting the messages of templates
and code, merging them into each translation, compiling to .mo. Used by
`tools/dashboard_translations.py` and by the tests that keep the catalogs complete."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from surplus.dashboard.i18n import DOMAIN, locale_dir

PACKAGE = Path(__file__).parent
LOCALES = ("ur",)
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def pot_path() -> Path:
    return locale_dir() / f"{DOMAIN}.pot"


def po_path(code: str) -> Path:
    return locale_dir() / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(code: str) -> Path:
    return po_path(code).with_suffix(".mo")


def extract_messages() -> Catalog:
    """Every message the templates and the package's code mark for translation."""
    catalog = Catalog(project="surplus dashboard", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, METHODS, OPTIONS, strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read_catalog(path: Path, code: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=code)


def write_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)


def update_catalog(code: str, template: Catalog) -> Catalog:
    path = po_path(code)
    catalog = read_catalog(path, code) if path.exists() else Catalog(locale=code)
    catalog.update(template, no_fuzzy_matching=True)
    return catalog


def compiled(code: str) -> bytes:
    """The .mo the language's .po compiles to."""
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(po_path(code), code))
    return buffer.getvalue()


def compile_catalog(code: str) -> Path:
    mo_path(code).write_bytes(compiled(code))
    return mo_path(code)
