from __future__ import annotations

from pathlib import Path

import pytest

from tests.grid.tiny import write_tiny


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_tiny(tmp_path / "tiny")
