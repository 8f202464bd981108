"""docs/sensitivities.md lists every key with what it accepts and what it changes."""

from __future__ import annotations

from pathlib import Path

from surplus.sensitivity.keys import KEYS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "sensitivities.md"


def test_every_key_is_documented_as_declared() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for key in KEYS:
        assert f"| `{key.pattern}` | {key.accepts} | {key.meaning} |" in text, key.pattern
