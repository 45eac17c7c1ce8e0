"""The consultation API as a client uses it: a resident's proposal gathers supports, the community
takes it up, a meeting is arranged and held (attendance, minutes with the signed scan), the
outcome's resolutions are carried out (one by a work order, one step by step), the result is
disclosed and rated. Then the error envelope with its status and code for bad input, no input
that gives a 500, and a bounded number of queries for a topic's page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.consultation import services
from linli.consultation.models import Meeting, Rating, Support
from linli.consultation.tests.conftest import PDF
from linli.workorders import services as wo
from linli.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

J = {"content_type": "application/json"}
API = "/api/v1/consultation"
TOPIC = {"title": "3号楼前空地改建休闲区", "content": "空地长期堆放杂物，建议清理后安装座椅和健身器材。"}


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.content[:500]
    return r.json()


def _error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.content[:500])
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"], body
    return body["error"]


def _fields(err: dict[str, Any]) -> set[str]:
    return {f["field"] for f in err["details"].get("fields", [])}


def _moment(days: float, hour: int = 9) -> dt.datetime:
    return (timezone.localtime() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _meeting_body(days: float, **kw: Any) -> dict[str, Any]:
    start = _moment(days)
    return {"starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=2)).isoformat(), "place": "社区党群服务中心二楼",
            "agenda": "一、介绍现状；二、讨论改建方案；三、形成意见。"} | kw


def _due(days: int = 30) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _pdf(name: str = "纪要.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _now_is_meeting_time(meeting_id: int) -> None:
    """The meeting's day has come (the meeting row moved to now: the API takes no clock)."""
    now = timezone.now()
    Meeting.objects.filter(pk=meeting_id).update(starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=2))


