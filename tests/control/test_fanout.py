"""The controller's batched MQTT fan-out gives exactly the rows the VTN's own
`notify.mqtt_rows` gives, event by event: same audiences, topics and hidden targets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from surplus.control import fanout
from surplus.openadr import notify, repository
from tests.control.stack import ScriptedFeed, miner, world

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def event(targets: list[str] | None, number: int) -> dict[str, object]:
    body: dict[str, object] = {"programID": "p", "eventName": f"e{number}"}
    if targets is not None:
        body["targets"] = targets
    return repository.representation("EVENT", f"event-{number}", NOW, NOW, body)


@pytest.mark.parametrize("program_targets", [["zone-mepco", "zone-ke"], None])
def test_batched_rows_equal_the_vtns_rows(
    tmp_path: Path, program_targets: list[str] | None
) -> None:
    w = world(tmp_path, [miner(1, 10), miner(2, 10), miner(3, 10, zone="ke")],
              ScriptedFeed({"mepco": 1.0}))  # fmt: skip
    w._register()
    cases = [["site-1"], ["site-2", "site-3"], ["zone-mepco"], ["class-miner"],
             ["under-frequency"], ["site-99"], None, []]  # fmt: skip
    changes = [
        notify.Change("EVENT", op, event(targets, k), "p", program_targets)
        for k, targets in enumerate(cases)
        for op in ("CREATE", "UPDATE")
    ]
    with w.factory() as session:
        expected = [row for change in changes for row in notify.mqtt_rows(session, change, NOW)]
        batched = fanout.mqtt_rows_many(session, changes, NOW)
    assert batched == expected
    assert any("/vens/" in row["destination"] for row in batched)
    w.engine.dispose()
