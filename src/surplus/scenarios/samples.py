"""The scenario files shipped with the embedded dataset."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1] / "data" / "pakistan" / "scenarios"
PHASE1 = FOLDER / "phase1.toml"
"""100 runs of the Pakistan year: does phase 1's 2,000 MW hold, and phase 2's 4,000 MW?"""
