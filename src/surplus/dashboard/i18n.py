"""Languages of the dashboard: gettext catalogs for words, Babel for numbers and dates.

English is the source language (the catalog's message ids); Urdu's translations live in
`locale/ur/LC_MESSAGES/messages.po`, compiled to `messages.mo` beside it (docs/dashboard.md
says how to update both). Numbers, money and dates follow each locale's CLDR data as Babel
has it, and times are shown in Asia/Karachi.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

DISPLAY_TZ = ZoneInfo("Asia/Karachi")
DOMAIN = "messages"


@dataclass(frozen=True)
class Language:
    code: str
    """URL prefix and `lang` attribute: en, ur."""
    babel_locale: str
    direction: str
    prefix: str
    """Where its pages live: "" for English, "/ur" for Urdu."""


LANGUAGES = {
    "en": Language("en", "en_PK", "ltr", ""),
    "ur": Language("ur", "ur_PK", "rtl", "/ur"),
}


def N_(message: str) -> str:
    """Marks a message for extraction without translating it here (zone and province names,
    translated where they are shown)."""
    return message


def locale_dir() -> Path:
    return Path(str(files("surplus.dashboard") / "locale"))


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The compiled catalog of a language; English needs none (its ids are the text)."""
    if code == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=locale_dir(), languages=[code])


@dataclass(frozen=True)
class Formatter:
    """Numbers, money and dates the way a reader of `language` writes them.

    >>> Formatter(LANGUAGES["en"]).mw(1234.56)
    '1,234.6'
    >>> Formatter(LANGUAGES["en"]).month(date(2026, 3, 1))
    'March 2026'
    """

    language: Language

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.language.babel_locale)

    def number(self, value: float | Decimal | int, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def mw(self, value: float) -> str:
        """Megawatts to a tenth."""
        return self.number(value, 1)

    def mwh(self, value: float) -> str:
        return self.number(value, 0)

    def pkr(self, value: Decimal) -> str:
        """Rupees, whole."""
        return self.number(value, 0)

    def percent(self, share: float) -> str:
        return format_percent(share, format="#,##0.0%", locale=self.locale)

    def month(self, value: date) -> str:
        return format_date(value, "MMMM yyyy", locale=self.locale)

    def datetime(self, value: datetime) -> str:
        return format_datetime(value, "medium", tzinfo=DISPLAY_TZ, locale=self.locale)