def test_a_topic_from_proposal_to_a_rated_result(client: Any, world: Any, django_capture_on_commit_callbacks: Any) -> None:
    w = world
    # a resident proposes: his household is the first support, he follows it and may withdraw it
    client.force_login(w.proposer)
    t = _ok(client.post(f"{API}/topics", TOPIC | {"matter_id": w.matter.pk}, **J), 201)
    tid = t["id"]
    assert (t["status"], t["supports"], t["threshold"], t["source"], t["matter_id"]) == ("proposed", 1, 3, "resident", w.matter.pk)
    assert t["number"].startswith("YS") and t["community_code"] == w.community.code and t["supported"] is True
    assert {"withdraw", "follow"} <= set(t["actions"]) and "take_up" not in t["actions"]
    assert t["proposer_name"] and t["proposer_name"] != w.proposer.resident.name  # masked for the public
    assert [e["action"] for e in t["timeline"]] == ["propose"]
    assert tid in {x["id"] for x in _ok(client.get(f"{API}/topics/mine"))["items"]}
    # neighbours support, one household once; the third household reaches the threshold
    client.force_login(w.r1)
    s = _ok(client.post(f"{API}/topics/{tid}/support"))
    assert (s["supports"], s["status"], s["supported"], s["following"]) == (2, "proposed", True, True)
    assert "withdraw" not in s["actions"]
    client.force_login(w.spouse)
    _error(client.post(f"{API}/topics/{tid}/support"), 409, "already_supported")
    client.force_login(w.r2)
    s = _ok(client.post(f"{API}/topics/{tid}/support"))
    assert (s["supports"], s["status"]) == (3, "submitted") and s["due_on"]
    client.force_login(w.outsider)
    _error(client.post(f"{API}/topics/{tid}/support"), 403, "forbidden")
    assert Support.objects.filter(topic_id=tid).count() == 3
    # the community admin finds it on the desk and takes it up
    client.force_login(w.admin)
    assert tid in {x["id"] for x in _ok(client.get(f"{API}/topics?status=submitted"))["items"]}
    a = _ok(client.post(f"{API}/topics/{tid}/answer", {"action": "take_up", "body_id": w.body.pk, "form": "meeting",
                                                         "answer": "社区已受理，将组织议事会协商"}, **J))
    assert (a["status"], a["body_id"], a["form"], a["answer"]) == ("taken_up", w.body.pk, "meeting", "社区已受理，将组织议事会协商")
    assert set(a["actions"]) == {"schedule"}
    # the meeting: too soon is refused with the earliest day, then arranged with its notice
    err = _error(client.post(f"{API}/topics/{tid}/meetings", _meeting_body(1), **J), 400, "too_soon")
    assert err["details"].get("field") == "starts_at" and "3" in err["message"]
    m = _ok(client.post(f"{API}/topics/{tid}/meetings", _meeting_body(5), **J), 201)
    assert (m["status"], m["members_total"], m["members_present"], m["body_id"]) == ("scheduled", 3, 0, w.body.pk) and m["notice_id"]
    _error(client.post(f"{API}/topics/{tid}/meetings", _meeting_body(6), **J), 409, "meeting_open")
    assert _ok(client.get(f"{API}/topics/{tid}"))["actions"] == []  # nothing to do until the minutes
    # attendance on the day: the desk signs in a member, a member signs in by the QR code
    _now_is_meeting_time(m["id"])
    client.force_login(w.clerk)
    row = _ok(client.post(f"{API}/meetings/{m['id']}/attendance", {"member_id": w.m2.pk}, **J), 201)
    assert (row["member_id"], row["how"], row["name"]) == (w.m2.pk, "staff", "物业代表")
    _error(client.post(f"{API}/meetings/{m['id']}/attendance", {"member_id": w.m2.pk}, **J), 409, "already_present")
    client.force_login(w.r1)
    token = Meeting.objects.get(pk=m["id"]).checkin_token  # what the QR code on the desk carries
    _error(client.post(f"{API}/meetings/{m['id']}/check-in", {"token": "wrong"}, **J), 404, "not_found")
    row = _ok(client.post(f"{API}/meetings/{m['id']}/check-in", {"token": token}, **J), 201)
    assert (row["member_id"], row["how"]) == (w.m1.pk, "qr")
    client.force_login(w.clerk)
    names = [x["name"] for x in _ok(client.get(f"{API}/meetings/{m['id']}/attendance"))]
    assert names == ["物业代表", "居民乙"]
    # the minutes: a meeting in person closes with the signed scan
    client.force_login(w.admin)
    minutes = "同意清理空地，安装座椅和健身器材，物业负责日常维护。"
    _error(client.post(f"{API}/meetings/{m['id']}/minutes", {"minutes": minutes}), 400, "no_scan")
    m = _ok(client.post(f"{API}/meetings/{m['id']}/minutes", {"minutes": minutes, "dissent": "一户认为应改建为停车位。", "scan": _pdf()}))
    assert (m["status"], m["members_present"], m["members_total"], m["minutes"]) == ("closed", 2, 3, minutes)
    assert Meeting.objects.get(pk=m["id"]).minutes_scan.name.endswith(".pdf")
    client.logout()
    public = _ok(client.get(f"{API}/meetings/{m['id']}"))  # the minutes are public
    assert public["minutes"] == minutes and public["dissent"] == "一户认为应改建为停车位。"
    # the outcome with two resolutions
    client.force_login(w.admin)
    assert set(_ok(client.get(f"{API}/topics/{tid}"))["actions"]) == {"schedule", "decide"}
    d = _ok(client.post(f"{API}/topics/{tid}/outcome", {"outcome": "清理空地，安装座椅和健身器材，由物业日常维护。", "resolutions": [
        {"title": "清理空地堆放杂物", "kind": "work_order", "owner": "猎德街城管科", "due_on": _due()},
        {"title": "安装座椅和健身器材", "kind": "community", "owner": "猎德社区居委会", "due_on": _due(60)}]}, **J))
    assert d["status"] == "implementing" and d["outcome"] and d["disclosure_due"] and d["decided_at"]
    assert set(d["actions"]) == {"disclose", "add_resolution"}
    (r1, r2) = d["resolutions"]
    assert [(r["position"], r["status"], r["progress"]) for r in (r1, r2)] == [(1, "planned", 0), (2, "planned", 0)]
    assert set(r1["actions"]) == {"progress", "infeasible", "work_order"} and set(r2["actions"]) == {"progress", "finish", "infeasible"}
    # the first resolution becomes a work order, dispatched at once
    o = _ok(client.post(f"{API}/resolutions/{r1['id']}/work-orders", {"category": "0201", "description": "清理3号楼前空地杂物"}, **J), 201)
    order = WorkOrder.objects.get(pk=o["id"])
    assert o["number"] == order.number and order.status == "dispatched"
    assert order.channel == "consult" and t["number"] in order.description
    # the desk records a step of the second
    client.force_login(w.clerk)
    p = _ok(client.post(f"{API}/resolutions/{r2['id']}/progress", {"action": "progress", "percent": 40, "note": "座椅已采购，等待安装"}, **J))
    assert (p["status"], p["progress"]) == ("in_progress", 40)
    # the result disclosed once
    client.force_login(w.admin)
    disclosure = _ok(client.post(f"{API}/topics/{tid}/disclose"), 201)["disclosure_id"]
    _error(client.post(f"{API}/topics/{tid}/disclose"), 409, "already_disclosed")
    assert _ok(client.get(f"{API}/topics/{tid}"))["disclosure_id"] == disclosure
    # the street's handler closes the order; the resolution follows it
    with django_capture_on_commit_callbacks(execute=True):
        wo.accept(actor=w.loop.handler, order=order)
        wo.report_done(actor=w.loop.handler, order=order, result="杂物已清理")
        wo.verify(actor=w.admin, order=order, passed=True, note="现场核实")
    client.force_login(w.clerk)
    done = _ok(client.post(f"{API}/resolutions/{r2['id']}/progress", {"action": "finish", "note": "座椅和健身器材已安装到位"}, **J))
    assert (done["status"], done["progress"]) == ("done", 100)
    # everyone reads the completed topic: both resolutions done, the work order closed, every step on the timeline
    client.logout()
    t = _ok(client.get(f"{API}/topics/{tid}"))
    assert t["status"] == "completed" and t["completed_at"]
    assert [(r["status"], r["progress"]) for r in t["resolutions"]] == [("done", 100), ("done", 100)]
    assert [(x["number"], x["closed"]) for x in t["resolutions"][0]["orders"]] == [(o["number"], True)]
    steps = [e["action"] for e in t["timeline"]]
    for step in ("propose", "submit", "take_up", "meeting", "minutes", "decide", "work_order", "progress", "disclose",
                 "work_order_closed", "finish", "complete"):
        assert step in steps, (step, steps)
    assert steps.index("propose") < steps.index("take_up") < steps.index("minutes") < steps.index("decide") < steps.index("complete")
    # the proposer rates it, once
    client.force_login(w.proposer)
    assert "rate" in _ok(client.get(f"{API}/topics/{tid}"))["actions"]
    assert _ok(client.post(f"{API}/topics/{tid}/ratings", {"rating": 5, "comment": "环境变好了"}, **J), 201) == {"rating": 5, "round": 1}
    _error(client.post(f"{API}/topics/{tid}/ratings", {"rating": 4}, **J), 409, "already_rated")
    client.force_login(w.outsider)
    _error(client.post(f"{API}/topics/{tid}/ratings", {"rating": 1}, **J), 403, "forbidden")
    assert list(Rating.objects.filter(topic_id=tid).values_list("user_id", "rating")) == [(w.proposer.pk, 5)]


