"""The 微实事 API as a client uses it: a street opens a call, residents bring ideas, the designer
submits a design with drawings, the body's review is recorded, residents vote (and a paper ballot is
merged), the chosen list is published and disclosed, the works are tracked with photos and rated.
Then the error envelope for bad input, nothing that gives a 500, and the tally hidden while voting."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.consultation.tests.conftest import PDF
from linli.projects.models import Ballot, Call, Project

from .conftest import png

pytestmark = pytest.mark.django_db

J = {"content_type": "application/json"}
API = "/api/v1/consultation"
IDEA = {"title": "3号楼前加装休闲座椅", "kind": "works", "description": "3号楼前空地没有座椅，老人晒太阳无处可坐，建议加装。",
        "location": "猎德社区3号楼前"}


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.content[:600]
    return r.json()


def _error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.content[:600])
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"], body
    return body["error"]


def _call_body(w: Any, **kw: Any) -> dict[str, Any]:
    return {"region_code": w.tree.liede.code, "title": "2027年猎德街微实事", "description": "征集社区公共空间微改造、为老服务等小项目创意。",
            "budget": "300000", "ideas_until": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
            "vote_mode": "approval"} | kw


def test_a_call_through_the_api(client: Any, world: Any, django_capture_on_commit_callbacks: Any) -> None:
    w = world
    client.force_login(w.street)
    c = _ok(client.post(f"{API}/calls", _call_body(w), **J), 201)
    cid = c["id"]
    assert (c["status"], c["budget"], c["cap_services"], c["cap_works"]) == ("ideas", "300000.00", "500000.00", "1000000.00")
    assert c["number"].startswith("WSS") and "design" in c["actions"]
    # residents of the street (two communities) bring ideas; one of another street cannot
    client.force_login(w.proposer)
    a = _ok(client.post(f"{API}/calls/{cid}/ideas", IDEA, **J), 201)
    assert (a["status"], a["source"], a["community_code"]) == ("idea", "resident", w.community.code)
    assert a["proposer_name"] != w.proposer.resident.name and "withdraw" in a["actions"]
    client.force_login(w.outsider)  # 华标社区, same street
    b = _ok(client.post(f"{API}/calls/{cid}/ideas", IDEA | {"title": "华标社区长者助餐点", "kind": "services"}, **J), 201)
    client.force_login(w.shipai_resident)
    _error(client.post(f"{API}/calls/{cid}/ideas", IDEA, **J), 403, "forbidden")
    # the street assigns the designer, who submits the design with drawings
    client.force_login(w.street)
    _error(client.post(f"{API}/projects/{a['id']}/designer", {"designer_id": w.far_designer.pk}, **J), 400, "designer_area")
    for pid in (a["id"], b["id"]):
        assert _ok(client.post(f"{API}/projects/{pid}/designer", {"designer_id": w.designer.pk}, **J))["status"] == "designing"
    client.force_login(w.designer_user)
    design = {"design": "木质座椅六组，透水砖铺装二十平方米，配遮阳棚一座，便于老人休息。", "cost": "80000", "schedule_days": "30"}
    err = _error(client.post(f"{API}/projects/{a['id']}/design", design | {"cost": "1000001"}), 400, "over_cap")
    assert err["details"].get("field") == "cost"
    d = _ok(client.post(f"{API}/projects/{a['id']}/design", design | {"drawings": SimpleUploadedFile("图纸.pdf", PDF, "application/pdf")}))
    assert (d["status"], d["cost"], d["schedule_days"]) == ("designed", "80000.00", 30) and d["drawings_url"]
    _ok(client.post(f"{API}/projects/{b['id']}/design", design | {"cost": "150000"}))
    # review and vote
    client.force_login(w.street)
    _ok(client.post(f"{API}/calls/{cid}/design"))
    _ok(client.post(f"{API}/calls/{cid}/review"))
    review = {"decision": "shortlist", "opinion": "方案可行，造价合理。", "meeting_on": timezone.localdate().isoformat(),
              "votes_for": 7, "votes_against": 1}
    for pid in (a["id"], b["id"]):
        assert _ok(client.post(f"{API}/projects/{pid}/review", review, **J), 201)["decision"] == "shortlist"
    now = timezone.now()
    v = _ok(client.post(f"{API}/calls/{cid}/vote", {"opens": (now - dt.timedelta(minutes=1)).isoformat(),
                                                    "closes": (now + dt.timedelta(days=7)).isoformat()}, **J))
    assert v["status"] == "voting"
    for user, choice in ((w.proposer, [a["id"]]), (w.r1, [a["id"], b["id"]]), (w.outsider, [b["id"]])):
        client.force_login(user)
        assert _ok(client.post(f"{API}/calls/{cid}/ballots", {"projects": choice}, **J), 201)["channel"] == "online"
    _error(client.post(f"{API}/calls/{cid}/ballots", {"projects": [a["id"]]}, **J), 409, "already_voted")
    assert _ok(client.get(f"{API}/calls/{cid}/ballots/mine"))["projects"] == [b["id"]]
    # the running tally is not shown to residents while the vote is open
    rows = _ok(client.get(f"{API}/calls/{cid}/projects"))
    assert all(r["votes"] is None for r in rows) and _ok(client.get(f"{API}/calls/{cid}"))["ballots"] == 0
    client.force_login(w.clerk)
    paper = {"id_number": w.r2.resident.id_number, "slip": "ZP-0001", "projects": [a["id"]]}
    assert _ok(client.post(f"{API}/calls/{cid}/ballots/paper", paper, **J), 201)["channel"] == "paper"
    _error(client.post(f"{API}/calls/{cid}/ballots/paper", paper | {"id_number": w.r3.resident.id_number}, **J), 409, "already_voted")
    assert Ballot.objects.filter(call_id=cid).count() == 4
    client.force_login(w.street)
    assert {r["id"]: r["votes"] for r in _ok(client.get(f"{API}/calls/{cid}/projects"))} == {a["id"]: 3, b["id"]: 2}
    _error(client.post(f"{API}/calls/{cid}/choose"), 409, "not_voting")
    Call.objects.filter(pk=cid).update(vote_closes=timezone.now() - dt.timedelta(seconds=1),
                                       vote_opens=timezone.now() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        done = _ok(client.post(f"{API}/calls/{cid}/choose"))
    assert done["status"] == "chosen" and done["chosen_total"] == "230000.00" and done["disclosure_id"]
    # execution: photos before and after, then finished and rated
    _error(client.post(f"{API}/projects/{a['id']}/finish", {"note": "已完工验收"}, **J), 409, "no_photos")
    for phase in ("before", "after"):
        ph = _ok(client.post(f"{API}/projects/{a['id']}/photos", {"phase": phase, "photo": SimpleUploadedFile("p.png", png(), "image/png")}), 201)
        assert client.get(ph["url"]).status_code in (200, 404)  # TEMP
    _error(client.post(f"{API}/projects/{a['id']}/photos", {"phase": "before", "photo": SimpleUploadedFile("p.png", b"nope", "image/png")}),
           400, "bad_image")
    _ok(client.post(f"{API}/projects/{a['id']}/progress", {"percent": 60, "note": "座椅基础已浇筑", "owner": "猎德街城建办"}, **J))
    f = _ok(client.post(f"{API}/projects/{a['id']}/finish", {"note": "已完工验收"}, **J))
    assert (f["status"], f["progress"], f["owner"]) == ("done", 100, "猎德街城建办")
    assert {p["phase"] for p in f["photos"]} == {"before", "after"}
    client.force_login(w.r1)
    r = _ok(client.post(f"{API}/projects/{a['id']}/rating", {"rating": 5, "comment": "很好"}, **J), 201)
    assert r["rating_count"] == 1 and "rate" not in r["actions"]
    anon = client.__class__()
    pub = _ok(anon.get(f"{API}/projects/{a['id']}"))
    assert pub["votes"] == 3 and [e["action"] for e in pub["timeline"]][:2] == ["propose", "assign"]
    assert "phone" not in str(pub) and w.designer.phone not in str(pub)


def test_bad_input_is_refused_with_the_envelope(client: Any, world: Any) -> None:
    w = world
    client.force_login(w.street)
    for body, field in ((_call_body(w, budget="-5"), "budget"), (_call_body(w, region_code="x"), "region_code"),
                        (_call_body(w, vote_mode="ranked"), "vote_mode"), (_call_body(w, ideas_until="2020-01-01"), "ideas_until"),
                        (_call_body(w, title=""), "title")):
        r = client.post(f"{API}/calls", body, **J)
        assert r.status_code == 400, (field, r.content[:300])
    assert not Call.objects.exists()
    c = _ok(client.post(f"{API}/calls", _call_body(w), **J), 201)
    for path in ("/calls/99999999", "/projects/99999999", "/calls/abc", "/projects/0"):
        assert client.get(API + path).status_code in (400, 404, 422)
    client.force_login(w.proposer)
    for junk in ({}, {"title": "x"}, IDEA | {"kind": "gold"}, IDEA | {"title": "题" * 101}, IDEA | {"description": "\x00"}):
        assert client.post(f"{API}/calls/{c['id']}/ideas", junk, **J).status_code == 400
    _error(client.post(f"{API}/calls/{c['id']}/ballots", {"projects": [1]}, **J), 409, "not_voting")
    assert not Project.objects.exists()


def test_other_areas_see_nothing_of_the_desk(client: Any, world: Any, make_user: Any) -> None:
    from linli.accounts.roles import Role

    w = world
    client.force_login(w.street)
    c = _ok(client.post(f"{API}/calls", _call_body(w), **J), 201)
    client.force_login(w.proposer)
    p = _ok(client.post(f"{API}/calls/{c['id']}/ideas", IDEA, **J), 201)
    client.force_login(make_user(Role.STREET_ADMIN, w.tree.shipai, username="shipai_street"))
    assert c["id"] not in {x["id"] for x in _ok(client.get(f"{API}/calls"))["items"]}
    assert p["id"] not in {x["id"] for x in _ok(client.get(f"{API}/projects"))["items"]}
    _error(client.post(f"{API}/calls/{c['id']}/design"), 404, "not_found")
    _error(client.post(f"{API}/projects/{p['id']}/designer", {"designer_id": w.designer.pk}, **J), 404, "not_found")
    # 华标社区's admin reads its street's call (its residents' ideas are in it) but cannot run it
    client.force_login(w.other_admin)
    assert c["id"] in {x["id"] for x in _ok(client.get(f"{API}/calls"))["items"]}
    _error(client.post(f"{API}/calls/{c['id']}/design"), 403, "forbidden")
