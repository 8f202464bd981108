"""Frequency trigger, compliance verdicts, order planning, report reading: pure parts."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from surplus.control.compliance import Sample, judge
from surplus.control.decision import decide
from surplus.control.frequency import FrequencyRule, FrequencyState, step
from surplus.control.grid import FrequencyReading
from surplus.control.orders import Interval, LiveOrder, OrderRules, event_body, plan
from surplus.control.telemetry import read_report
from surplus.openadr.models import EventRequest
from tests.control.fleets import T0, fleet, sheet, with_state, zones


def at(seconds: float):  # type: ignore[no-untyped-def]
    return T0 + timedelta(seconds=seconds)


# -- frequency ------------------------------------------------------------------------------


def test_frequency_trips_once_and_restores_only_after_a_steady_hold() -> None:
    rule = FrequencyRule(trip_hz=49.75, restore_hz=49.9, restore_hold_s=60)
    state, actions = FrequencyState(), []
    for seconds, hz in (
        (0, 50.0),
        (1, 49.7),
        (2, 49.6),
        (10, 49.95),
        (40, 49.85),
        (50, 49.95),
        (100, 49.95),
        (111, 49.95),
        (112, 49.7),
    ):
        state, action = step(rule, state, FrequencyReading(hz, at(seconds)))
        actions.append(action)
    # trip at 1 s; the dip at 40 s restarts the hold, so restore comes at 111 s, not 70 s
    assert actions == [None, "trip", None, None, None, None, None, "restore", "trip"]


def test_frequency_rule_refuses_thresholds_in_the_wrong_order() -> None:
    with pytest.raises(ValueError):
        FrequencyRule(trip_hz=49.9, restore_hz=49.8)


# -- compliance -----------------------------------------------------------------------------


def samples(*pairs: tuple[float, float]) -> list[Sample]:
    return [Sample(at(s), mw) for s, mw in pairs]


def test_an_acknowledgement_is_not_compliance_only_metered_power_is() -> None:
    # Readings after the 60 s deadline at 95 MW against a 20 MW limit: exceeded.
    verdict = judge(20.0, T0, 60, 1.0, samples((30, 95.0), (65, 95.0), (70, 94.0)), at(71))
    assert verdict.status == "exceeded" and verdict.measured_mw == pytest.approx(94.5)
    assert verdict.failed


def test_compliance_uses_readings_after_the_deadline_and_notes_when_the_target_was_met() -> None:
    verdict = judge(20.0, T0, 60, 1.0, samples((10, 80.0), (40, 20.5), (61, 19.0)), at(62))
    assert verdict.status == "compliant"
    assert verdict.reached_at == at(40)


def test_no_reading_after_the_deadline_is_a_failure_once_the_window_has_passed() -> None:
    few = samples((10, 10.0))
    assert judge(20.0, T0, 60, 1.0, few, at(70), window_s=30).status == "pending"
    assert judge(20.0, T0, 60, 1.0, few, at(91), window_s=30).status == "no_data"


# -- orders ---------------------------------------------------------------------------------


def test_plan_creates_then_changes_nothing_when_the_decision_repeats() -> None:
    f, s = fleet(sheet(1, mw=100), sheet(2, mw=100))
    d = decide(f, s, zones({"N": 100.0}))
    first = plan(f, s, d, {}, T0)
    assert [c.kind for c in first.changes] == ["create", "create"]
    live = {
        c.site_id: LiveOrder(c.site_id, f"e{c.site_id}", c.reason, c.intervals)
        for c in first.changes
    }
    s2 = with_state(s, curtail_mw=d.curtail_mw, event_s=[10.0, 10.0])
    again = plan(f, s2, decide(f, s2, zones({"N": 100.0})), live, at(10))
    assert again.changes == ()


def test_plan_tightens_at_once_extends_before_the_end_and_ends_orders_no_longer_needed() -> None:
    f, s = fleet(sheet(1, mw=100))
    order = LiveOrder(1, "e1", "shortfall", (Interval(T0, at(3600), 60.0),))
    s = with_state(s, curtail_mw=[40.0], event_s=[600.0])
    tighter = plan(f, s, decide(f, s, zones({"N": 30.0})), {1: order}, at(600))
    (change,) = tighter.changes
    assert change.kind == "revise" and change.intervals[-1].limit_mw == pytest.approx(30.0)
    assert change.intervals[0].end == at(600) == change.intervals[1].start
    near_end = plan(f, s, decide(f, s, zones({"N": 60.0})), {1: order}, at(3550))
    assert [c.kind for c in near_end.changes] == ["extend"]
    assert near_end.changes[0].intervals[-1].end > order.ends_at
    # The shortfall is over: 40 MW held, a minute's restoration at 50 MW/min frees it all.
    done = plan(
        f,
        s,
        decide(f, s, zones({"N": 5000.0}), calm_for_s=np.array([1e6]), dt_s=60),
        {1: order},
        at(600),
        OrderRules(horizon_s=3600),
    )
    (end,) = done.changes
    assert end.kind == "end" and end.intervals[-1].end == at(600)
    # Half a minute's worth (25 MW) is a step up of the limit worth an order: a revision.
    half = plan(
        f,
        s,
        decide(f, s, zones({"N": 5000.0}), calm_for_s=np.array([1e6]), dt_s=30),
        {1: order},
        at(600),
    )
    assert [c.kind for c in half.changes] == ["revise"]
    assert half.changes[0].intervals[-1].limit_mw == pytest.approx(85.0)


def test_the_event_of_an_order_is_a_valid_openadr_event_in_kw() -> None:
    body = event_body(
        "p1", 17, (Interval(T0, at(600), 12.5), Interval(at(600), at(900), 5.0)), "shortfall", 60.0
    )
    request = EventRequest.model_validate(body)
    assert request.targets == ["site-17"]
    values = [i.payloads[0].values[0] for i in request.intervals or []]
    assert values == [12500.0, 5000.0]
    assert body["intervalPeriod"]["duration"] == "PT900S"


# -- reports ----------------------------------------------------------------------------------


def test_a_report_yields_metered_samples_in_mw_and_the_sites_own_state() -> None:
    body = {
        "reportName": "telemetry",
        "resources": [
            {
                "resourceName": "AGGREGATED_REPORT",
                "intervalPeriod": {"start": "2026-01-01T00:00:00Z", "duration": "PT5S"},
                "intervals": [
                    {"id": 0, "payloads": [{"type": "DEMAND", "values": [2000.0]}]},
                    {
                        "id": 1,
                        "payloads": [
                            {"type": "DEMAND", "values": [1000.0]},
                            {"type": "OPERATING_STATE", "values": ["RUNNING_CURTAILED"]},
                        ],
                    },
                ],
            }
        ],
    }
    facts = read_report(body, T0)
    assert [(s.at, s.power_mw) for s in facts.samples] == [(T0, 2.0), (at(5), 1.0)]
    assert facts.states == ((at(5), "RUNNING_CURTAILED"),)
    assert not facts.is_ack