def test_the_work_order_response_says_it_is_dispatched(client: Any, world: Any) -> None:
    r = world.decided(kinds=("work_order",)).resolutions.get()
    client.force_login(world.admin)
    o = _ok(client.post(f"{API}/resolutions/{r.pk}/work-orders", {"category": "0201", "description": "清理3号楼前空地杂物"}, **J), 201)
    assert WorkOrder.objects.get(pk=o["id"]).status == "dispatched"
    assert o["status"] == "dispatched"


def test_withdraw_and_the_other_answers(client: Any, world: Any) -> None:
    w = world
    client.force_login(w.proposer)
    tid = _ok(client.post(f"{API}/topics", TOPIC, **J), 201)["id"]
    client.force_login(w.r1)
    _error(client.post(f"{API}/topics/{tid}/withdraw"), 403, "forbidden")  # not his
    client.force_login(w.proposer)
    t = _ok(client.post(f"{API}/topics/{tid}/withdraw"))
    assert t["status"] == "withdrawn" and t["actions"] == []
    _error(client.post(f"{API}/topics/{tid}/withdraw"), 409, "illegal_transition")
    client.force_login(w.admin)
    a = _ok(client.post(f"{API}/topics", TOPIC | {"source": "staff", "community_code": w.community.code}, **J), 201)
    assert (a["status"], a["source"]) == ("submitted", "staff")
    b = _ok(client.post(f"{API}/topics", TOPIC | {"source": "offline", "community_code": w.community.code, "on_behalf_of": "王阿婆",
                                                   "title": "3号楼前空地加装照明"}, **J), 201)
    assert (b["status"], b["proposer_name"]) == ("proposed", "王阿婆")
    # off the list: taken up only with a reason
    _error(client.post(f"{API}/topics/{a['id']}/answer", {"action": "take_up", "body_id": w.body.pk, "form": "meeting"}, **J), 400,
           "off_list")
    err = _error(client.post(f"{API}/topics/{b['id']}/answer", {"action": "merge", "into": "YS000", "answer": "同一地块"}, **J), 400,
                 "merge_target")
    assert err["details"].get("field") == "into"
    m = _ok(client.post(f"{API}/topics/{b['id']}/answer", {"action": "merge", "into": a["number"], "answer": "同一地块，合并协商"}, **J))
    assert (m["status"], m["merged_into_id"]) == ("merged", a["id"])
    r = _ok(client.post(f"{API}/topics/{a['id']}/answer", {"action": "refer", "to": "天河区住建局", "answer": "市政道路不属社区协商范围"}, **J))
    assert (r["status"], r["referred_to"]) == ("referred", "天河区住建局")
    _error(client.post(f"{API}/topics/{a['id']}/answer", {"action": "decline", "answer": "已转交的不能再答复"}, **J), 409,
           "illegal_transition")


