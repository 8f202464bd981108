"""What a setting's value may say, read once at the edge.

The same shapes for every key that takes them:

- a **share of the base**: `70%` (70 % of the base figure); a **change**: `+15%`, `-10%`;
- **megawatts**: `800` or `800MW`;
- **energy** with its unit: `1500GWh`, `1.5TWh`, `900000MWh`;
- **minutes**: `30` or `30min`;
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
_ENERGY = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)\s*(mwh|gwh|twh)$", re.IGNORECASE)
_MINUTES = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)\s*(?:min|minutes?)?$", re.IGNORECASE)
_MWH_PER = {"mwh": 1.0, "gwh": 1e3, "twh": 1e6}


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


@dataclass(frozen=True)
class Energy:
    mwh: float


@dataclass(frozen=True)
class Minutes:
    minutes: float


Value = Share | Megawatts | Word | Hours | Energy | Minutes


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


def parse_energy(text: str) -> Energy | None:
    """`1500GWh` → 1,500,000 MWh (MWh, GWh or TWh, the unit required); None otherwise.

    >>> parse_energy("1500 GWh"), parse_energy("1.5TWh"), parse_energy("1500")
    (Energy(mwh=1500000.0), Energy(mwh=1500000.0), None)
    """
    match = _ENERGY.match(text.strip())
    if not match:
        return None
    value = float(match.group(1)) * _MWH_PER[match.group(2).lower()]
    return Energy(value) if math.isfinite(value) else None


def parse_minutes(text: str) -> Minutes | None:
    """`30` or `30min` → 30 minutes; None otherwise.

    >>> parse_minutes("30min"), parse_minutes("2 h")
    (Minutes(minutes=30.0), None)
    """
    match = _MINUTES.match(text.strip())
    if not match:
        return None
    value = float(match.group(1))
    return Minutes(value) if math.isfinite(value) else None


def describe_share(share: Share) -> str:
    """How a share reads in a sentence.

    >>> describe_share(Share(0.7, "70%")), describe_share(Share(1.15, "+15%"))
    ('70 % of the base', '+15 %')
    """
    if share.text.startswith(("+", "-")):
        return f"{(share.factor - 1) * 100:+g} %"
    return f"{share.factor * 100:g} % of the base"
