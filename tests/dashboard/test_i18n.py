"""Translations: every word of the templates goes through the catalog, the Urdu catalog is
complete and compiled, and numbers and dates follow each locale."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import files

import jinja2
import pandas as pd
from babel.numbers import format_decimal

from surplus.dashboard.catalogs import compiled, extract_messages, mo_path, po_path, read_catalog
from surplus.dashboard.i18n import LANGUAGES, Formatter
from surplus.dashboard.zones import CONDITION_LABELS, ZONE_NAME_MESSAGES
from surplus.grid.files import embedded_path

TEMPLATES = files("surplus.dashboard") / "templates"
VISIBLE_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"{]*)"')
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def template_text(name: str) -> str:
    """The template's literal text: what is outside Jinja tags, with HTML tags removed."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    source = (TEMPLATES / name).read_text()
    data = "".join(value for _, kind, value in env.lex(source) if kind == "data")
    return re.sub(r"<[^>]*>", " ", data)


def test_templates_hold_no_words_outside_the_catalog() -> None:
    names = [p.name for p in TEMPLATES.iterdir() if p.name.endswith(".html")]
    assert {"base.html", "index.html", "login.html", "operator.html"} <= set(names)
    for name in names:
        words = re.findall(r"[^\W\d_]{2,}", template_text(name))
        assert words == [], f"{name}: literal text {words} must go through _()"
        source = (TEMPLATES / name).read_text()
        assert [v for v in VISIBLE_ATTRIBUTES.findall(source) if v.strip()] == [], name


def test_the_check_catches_a_literal_word() -> None:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    tokens = env.lex('<p>{{ _("fine") }} Oops</p>')
    data = "".join(value for _, kind, value in tokens if kind == "data")
    assert re.findall(r"[^\W\d_]{2,}", re.sub(r"<[^>]*>", " ", data)) == ["Oops"]


def test_every_message_has_an_urdu_translation_with_its_placeholders() -> None:
    extracted = {m.id for m in extract_messages() if m.id}
    catalog = read_catalog(po_path("ur"), "ur")
    translated = {m.id: m for m in catalog if m.id}
    assert extracted - set(translated) == set(), "run tools/dashboard_translations.py update"
    assert set(translated) - extracted == set(), "obsolete messages: run update"
    for message_id, message in translated.items():
        assert message.string and not message.fuzzy, message_id
        assert sorted(PLACEHOLDER.findall(str(message.string))) == sorted(
            PLACEHOLDER.findall(str(message_id))
        ), message_id


def test_the_committed_mo_is_the_compiled_po() -> None:
    assert mo_path("ur").read_bytes() == compiled("ur"), (
        "run tools/dashboard_translations.py compile"
    )


def test_zone_messages_are_the_dataset_s_zone_names() -> None:
    names = pd.read_csv(embedded_path() / "zones.csv")["name"].tolist()
    assert sorted(ZONE_NAME_MESSAGES) == sorted(names)
    assert set(CONDITION_LABELS) == {"curtailed", "running", "idle", "no_data"}


def test_numbers_and_dates_follow_each_locale_as_babel_has_it() -> None:
    en, ur = Formatter(LANGUAGES["en"]), Formatter(LANGUAGES["ur"])
    assert en.mw(1234.56) == "1,234.6"
    assert ur.mw(1234.56) == format_decimal(1234.56, format="#,##0.0", locale="ur_PK")
    assert en.pkr(Decimal("1504938300.50")) == "1,504,938,300"  # half-even: .50 -> even
    assert en.month(date(2026, 3, 1)) == "March 2026"
    assert ur.month(date(2026, 3, 1)) == "مارچ 2026"
    # shown in Pakistan time: 19:30 UTC is half past midnight the next day
    assert en.datetime(datetime(2026, 3, 1, 19, 30, tzinfo=UTC)).startswith("02-Mar-2026, 12:30")
    assert en.percent(1 / 3) == "33.3%"


def test_urdu_is_right_to_left_and_english_left_to_right() -> None:
    assert (LANGUAGES["ur"].direction, LANGUAGES["ur"].prefix) == ("rtl", "/ur")
    assert (LANGUAGES["en"].direction, LANGUAGES["en"].prefix) == ("ltr", "")