def test_bad_input_gets_the_error_envelope(client: Any, world: Any) -> None:
    w = world
    t = w.decided(kinds=("community",))
    r = t.resolutions.get()
    proposed = w.propose(actor=w.r3, title="楼道加装扶手方便老人")
    client.force_login(w.admin)
    # missing fields, named
    err = _error(client.post(f"{API}/topics", {"source": "staff", "community_code": w.community.code}, **J), 400, "invalid")
    assert {"title", "content"} <= _fields(err)
    err = _error(client.post(f"{API}/topics/{t.pk}/outcome", {"outcome": "缺少落实事项的协商意见。"}, **J), 400, "invalid")
    assert "resolutions" in _fields(err)
    err = _error(client.post(f"{API}/topics/{proposed.pk}/answer", {}, **J), 400, "invalid")
    assert "action" in _fields(err)
    # out of range, unknown choices
    err = _error(client.post(f"{API}/resolutions/{r.pk}/progress", {"action": "progress", "percent": 100, "note": "已经全部完成"}, **J),
                 400, "invalid")
    assert "percent" in _fields(err)
    err = _error(client.post(f"{API}/resolutions/{r.pk}/progress", {"action": "progress", "percent": -1, "note": "进度为负"}, **J),
                 400, "invalid")
    assert "percent" in _fields(err)
    err = _error(client.post(f"{API}/resolutions/{r.pk}/progress", {"action": "progress", "note": "没有填写进度"}, **J), 400, "invalid")
    assert err["details"].get("field") == "percent"  # the service's refusal: a step needs its percentage
    err = _error(client.post(f"{API}/resolutions/{r.pk}/progress", {"action": "paused", "note": "暂停落实"}, **J), 400, "invalid")
    assert "action" in _fields(err)
    err = _error(client.post(f"{API}/topics/{proposed.pk}/answer", {"action": "postpone", "answer": "以后再说"}, **J), 400, "invalid")
    assert "action" in _fields(err)
    err = _error(client.put(f"{API}/settings", {"community_code": w.community.code, "support_threshold": 0}, **J), 400, "invalid")
    assert "support_threshold" in _fields(err)
    err = _error(client.post(f"{API}/bodies", {"community_code": w.community.code, "kind": "council", "name": "议事会",
                                               "quorum_percent": 101}, **J), 400, "invalid")
    assert "quorum_percent" in _fields(err)
    err = _error(client.post(f"{API}/topics/{t.pk}/resolutions", {"title": "新事项", "kind": "lottery", "owner": "社区",
                                                                  "due_on": _due()}, **J), 400, "invalid")
    assert "kind" in _fields(err)
    # a resolution due in the past
    err = _error(client.post(f"{API}/topics/{t.pk}/resolutions", {"title": "新事项", "kind": "community", "owner": "社区",
                                                                  "due_on": _due(-1)}, **J), 400, "invalid")
    assert "期限" in err["message"]
    # a community that is not one
    _error(client.get(f"{API}/settings?community_code={w.tree.liede.code}"), 400, "invalid")
    _error(client.get(f"{API}/matters?community_code=999999999999"), 400, "invalid")
    # not JSON
    _error(client.post(f"{API}/topics", "{not json", content_type="application/json"), 400, "invalid_json")
    # a step out of turn
    _error(client.post(f"{API}/topics/{t.pk}/ratings", {"rating": 5}, **J), 403, "forbidden")  # staff do not rate
    client.force_login(w.proposer)
    _error(client.post(f"{API}/topics/{t.pk}/ratings", {"rating": 5}, **J), 409, "not_completed")
    err = _error(client.post(f"{API}/topics/{t.pk}/ratings", {"rating": 6}, **J), 400, "invalid")
    assert "rating" in _fields(err)
    _error(client.post(f"{API}/topics/{t.pk}/support"), 409, "not_supporting")
    # unknown ids
    _error(client.get(f"{API}/topics/999999"), 404, "not_found")
    _error(client.get(f"{API}/meetings/999999"), 404, "not_found")


