"""Terminal tables fit 100 columns: numbers are never cut, headers wrap, wide tables split."""

from __future__ import annotations

import io

import pandas as pd
from rich.console import Console

from surplus.console import print_frame
from surplus.labels import humanise


def rendered(frame: pd.DataFrame, width: int = 100) -> str:
    target = Console(width=width, file=io.StringIO(), record=True)
    print_frame(frame, "title", target=target)
    return target.export_text()


def test_a_wide_table_is_split_and_every_number_is_whole() -> None:
    frame = pd.DataFrame(
        {f"curtailed_mwh_per_year_{i}": [1_234_567.0, 2.0] for i in range(12)},
        index=pd.Index(["imported coal", "local coal"], name="fuel"),
    )
    text = rendered(frame)
    assert all(len(line) <= 100 for line in text.splitlines())
    assert text.count("1,234,567") == 12  # none cut to "1,2…"
    assert text.count("imported coal") >= 2  # row labels repeated in each part
    assert "(1 of 2)" in text and "…" not in text


def test_headers_are_words_and_booleans_are_yes_no() -> None:
    frame = pd.DataFrame({"headroom_mw": [1.0], "meets_uptime": [True]}, index=["a"])
    text = rendered(frame)
    assert "Headroom," in text and "Meets uptime" in text and "yes" in text
    assert "headroom_mw" not in text and "True" not in text


def test_humanise_keeps_words() -> None:
    assert humanise("Break-even flat tariff, Rs/kWh") == "Break-even flat tariff, Rs/kWh"
    assert humanise("shortfall_bn_pkr") == "Shortfall, Rs bn"
