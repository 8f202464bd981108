"""Headroom on a grid dataset: spare capacity per zone and hour comes from the dispatch."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

from surplus.headroom.results import HeadroomTable
from surplus.headroom.timeline import HeadroomError


def grid_headroom_table(path: Path | None, budgets: Sequence[float]) -> tuple[HeadroomTable, str]:
    """Headroom of every zone of the dataset at `path` (the embedded one when None)."""
    module = importlib.import_module("surplus.dispatch")
    if not hasattr(module, "dispatch"):
        raise HeadroomError(
            "headroom on a grid dataset needs the dispatch, which is not available yet; "
            "use --demand FILE.csv for a demand history"
        )
    raise HeadroomError("grid headroom is not wired to the dispatch yet")
