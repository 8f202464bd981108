"""Strict JSON for summary.json: NaN and infinity are not JSON, so they are written as null,
and each null's place is listed with the reason, so a reader knows it was not a zero."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

NOT_FINITE = "not a finite number (for example a ratio over zero energy, or no hour to measure)"


def plain(value: Any, path: str = "$", nulls: dict[str, str] | None = None) -> Any:
    """`value` as plain JSON values: numpy and pandas scalars unwrapped, stamps as ISO text,
    non-finite floats as None (their paths recorded in `nulls`).

    >>> nulls = {}
    >>> plain({"a": [1.0, float("nan")], "b": np.int64(2)}, nulls=nulls), list(nulls)
    ({'a': [1.0, None], 'b': 2}, ['$.a[1]'])
    """
    if isinstance(value, dict):
        return {str(k): plain(v, f"{path}.{k}", nulls) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, f"{path}[{i}]", nulls) for i, v in enumerate(value)]
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        if nulls is not None:
            nulls[path] = NOT_FINITE
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"{path}: {type(value).__name__} is not JSON")


def dumps_strict(document: dict[str, Any]) -> str:
    """The document as indented strict JSON; a `nulls` entry lists each null written for a
    non-finite number (absent when there is none)."""
    nulls: dict[str, str] = {}
    cleaned = plain(document, nulls=nulls)
    if nulls:
        cleaned["nulls"] = nulls
    return json.dumps(cleaned, indent=2, allow_nan=False)