def test_the_meeting_and_minutes_refusals(client: Any, world: Any) -> None:
    w = world
    t = w.taken_up()
    client.force_login(w.admin)
    err = _error(client.post(f"{API}/topics/{t.pk}/meetings", _meeting_body(2), **J), 400, "too_soon")
    assert err["details"] == {"field": "starts_at"}
    start = _moment(5)
    body = _meeting_body(5, ends_at=(start - dt.timedelta(hours=1)).isoformat())
    assert _error(client.post(f"{API}/topics/{t.pk}/meetings", body, **J), 400, "invalid")["details"] == {"field": "ends_at"}
    _error(client.post(f"{API}/topics/{t.pk}/meetings", _meeting_body(5, place=""), **J), 400, "invalid")  # in person: a place
    _error(client.post(f"{API}/topics/{t.pk}/meetings", _meeting_body(5, body_id=999999), **J), 400, "no_body")
    err = _error(client.post(f"{API}/topics/{t.pk}/meetings", _meeting_body(5, starts_at="tomorrow"), **J), 400, "invalid")
    assert "starts_at" in _fields(err)
    m = _ok(client.post(f"{API}/topics/{t.pk}/meetings", _meeting_body(5), **J), 201)
    client.force_login(w.clerk)
    _error(client.post(f"{API}/meetings/{m['id']}/attendance", {"member_id": w.m2.pk}, **J), 409, "not_meeting_time")
    _now_is_meeting_time(m["id"])
    _error(client.post(f"{API}/meetings/{m['id']}/attendance", {"member_id": 999999}, **J), 400, "invalid")
    _error(client.post(f"{API}/meetings/{m['id']}/attendance", {}, **J), 400, "invalid")  # neither a member nor a name
    _ok(client.post(f"{API}/meetings/{m['id']}/attendance", {"member_id": w.m2.pk}, **J), 201)
    _error(client.post(f"{API}/meetings/{m['id']}/minutes", {"minutes": "同意清理空地，安装座椅。", "scan": _pdf()}), 403, "forbidden")
    client.force_login(w.admin)
    _error(client.post(f"{API}/meetings/{m['id']}/minutes", {"minutes": "同意清理空地，安装座椅。", "scan": _pdf()}), 409, "no_quorum")
    client.force_login(w.clerk)
    _ok(client.post(f"{API}/meetings/{m['id']}/attendance", {"member_id": w.m3.pk}, **J), 201)
    client.force_login(w.admin)
    err = _error(client.post(f"{API}/meetings/{m['id']}/minutes", {"dissent": "无"}), 400, "invalid")
    assert "minutes" in _fields(err)
    _error(client.post(f"{API}/meetings/{m['id']}/minutes", {"minutes": "短"}), 400, "invalid")
    bad = client.post(f"{API}/meetings/{m['id']}/minutes", {"minutes": "同意清理空地，安装座椅。", "scan": _pdf("纪要.exe", b"MZ\x90\x00")})
    assert bad.status_code == 400 and bad.json()["error"]["code"] in ("bad_file", "invalid"), bad.content
    _error(client.post(f"{API}/topics/{t.pk}/outcome", {"outcome": "清理空地，安装座椅和健身器材。", "resolutions": [
        {"title": "清理", "kind": "community", "owner": "社区", "due_on": _due()}]}, **J), 409, "no_minutes")
    assert Meeting.objects.get(pk=m["id"]).status == "scheduled"
    c = _ok(client.post(f"{API}/meetings/{m['id']}/cancel", {"reason": "台风停会，另行通知"}, **J))
    assert c["status"] == "cancelled"
    _error(client.post(f"{API}/meetings/{m['id']}/cancel", {"reason": "再取消一次"}, **J), 409, "illegal_transition")


