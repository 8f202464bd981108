from tests.openadr.conftest import Vtn


def test_program_roundtrip(vtn: Vtn) -> None:
    c = vtn.client
    r = c.post(vtn.url("/programs"), json={"programName": "p1", "targets": ["zone-A"]}, headers=vtn.bl.headers)
    print(r.status_code, r.text)
    assert r.status_code == 201
    pid = r.json()["id"]
    r = c.get(vtn.url(f"/programs/{pid}"), headers=vtn.bl.headers)
    print(r.text)
    r = c.post(vtn.url("/events"), json={"programID": pid, "intervals": [{"id": 0, "payloads": [{"type": "IMPORT_CAPACITY_LIMIT", "values": [5.0]}]}]}, headers=vtn.bl.headers)
    print(r.status_code, r.text)
    r = c.post(vtn.url("/vens"), json={"objectType": "VEN_VEN_REQUEST", "venName": "v1"}, headers=vtn.ven1.headers)
    print(r.status_code, r.text)
    r = c.get(vtn.url("/programs"), headers=vtn.ven1.headers)
    print(r.status_code, r.text)
    r = c.get(vtn.url("/programs?limit=99"), headers=vtn.ven1.headers)
    print(r.status_code, r.text)
    r = c.get(vtn.url("/notifiers"), headers=vtn.ven1.headers)
    print(r.status_code, r.text)
    assert 0
