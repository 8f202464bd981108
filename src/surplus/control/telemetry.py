"""Reading a site's reports: metered power samples and acknowledgements.

Pure: a report body (OpenADR 3 report JSON) in, plain values out. Power comes from
`DEMAND` payloads in kW (the site's meter); `OPERATING_STATE` carries the site's own
account of itself, which is recorded but never counted as compliance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from surplus.control.compliance import Sample

ACK_REPORT = "ack"


@dataclass(frozen=True)
class ReportFacts:
    samples: tuple[Sample, ...]
    states: tuple[tuple[datetime, str], ...]
    is_ack: bool
    first_at: datetime | None


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _seconds(text: Any) -> float:
    if not isinstance(text, str) or not text.startswith("PT") or not text.endswith("S"):
        return 0.0
    try:
        return float(text[2:-1])
    except ValueError:
        return 0.0


def read_report(body: dict[str, Any], fallback: datetime) -> ReportFacts:
    """Samples (MW) and states in a report; an interval without its own start takes the
    resource's start plus its position times the duration, else `fallback`.

    >>> body = {"reportName": "ack", "resources": [{"resourceName": "AGGREGATED_REPORT",
    ...   "intervals": [{"id": 0, "intervalPeriod": {"start": "2026-01-01T00:00:05Z"},
    ...   "payloads": [{"type": "DEMAND", "values": [1500.0]},
    ...                {"type": "OPERATING_STATE", "values": ["RUNNING_CURTAILED"]}]}]}]}
    >>> facts = read_report(body, datetime.now())
    >>> facts.is_ack, facts.samples[0].power_mw, facts.states[0][1]
    (True, 1.5, 'RUNNING_CURTAILED')
    """
    samples: list[Sample] = []
    states: list[tuple[datetime, str]] = []
    for resource in body.get("resources") or []:
        period = resource.get("intervalPeriod") or {}
        base = _time(period.get("start"))
        step = _seconds(period.get("duration"))
        for position, interval in enumerate(resource.get("intervals") or []):
            own = _time((interval.get("intervalPeriod") or {}).get("start"))
            if own is None and base is not None:
                own = base + timedelta(seconds=step * position)
            at = own or fallback
            for payload in interval.get("payloads") or []:
                values = payload.get("values") or []
                if not values:
                    continue
                if payload.get("type") == "DEMAND" and isinstance(values[0], int | float):
                    samples.append(Sample(at, float(values[0]) / 1000.0))
                elif payload.get("type") == "OPERATING_STATE" and isinstance(values[0], str):
                    states.append((at, values[0]))
    times = [s.at for s in samples] + [t for t, _ in states]
    return ReportFacts(
        tuple(samples),
        tuple(states),
        body.get("reportName") == ACK_REPORT,
        min(times, default=None),
    )