def test_a_meeting_time_without_an_offset_is_no_server_error(client: Any, world: Any) -> None:
    t = world.taken_up()
    client.force_login(world.admin)
    naive = _moment(5).replace(tzinfo=None)  # "2026-12-12T09:00:00": a client that sends no offset
    r = client.post(f"{API}/topics/{t.pk}/meetings", _meeting_body(5, starts_at=naive.isoformat(),
                                                                   ends_at=(naive + dt.timedelta(hours=2)).isoformat()), **J)
    assert r.status_code in (201, 400), (r.status_code, r.content[:300])  # taken as local time, or refused
    if r.status_code == 400:
        assert set(r.json()["error"]) == {"code", "message", "details"}


BAD_VALUES: list[Any] = [None, "", "x" * 5000, -1, 2**63, 1.5, [], {"a": 1}, "\x00", "2026-02-30"]


def _refusal_problem(r: Any) -> str:
    """What is wrong with a response to bad input: a server error, or a refusal outside the envelope."""
    if r.status_code >= 500:
        return "server error"
    if r.status_code >= 400:
        try:
            body = r.json()
        except ValueError:
            return "not JSON"
        if set(body) != {"error"} or set(body["error"]) != {"code", "message", "details"}:
            return "not the envelope"
    return ""


def test_no_input_gives_a_500(client: Any, world: Any) -> None:
    """Each field of each write replaced by values of the wrong kind, range or shape: a 4xx in
    the error envelope, never a server error."""
    w = world
    t = w.decided(kinds=("work_order",))
    r = t.resolutions.get()
    m = t.meetings.get()
    proposed = w.propose(actor=w.r3, title="楼道加装扶手方便老人")
    taken = w.taken_up()
    writes: list[tuple[str, str, dict[str, Any]]] = [
        ("post", f"{API}/topics", TOPIC | {"source": "staff", "community_code": w.community.code, "matter_id": w.matter.pk,
                                           "work_orders": []}),
        ("post", f"{API}/topics/{proposed.pk}/answer", {"action": "take_up", "body_id": w.body.pk, "form": "meeting", "answer": "受理",
                                                        "matter_id": w.matter.pk, "off_list_reason": "", "into": "", "to": ""}),
        ("post", f"{API}/topics/{taken.pk}/meetings", _meeting_body(5, place="社区二楼", body_id=w.body.pk)),
        ("post", f"{API}/meetings/{m.pk}/attendance", {"member_id": w.m2.pk, "name": "列席居民"}),
        ("post", f"{API}/meetings/{m.pk}/check-in", {"token": "abc"}),
        ("post", f"{API}/topics/{t.pk}/resolutions", {"title": "新事项", "kind": "community", "owner": "社区", "due_on": _due()}),
        ("post", f"{API}/resolutions/{r.pk}/progress", {"action": "progress", "percent": 10, "note": "进展顺利"}),
        ("post", f"{API}/resolutions/{r.pk}/work-orders", {"category": "0201", "description": "清理杂物", "address": "3号楼"}),
        ("post", f"{API}/resolutions/{r.pk}/urge", {"note": "请加快"}),
        ("post", f"{API}/topics/{t.pk}/urge", {"note": "请加快"}),
        ("post", f"{API}/topics/{t.pk}/ratings", {"rating": 5, "comment": "好"}),
        ("post", f"{API}/topics/{t.pk}/follow-up", {"answer": "已回访", "reopen": False}),
        ("put", f"{API}/settings", {"community_code": w.community.code, "support_threshold": 3, "answer_days": 5, "notice_days": 3,
                                    "disclosure_days": 15}),
        ("post", f"{API}/bodies", {"community_code": w.community.code, "kind": "council", "name": "第二议事会", "quorum_percent": 50,
                                   "term_starts": _due(0), "term_ends": _due(365)}),
        ("post", f"{API}/bodies/{w.body.pk}/members", {"name": "新成员", "sector": "resident", "organisation": "", "username": ""}),
        ("post", f"{API}/matters", {"region_code": w.community.code, "name": "新事项", "category": "public", "description": ""}),
        ("post", f"{API}/topics/{taken.pk}/supports/paper", {"household_number": "H1"}),
    ]
    failures = []
    for actor in (w.admin, w.proposer):
        client.force_login(actor)
        mine = [x for x in writes if x[1].endswith(("/check-in", "/ratings"))]  # a resident's own writes
        for method, url, good in writes if actor == w.admin else mine:
            for field in good:
                for value in BAD_VALUES:
                    r_ = getattr(client, method)(url, good | {field: value}, **J)
                    if problem := _refusal_problem(r_):
                        failures.append((actor.username, url, field, repr(value)[:30], problem, r_.status_code, r_.content[:160]))
            for body in ("[]", "null", '"text"', "{", "1e999"):
                r_ = getattr(client, method)(url, body, content_type="application/json")
                if problem := _refusal_problem(r_):
                    failures.append((actor.username, url, body, problem, r_.status_code))
        for url in (f"{API}/topics/{2**63}", f"{API}/meetings/{2**63}", f"{API}/topics?page=0", f"{API}/topics?page_size=-1",
                    f"{API}/topics?status={'x' * 100}", f"{API}/topics?q={'%00' * 3}", f"{API}/resolutions?status=\x00",
                    f"{API}/matters?community_code={'9' * 40}", f"{API}/settings?community_code=%00"):
            r_ = client.get(url)
            if problem := _refusal_problem(r_):
                failures.append((actor.username, url, problem, r_.status_code))
        for bad in ({}, {"minutes": "x" * 9000}, {"minutes": "同意清理空地，安装座椅。", "scan": "not a file"},
                    {"minutes": "同意清理空地，安装座椅。", "scan": _pdf("a.pdf", b"")}):
            r_ = client.post(f"{API}/meetings/{m.pk}/minutes", bad)
            if problem := _refusal_problem(r_):
                failures.append((actor.username, "minutes", list(bad), problem, r_.status_code))
    assert failures == []


