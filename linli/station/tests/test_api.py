import pytest

from linli.station.models import Provider
from linli.station.tests.conftest import make_uscc

pytestmark = pytest.mark.django_db


def test_api_apply_vet_search_consent_and_isolation(client, station, make_user):
    owner = make_user(None)
    client.force_login(owner)
    good = make_uscc("92440106MA5CDEF9X")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    body = {"name": "家家乐家政", "uscc": wrong, "kind": "merchant", "contact_name": "周", "contact_phone": "13800003333",
            "address": "猎德路9号", "region_code": station.tree.liede.code}
    r = client.post("/api/v1/station/providers", body, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_uscc"
    r = client.post("/api/v1/station/providers", {**body, "uscc": good}, content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == "pending"
    pid = r.json()["id"]
    client.force_login(station.other_admin)  # another street
    assert client.get("/api/v1/station/providers").json() == []
    assert client.post(f"/api/v1/station/providers/{pid}/vet", {"decision": "approve"},
                       content_type="application/json").status_code == 404
    client.force_login(station.street_admin)
    assert {p["name"] for p in client.get("/api/v1/station/providers?state=pending").json()} == {"家家乐家政", "颐康长者服务中心"}
    r = client.post(f"/api/v1/station/providers/{pid}/vet", {"decision": "reject"}, content_type="application/json")
    assert r.status_code == 400  # a reason is required
    r = client.post(f"/api/v1/station/providers/{pid}/vet", {"decision": "approve"}, content_type="application/json")
    assert r.json()["state"] == "approved" and Provider.objects.get(pk=pid).vetted_by == station.street_admin
    station.approve()
    station.offer()
    client.force_login(station.elder)
    assert [o["title"] for o in client.get("/api/v1/station/offerings?q=助餐").json()] == ["长者助餐(午餐)"]
    assert client.get("/api/v1/station/recommendations").json() == []
    client.put("/api/v1/station/consent", {"recommendations": True}, content_type="application/json")
    assert [o["title"] for o in client.get("/api/v1/station/recommendations").json()] == ["长者助餐(午餐)"]
    client.put("/api/v1/station/consent", {"recommendations": False}, content_type="application/json")
    assert client.get("/api/v1/station/recommendations").json() == []
    assert client.post("/api/v1/station/reviews", {"reservation_id": 999, "rating": 5},
                       content_type="application/json").status_code == 404
