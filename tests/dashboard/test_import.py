"""Mounting the dashboard keeps the service quick to start: importing it loads neither
pandas nor the planning packages (open-data exports import pandas when asked for)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_dashboard_loads_no_pandas_or_planning_code() -> None:
    code = (
        "import sys, surplus.dashboard; "
        "print(sorted(m for m in ('pandas', 'surplus.grid', 'surplus.dispatch') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
