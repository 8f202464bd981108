"""docs/economics.md shows exactly what the catalogues declare."""

from __future__ import annotations

from pathlib import Path

from surplus.economics.docs import generated_blocks, update_page
from surplus.loads import MINER_FLEET

PAGE = Path(__file__).resolve().parents[2] / "docs" / "economics.md"


def test_page_matches_the_catalogues() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert update_page(text) == text, (
        "docs/economics.md is out of date: run `python -m surplus.economics.docs docs/economics.md`"
    )


def test_every_block_has_markers_on_the_page() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for name in generated_blocks():
        assert f"<!-- BEGIN GENERATED: {name} -->" in text
        assert f"<!-- END GENERATED: {name} -->" in text


def test_a_changed_default_would_be_caught() -> None:
    text = PAGE.read_text(encoding="utf-8")
    cooling = MINER_FLEET.parameter("cooling_overhead")
    row = f"| `cooling_overhead` | {cooling.unit} | {cooling.default:g} |"
    assert row in text
    stale = text.replace(row, f"| `cooling_overhead` | {cooling.unit} | 0.5 |")
    assert update_page(stale) == text
