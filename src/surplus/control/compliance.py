"""Compliance: did a site reach its order's limit in the agreed time, by metered power?

An acknowledgement is a promise, not a delivery: only metered power (the DEMAND readings
a site's telemetry carries) is judged. From the response deadline on, the mean of the
readings in the `window_s` up to the newest one must be at or below the limit plus the
contract's tolerance. Readings may arrive batched, so the verdict waits for one taken
after the deadline; none `window_s` after it is a failure too, since an unmetered site
cannot be shown to have curtailed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Status = Literal["pending", "compliant", "exceeded", "no_data"]
WINDOW_S = 15.0


@dataclass(frozen=True)
class Sample:
    """One metered power reading, MW drawn (positive = consumption)."""

    at: datetime
    power_mw: float


@dataclass(frozen=True)
class Verdict:
    status: Status
    deadline: datetime
    measured_mw: float | None = None
    reached_at: datetime | None = None
    """First reading at or below the limit since the order applied."""

    @property
    def failed(self) -> bool:
        return self.status in ("exceeded", "no_data")


def judge(
    limit_mw: float,
    applies_at: datetime,
    response_s: float,
    tolerance_mw: float,
    samples: Sequence[Sample],
    now: datetime,
    window_s: float = WINDOW_S,
) -> Verdict:
    """The verdict on one order at `now` from the site's readings (any order).

    >>> from datetime import UTC
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> s = [Sample(t + timedelta(seconds=k), mw) for k, mw in ((5, 80.0), (60, 19.0))]
    >>> judge(20.0, t, 60, 0.5, s, t + timedelta(seconds=61)).status
    'compliant'
    >>> judge(20.0, t, 60, 0.5, s[:1], t + timedelta(seconds=61)).status
    'pending'
    >>> judge(20.0, t, 60, 0.5, s[:1], t + timedelta(seconds=76)).status
    'no_data'
    """
    deadline = applies_at + timedelta(seconds=response_s)
    since = sorted((s for s in samples if s.at >= applies_at), key=lambda s: s.at)
    reached = next((s.at for s in since if s.power_mw <= limit_mw + tolerance_mw), None)
    due = [s for s in since if s.at >= deadline]
    if not due:
        late = now >= deadline + timedelta(seconds=window_s)
        return Verdict("no_data" if late else "pending", deadline, reached_at=reached)
    newest = due[-1].at
    recent = [s.power_mw for s in due if s.at > newest - timedelta(seconds=window_s)]
    measured = sum(recent) / len(recent)
    status: Status = "compliant" if measured <= limit_mw + tolerance_mw else "exceeded"
    return Verdict(status, deadline, measured, reached)
