"""What a setting's value may say, read once at the edge.

Three shapes, the same for every key that takes them:

- a **share of the base**: `70%` (70 % of the base figure); a **change**: `+15%`, `-10%`;
- **megawatts**: `800` or `800MW`;
- a **word**: `out`, `on`, `off`.

An unsigned percentage is always a share of the base and a signed one always a change, so
`demand=15%` means 15 % of the base demand, not 15 % more.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_SHARE = re.compile(r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)\s*%$")
_MW = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)\s*(?:mw)?$", re.IGNORECASE)
_HOURS = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)\s*h?$", re.IGNORECASE)


@dataclass(frozen=True)
class Share:
    """A multiplier on the base figure, written as the user wrote it."""

    factor: float
    text: str


@dataclass(frozen=True)
class Megawatts:
    mw: float


@dataclass(frozen=True)
class Word:
    word: str


@dataclass(frozen=True)
class Hours:
    hours_per_day: float


Value = Share | Megawatts | Word | Hours


def parse_share(text: str) -> Share | None:
    """`70%` → 0.7; `+15%` → 1.15; `-10%` → 0.9; None when `text` is not a percentage.

    >>> parse_share("70%").factor, parse_share("+15%").factor, parse_share("-10%").factor
    (0.7, 1.15, 0.9)
    """
    match = _SHARE.match(text.strip())
    if not match:
        return None
    sign, number = match.groups()
    percent = float(number)
    factor = percent / 100 if not sign else 1 + (percent if sign == "+" else -percent) / 100
    return Share(round(factor, 12), text.strip())


def parse_megawatts(text: str) -> Megawatts | None:
    """`800` or `800MW` → 800 MW; None otherwise."""
    match = _MW.match(text.strip())
    if not match:
        return None
    value = float(match.group(1))
    return Megawatts(value) if math.isfinite(value) else None


def parse_hours(text: str) -> Hours | None:
    """`12` or `12h` → 12 hours a day; None otherwise, or outside 0-24."""
    match = _HOURS.match(text.strip())
    if not match:
        return None
    hours = float(match.group(1))
    return Hours(hours) if 0 <= hours <= 24 else None


def describe_share(share: Share) -> str:
    """How a share reads in a sentence.

    >>> describe_share(Share(0.7, "70%")), describe_share(Share(1.15, "+15%"))
    ('70 % of the base', '+15 %')
    """
    if share.text.startswith(("+", "-")):
        return f"{(share.factor - 1) * 100:+g} %"
    return f"{share.factor * 100:g} % of the base"
