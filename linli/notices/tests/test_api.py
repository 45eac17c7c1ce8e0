"""The notices API: the whole round (draft, publish, confirm, record, coverage, correct,
withdraw), the error envelope, validation without a 500, and bounded statements."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.notices import services

pytestmark = pytest.mark.django_db

J = {"content_type": "application/json"}


def _error(r, status, code):
    assert r.status_code == status, r.content
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return body["error"]


def test_round_through_the_api(client, place):
    client.force_login(place.admin)
    r = client.post("/api/v1/notices", {"title": "电梯检修", "body": "1栋电梯周三检修。", "must_reach": True,
                                        "compound_id": place.compound.pk, "publish": True}, **J)
    assert r.status_code == 201, r.content
    n = r.json()
    assert n["status"] == "published" and n["households_total"] == 4 and set(n["actions"]) >= {"correct", "withdraw", "coverage"}
    nid = n["id"]
    client.force_login(place.reader_user)
    r = client.post(f"/api/v1/notices/{nid}/confirm")
    assert r.status_code == 200 and r.json()["read"] is True and "confirm" not in r.json()["actions"]
    assert [x["id"] for x in client.get("/api/v1/notices").json()["items"]] == [nid]
    client.force_login(place.leader)
    hh = place.households[2].pk
    assert {x["household_id"] for x in client.get(f"/api/v1/notices/{nid}/unreached").json()} == {
        place.households[1].pk, hh}
    r = client.post(f"/api/v1/notices/{nid}/deliveries", {"household_id": hh, "how": "door_to_door", "note": "已当面告知"}, **J)
    assert r.status_code == 200 and r.json()["recorded"] is True
    r = client.post(f"/api/v1/notices/{nid}/deliveries", {"household_id": hh, "how": "phone"}, **J)
    assert r.status_code == 200 and r.json()["recorded"] is False and r.json()["how"] == "door_to_door"
    _error(client.post(f"/api/v1/notices/{nid}/deliveries", {"household_id": place.households[3].pk}, **J), 404, "not_found")
    _error(client.get(f"/api/v1/notices/{nid}/coverage"), 404, "not_found")
    client.force_login(place.admin)
    cov = client.get(f"/api/v1/notices/{nid}/coverage").json()
    assert (cov["total"], cov["reached"], cov["confirmed"], cov["gaps"]) == (4, 2, 1, 1)
    r = client.post(f"/api/v1/notices/{nid}/correct", {"title": "电梯检修(更正)", "body": "改为周四。", "note": "日期调整"}, **J)
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["versions"][1]["superseded_at"] is not None
    r = client.post(f"/api/v1/notices/{nid}/withdraw", {"reason": "检修取消"}, **J)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn" and r.json()["actions"] == ["coverage", "export"]
    _error(client.post(f"/api/v1/notices/{nid}/withdraw", {"reason": "检修取消"}, **J), 409, "illegal_transition")


def test_errors_are_in_the_envelope_and_nothing_is_a_500(client, place, notice_of):
    n = notice_of()
    _error(client.get("/api/v1/notices"), 401, "unauthenticated")
    client.force_login(place.admin)
    _error(client.post("/api/v1/notices", {"title": "x"}, **J), 400, "invalid")
    _error(client.post("/api/v1/notices", {"title": "标题", "body": "正文", "region_code": "999"}, **J), 400, "invalid")
    _error(client.post("/api/v1/notices", {"title": "标题", "body": "正文"}, **J), 400, "invalid")
    _error(client.post("/api/v1/notices", {"title": "标题", "body": "正文", "region_code": place.tree.g_liede1.code,
                                           "reminder_after": 0}, **J), 400, "invalid")
    _error(client.post("/api/v1/notices", {"title": "标题", "body": "正文", "building_id": 10 ** 9}, **J), 400, "invalid")
    _error(client.post("/api/v1/notices", "{", **J), 400, "invalid_json")
    _error(client.get("/api/v1/notices?status=nonsense"), 400, "invalid")
    _error(client.get("/api/v1/notices?region=abc"), 400, "invalid")
    _error(client.get("/api/v1/notices/999999"), 404, "not_found")
    _error(client.post(f"/api/v1/notices/{n.pk}/publish"), 409, "illegal_transition")
    _error(client.post(f"/api/v1/notices/{n.pk}/deliveries", {"household_id": 0}, **J), 400, "invalid")
    _error(client.post(f"/api/v1/notices/{n.pk}/deliveries", {"household_id": place.households[0].pk, "how": "read_confirmed"}, **J),
           400, "invalid")
    _error(client.post(f"/api/v1/notices/{n.pk}/correct", {"title": "新标题", "body": "正文", "note": ""}, **J), 400, "reason_required")
    client.force_login(place.reader_user)
    _error(client.post("/api/v1/notices", {"title": "标题", "body": "正文", "region_code": place.tree.g_liede1.code}, **J),
           403, "forbidden")
    _error(client.post(f"/api/v1/notices/{n.pk}/withdraw", {"reason": "不想要了"}, **J), 403, "forbidden")


def test_list_and_coverage_statements_are_bounded(client, place, notice_of, registry):
    from linli.regions import services as rs

    client.force_login(place.admin)
    for i in range(3):
        notice_of()
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/notices").status_code == 200
    for i in range(12):  # more households and buildings, more notices
        b = rs.create_building(actor=registry.actor, compound=place.compound, name=f"{i + 10}栋")
        room = rs.create_room(actor=registry.actor, building=b, unit_name="1单元", number="101", exclusive_area="70")
        rs.create_household(actor=registry.actor, room=room)
    for i in range(5):
        last = notice_of()
    with CaptureQueriesContext(connection) as big:
        assert len(client.get("/api/v1/notices").json()["items"]) == 8
    assert len(big) == len(small) <= 8
    with CaptureQueriesContext(connection) as cov:
        body = client.get(f"/api/v1/notices/{last.pk}/coverage").json()
    assert body["total"] == 16 and len(body["buildings"]) == 14
    assert len(cov) <= 12, [q["sql"] for q in cov.captured_queries]
    client.force_login(place.leader)
    with CaptureQueriesContext(connection) as lead:
        assert client.get("/notices/leader/").status_code == 200
    assert len(lead) <= 20


def test_draft_is_visible_only_to_senders(client, place, notice_of):
    draft = notice_of(publish=False)
    for who in (place.reader_user, place.leader, place.other_admin, place.grid_worker):
        client.force_login(who)
        _error(client.get(f"/api/v1/notices/{draft.pk}"), 404, "not_found")
    client.force_login(place.admin)
    assert client.get(f"/api/v1/notices/{draft.pk}").json()["actions"] == ["edit", "publish"]
    client.force_login(place.street)
    assert client.post(f"/api/v1/notices/{draft.pk}/publish").status_code == 200
    assert services is not None
