"""Column names in words with units, for every table a person reads (terminal and report).

Files keep their short machine names (`headroom_mw`); tables show `Headroom, MW`. Names
already in words pass through unchanged.
"""

from __future__ import annotations

_UNITS = (
    ("_rs_per_kwh_sold", ", Rs/kWh sold"),
    ("_rs_per_kwh_generated", ", Rs/kWh generated"),
    ("_pkr_per_mwh", ", PKR/MWh"),
    ("_rs_per_kwh", ", Rs/kWh"),
    ("_bn_pkr", ", Rs bn"),
    ("_pkr", ", PKR"),
    ("_musd", ", USD m"),
    ("_usd", ", USD"),
    ("_mwh_per_year", ", MWh a year"),
    ("_hours_per_year", ", hours a year"),
    ("_per_year", " a year"),
    ("_gwh", ", GWh"),
    ("_mwh", ", MWh"),
    ("_mw", ", MW"),
    ("_ehs", ", EH/s"),
    ("_pct", ", %"),
    ("_hours", ", h"),
    ("_h", ", h"),
)

_WORDS = {"pct": "%", "mw": "MW", "btc": "BTC", "fx": "FX", "cppa": "CPPA", "id": "ID"}


def humanise(name: object) -> str:
    """A snake_case column name in words with its unit; other names unchanged.

    >>> humanise("curtailed_hours_per_year"), humanise("price_pkr_per_mwh")
    ('Curtailed, hours a year', 'Price, PKR/MWh')
    >>> humanise("Spare, MW"), humanise("utilisation_%"), humanise("zone")
    ('Spare, MW', 'Utilisation, %', 'Zone')
    """
    text = str(name)
    if " " in text or not text or text != text.lower():
        return text
    unit = ""
    if text.endswith("_%"):
        text, unit = text[:-2], ", %"
    else:
        for suffix, words in _UNITS:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, unit = text[: -len(suffix)], words
                break
    parts = [_WORDS.get(w, w) for w in text.split("_") if w]
    if not parts:
        return str(name)
    first = parts[0][:1].upper() + parts[0][1:]
    return " ".join([first, *parts[1:]]) + unit