def test_a_topic_reads_in_a_bounded_number_of_queries(client: Any, world: Any, django_assert_max_num_queries: Any) -> None:
    """The topic's page costs the same whatever its size: 2 resolutions with a work order or 8, 1
    meeting or 3, a short or long timeline."""
    w = world
    small = w.decided(kinds=("work_order", "community"))
    big = w.decided(kinds=("work_order", "work_order", "community", "community", "department", "project", "assembly", "community"))
    for topic in (small, big):
        for res in topic.resolutions.filter(kind="work_order"):
            services.create_work_order(actor=w.admin, resolution=res, category_code="0201", description="清理杂物")
    for res in big.resolutions.exclude(kind="work_order"):
        services.progress(actor=w.clerk, resolution=res, percent=30, note="已开始落实")
        services.progress(actor=w.clerk, resolution=res, percent=60, note="继续落实中")
    counts = {}
    for who in (None, w.proposer, w.admin):
        client.logout()
        if who is not None:
            client.force_login(who)
        for topic in (small, big):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(f"{API}/topics/{topic.pk}").status_code == 200
            counts[(getattr(who, "username", "anonymous"), topic.pk)] = len(ctx)
    for who in ("anonymous", w.proposer.username, w.admin.username):
        assert counts[(who, big.pk)] == counts[(who, small.pk)], counts  # no query per resolution, order or event
    # measured: 14 queries signed in, 7 signed out, for the small topic and the big one alike
    with django_assert_max_num_queries(16):
        client.get(f"{API}/topics/{big.pk}")
    client.logout()
    with django_assert_max_num_queries(9):
        client.get(f"{API}/topics/{big.pk}")


