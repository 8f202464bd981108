"""A HiGHS solver that never writes to stdout.

HiGHS prints its banner from C++ when a solver is created, before any option can silence
it; on stdout that breaks `surplus headroom > file` and the progress bars. The banner is
sent to stderr instead (file descriptor level, for the construction only).
"""

from __future__ import annotations

import os
import sys
import threading

import highspy

_LOCK = threading.Lock()


def quiet_highs() -> highspy.Highs:
    """A new `highspy.Highs` with output off; whatever it prints on creation goes to stderr."""
    with _LOCK:
        sys.stdout.flush()
        try:
            stdout_fd = sys.__stdout__.fileno() if sys.__stdout__ else 1
        except (OSError, ValueError):  # no real stdout (embedded, captured): nothing to guard
            stdout_fd = -1
        if stdout_fd < 0:
            highs = highspy.Highs()
        else:
            saved = os.dup(stdout_fd)
            try:
                os.dup2(2, stdout_fd)
                highs = highspy.Highs()
            finally:
                os.dup2(saved, stdout_fd)
                os.close(saved)
    highs.setOptionValue("output_flag", False)
    return highs
