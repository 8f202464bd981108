"""Values a database can store and JSON can carry back out: no NUL in any string
(PostgreSQL refuses it in text), and finite numbers only (1e309 parses as infinity).
Checked at validation, so a bad value is a 422 naming its field rather than a refusal
from the database deep inside a write."""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, field_validator


def storable(value: Any) -> Any:
    """`value` unchanged, or ValueError saying what it may not hold (nested values too).

    >>> storable({"terms": ["ok", 1.5]})
    {'terms': ['ok', 1.5]}
    """
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain the NUL character")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
    elif isinstance(value, dict):
        for key, item in value.items():
            storable(key)
            storable(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            storable(item)
    return value


class StorableFields(BaseModel):
    """A model whose every field is checked by `storable`."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return storable(value)
