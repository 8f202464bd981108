"""Strict JSON: no NaN or Infinity anywhere, and a reason for every null."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from surplus import strict_json


def _reject(constant: str) -> object:
    raise ValueError(f"non-standard JSON constant {constant}")


def test_non_finite_numbers_become_null_with_a_reason() -> None:
    document = {
        "site": {"price_pkr_per_mwh": np.float64("nan"), "load_mw": np.int64(3)},
        "rows": [{"utilisation": float("inf")}, {"utilisation": 0.5}],
        "when": pd.Timestamp("2025-06-01T00:00Z"),
        "odd": -float("inf"),
    }
    parsed = json.loads(strict_json.dumps(document), parse_constant=_reject)
    assert parsed["site"] == {"price_pkr_per_mwh": None, "load_mw": 3}
    assert parsed["rows"] == [{"utilisation": None}, {"utilisation": 0.5}]
    assert parsed["when"] == "2025-06-01T00:00:00+00:00"
    assert parsed["null_reasons"] == {
        "site.price_pkr_per_mwh": strict_json.REASONS["price_pkr_per_mwh"],
        "rows[0].utilisation": strict_json.REASONS["utilisation"],
        "odd": strict_json.UNDEFINED,
    }


def test_a_clean_document_has_no_reasons_and_unknown_types_are_refused() -> None:
    assert json.loads(strict_json.dumps({"a": [1, 2.5, None, "x", True]})) == {
        "a": [1, 2.5, None, "x", True]
    }
    with pytest.raises(TypeError, match=r"a\.b: object"):
        strict_json.dumps({"a": {"b": object()}})
    assert json.loads(strict_json.dumps({"a": object()}, default=lambda _: "made")) == {"a": "made"}


@given(
    st.recursive(
        st.floats() | st.integers() | st.text(max_size=3) | st.none(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=20,
    )
)
def test_anything_of_numbers_lists_and_maps_is_written_strictly(value: object) -> None:
    text = strict_json.dumps({"value": value})
    json.loads(text, parse_constant=_reject)
