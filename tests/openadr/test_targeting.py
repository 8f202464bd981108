"""Object privacy by targets: a VEN reads the programs and events whose targets BL granted
it, sees only those targets, and never another VEN's objects (Definition, Object Privacy)."""

from __future__ import annotations

from tests.openadr.conftest import Vtn
from tests.openadr.helpers import event, get, grant, program


def test_ven_reads_only_programs_targeted_at_it(any_vtn: Vtn) -> None:
    vtn = any_vtn
    grant(vtn, vtn.ven1, "site-1", ["zone-A"])
    zone_a = program(vtn, "zone-A-curtailment", ["zone-A", "feeder-secret"])
    program(vtn, "zone-B-curtailment", ["zone-B"])
    public = program(vtn, "tariff")

    seen = {p["programName"]: p for p in get(vtn, vtn.ven1, "/programs")}
    assert set(seen) == {"zone-A-curtailment", "tariff"}
    assert seen["zone-A-curtailment"]["targets"] == ["zone-A"]  # target hiding
    assert [p["programName"] for p in get(vtn, vtn.ven2, "/programs")] == ["tariff"]
    assert len(get(vtn, vtn.bl, "/programs")) == 3
    get(vtn, vtn.ven2, f"/programs/{zone_a['id']}", status=404)
    assert get(vtn, vtn.ven1, f"/programs/{public['id']}")["programName"] == "tariff"


def test_targets_query_narrows_to_matching_objects(any_vtn: Vtn) -> None:
    vtn = any_vtn
    grant(vtn, vtn.ven1, "site-1", ["zone-A", "zone-C"])
    program(vtn, "a", ["zone-A"])
    program(vtn, "c", ["zone-C"])
    program(vtn, "open")
    names = [p["programName"] for p in get(vtn, vtn.ven1, "/programs?targets=zone-C")]
    assert names == ["c"]
    # Asking for a target never granted yields nothing, not the object.
    assert get(vtn, vtn.ven1, "/programs?targets=zone-B") == []
    assert [p["programName"] for p in get(vtn, vtn.bl, "/programs?targets=zone-A")] == ["a"]


def test_event_needs_both_its_own_and_its_programs_targets(any_vtn: Vtn) -> None:
    vtn = any_vtn
    grant(vtn, vtn.ven1, "site-1", ["zone-A"])
    zone_b = program(vtn, "zone-B", ["zone-B"])
    open_program = program(vtn, "open")
    hidden = event(vtn, zone_b["id"])  # untargeted event of a program ven1 may not read
    mine = event(vtn, open_program["id"], ["zone-A"])
    others = event(vtn, open_program["id"], ["zone-B"])
    ids = {e["id"] for e in get(vtn, vtn.ven1, "/events")}
    assert ids == {mine["id"]}
    get(vtn, vtn.ven1, f"/events/{hidden['id']}", status=404)
    get(vtn, vtn.ven1, f"/events/{others['id']}", status=404)
    assert len(get(vtn, vtn.bl, f"/events?programID={open_program['id']}")) == 2


def test_resource_targets_grant_too(any_vtn: Vtn) -> None:
    vtn = any_vtn
    ven = grant(vtn, vtn.ven1, "site-1", [])
    body = {
        "objectType": "BL_RESOURCE_REQUEST",
        "clientID": vtn.ven1.client_id,
        "resourceName": "miner-hall-2",
        "venID": ven["id"],
        "targets": ["zone-D"],
    }
    response = vtn.client.post(vtn.url("/resources"), json=body, headers=vtn.bl.headers)
    assert response.status_code == 201, response.text
    program(vtn, "d", ["zone-D"])
    assert [p["programName"] for p in get(vtn, vtn.ven1, "/programs")] == ["d"]


def test_active_filter_drops_events_that_have_ended(any_vtn: Vtn) -> None:
    vtn = any_vtn
    prog = program(vtn, "p")
    past = {
        "programID": prog["id"],
        "intervalPeriod": {"start": "2020-01-01T00:00:00Z", "duration": "PT1H"},
        "intervals": [{"id": 0, "payloads": [{"type": "SIMPLE", "values": [1]}]}],
    }
    vtn.client.post(vtn.url("/events"), json=past, headers=vtn.bl.headers)
    future = event(vtn, prog["id"])
    assert [e["id"] for e in get(vtn, vtn.bl, "/events?active=true")] == [future["id"]]
    assert len(get(vtn, vtn.bl, "/events?active=false")) == 2


def test_pagination_skips_and_limits_in_creation_order(any_vtn: Vtn) -> None:
    vtn = any_vtn
    names = [f"p{i:02d}" for i in range(7)]
    for name in names:
        program(vtn, name)
    page = get(vtn, vtn.bl, "/programs?skip=2&limit=3")
    assert [p["programName"] for p in page] == names[2:5]
    assert get(vtn, vtn.bl, "/programs?limit=0") == []