def test_lists_are_paginated_and_filtered(client: Any, world: Any) -> None:
    w = world
    a = w.propose(actor=w.r1, title="楼道加装扶手方便老人")
    b = w.taken_up()
    client.force_login(w.admin)
    page = _ok(client.get(f"{API}/topics?page_size=1"))
    assert page["count"] == 2 and len(page["items"]) == 1
    assert {x["id"] for x in _ok(client.get(f"{API}/topics?status=taken_up"))["items"]} == {b.pk}
    assert {x["id"] for x in _ok(client.get(f"{API}/topics?status=bogus"))["items"]} == {a.pk, b.pk}  # an unknown status filters nothing
    assert {x["id"] for x in _ok(client.get(f"{API}/topics?q=扶手"))["items"]} == {a.pk}
    assert {x["id"] for x in _ok(client.get(f"{API}/topics?q={a.number}"))["items"]} == {a.pk}
    row = next(x for x in _ok(client.get(f"{API}/topics"))["items"] if x["id"] == b.pk)
    assert set(row) == {"id", "number", "title", "status", "status_label", "community_code", "source", "supports", "threshold",
                        "due_on", "created_at"}
    assert row["status_label"] == "已受理" and row["community_code"] == w.community.code
    # a resident reads his community's topics, and finds those he proposed or supported
    client.force_login(w.r3)
    assert {x["id"] for x in _ok(client.get(f"{API}/topics"))["items"]} == {a.pk, b.pk}
    assert _ok(client.get(f"{API}/topics/mine"))["items"] == []
    client.force_login(w.r1)
    assert {x["id"] for x in _ok(client.get(f"{API}/topics/mine"))["items"]} == {a.pk, b.pk}  # proposed a, supported b
