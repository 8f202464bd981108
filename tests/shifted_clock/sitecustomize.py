"""Run the suite as if on another date: with this folder on PYTHONPATH and
SURPLUS_TEST_CLOCK_SHIFT_DAYS set, every Python process started from the tests (pytest, its
xdist workers, the VTN servers they spawn) sees the wall clock moved by that many days, still
ticking. The monotonic clock is left alone, so timeouts and sleeps behave as usual.

    bash scripts/test-later 365     # or by hand: SURPLUS_TEST_CLOCK_SHIFT_DAYS=365 PYTHONPATH=...

(libfaketime does the same for C code, but breaks Python's sleeps and timed waits.)
"""

from __future__ import annotations

import os

_days = os.environ.get("SURPLUS_TEST_CLOCK_SHIFT_DAYS")
if _days:
    from datetime import UTC, datetime, timedelta

    import time_machine

    time_machine.travel(datetime.now(UTC) + timedelta(days=float(_days)), tick=True).start()
