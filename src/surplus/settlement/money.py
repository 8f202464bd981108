"""Money as Decimal, rounded once, by one stated rule.

Quantities and prices are first brought to the resolution they are measured and agreed
in: energy to the watt-hour (1e-6 MWh), prices to the paisa per MWh (0.01 PKR/MWh), both
half-to-even. A line's amount is then the exact sum of quantity × price over its hours
(integer arithmetic, no binary floating point), rounded once to the paisa (0.01 PKR),
half-to-even. A statement's total is the sum of its rounded lines and is never rounded
again, so a statement always equals the sum of its lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np

PKR = Decimal("0.01")
"""Money is rounded to the paisa."""
ENERGY_DIGITS = 6
"""Energy in MWh to the watt-hour."""
PRICE_DIGITS = 2
"""Prices in PKR/MWh to the paisa."""
ROUNDING = ROUND_HALF_EVEN
RULE = (
    "energy to the Wh and prices to the paisa per MWh (half to even); each line is the "
    "exact sum of quantity × price, rounded once to the paisa (half to even); the total is "
    "the sum of the rounded lines"
)


def scaled(values: np.ndarray | Sequence[float], digits: int) -> list[int]:
    """Values as integers in units of 10^-digits, half to even (numpy's rint).

    >>> scaled([0.0000015, 2.5e-6, 1.0], 6)
    [2, 2, 1000000]
    """
    array = np.rint(np.asarray(values, dtype=float) * 10**digits)
    return [int(v) for v in array]


def amount_pkr(energy_mwh: np.ndarray, price_pkr_per_mwh: np.ndarray) -> Decimal:
    """Σ energy × price over hours, exact at the stated resolutions, rounded once to the
    paisa (half to even).

    >>> amount_pkr(np.array([1.0, 0.5]), np.array([23_000.0, 23_000.005]))
    Decimal('34500.00')
    """
    energy = scaled(energy_mwh, ENERGY_DIGITS)
    price = scaled(price_pkr_per_mwh, PRICE_DIGITS)
    exact = sum(e * p for e, p in zip(energy, price, strict=True))
    return pkr(Decimal(exact).scaleb(-(ENERGY_DIGITS + PRICE_DIGITS)))


def pkr(value: Decimal | int | str) -> Decimal:
    """Round to the paisa, half to even: the one rounding a line gets.

    >>> pkr(Decimal("2.345")), pkr(Decimal("2.355"))
    (Decimal('2.34'), Decimal('2.36'))
    """
    return Decimal(value).quantize(PKR, rounding=ROUNDING)


def energy(value: float) -> Decimal:
    """An energy in MWh at the stated resolution (the watt-hour)."""
    return Decimal(scaled([value], ENERGY_DIGITS)[0]).scaleb(-ENERGY_DIGITS)


def price(value: float) -> Decimal:
    """A price or rate at the stated resolution (the paisa)."""
    return Decimal(scaled([value], PRICE_DIGITS)[0]).scaleb(-PRICE_DIGITS)
