"""Strict JSON for every file surplus writes: no NaN or Infinity (which Python's `json` emits
by default and other readers reject). A figure that is not a finite number is written as
null, and the document's `null_reasons` says, per null, why it has no value.

>>> text = dumps({"price": float("nan"), "cap": float("inf"), "n": 1}, {"price": "nothing served"})
>>> import json; document = json.loads(text)
>>> document["price"], document["cap"], document["null_reasons"]["price"]
(None, None, 'nothing served')
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

UNDEFINED = "not a finite number: nothing to divide by, or no case to count"
"""The reason given for a null whose field has no reason of its own."""

REASONS: dict[str, str] = {
    "price_pkr_per_mwh": "no energy served to this load or site in this run",
    "cost_cap_pkr_per_mwh": "the dataset declares no cost cap, so energy at any cost counts",
    "utilisation": "no capacity to divide by",
    "mean_event_hours": "no curtailment events",
}
"""Reasons for nulls of well-known fields, by field name."""


def dumps(
    document: Mapping[str, Any],
    reasons: Mapping[str, str] | None = None,
    indent: int | None = 2,
    default: Callable[[Any], Any] | None = None,
) -> str:
    """`document` as strict JSON, with `null_reasons` (JSON path → reason) added when any
    value had to become null. `reasons` adds or overrides reasons by field name; `default`
    turns values of other types into JSON ones (as in `json.dumps`)."""
    known = {**REASONS, **(reasons or {})}
    nulls: dict[str, str] = {}
    clean = _clean(document, "", known, nulls, default)
    if nulls:
        clean["null_reasons"] = nulls
    return json.dumps(clean, indent=indent, allow_nan=False)


def _clean(
    value: Any,
    path: str,
    known: Mapping[str, str],
    nulls: dict[str, str],
    default: Callable[[Any], Any] | None,
) -> Any:
    if isinstance(value, Mapping):
        return {
            str(key): _clean(item, f"{path}.{key}" if path else str(key), known, nulls, default)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_clean(item, f"{path}[{i}]", known, nulls, default) for i, item in enumerate(value)]
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        field = path.rsplit(".", 1)[-1].split("[", 1)[0]
        nulls[path] = known.get(field, UNDEFINED)
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if default is not None:
        return _clean(default(value), path, known, nulls, None)
    raise TypeError(f"{path}: {type(value).__name__} is not a JSON value")
