"""The assemblies API: draft → roll → call → vote with a code → receipt; proxies and paper entry;
turnout without choices; the error envelope; validation without a 500; another community sees
nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.assemblies import services
from linli.assemblies.models import Ballot, PaperSlip

pytestmark = pytest.mark.django_db

J = {"content_type": "application/json"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.content
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code, body
    return body["error"]


def _payload(world: Any, **kw: Any) -> dict[str, Any]:
    opens = timezone.now() + dt.timedelta(days=16)
    return {"compound_id": world.compound.pk, "title": "翠苑业主大会", "convener": "owners_committee",
            "convener_name": "翠苑业主委员会", "opens_at": opens.isoformat(), "closes_at": (opens + dt.timedelta(days=7)).isoformat(),
            "matters": [{"item": 4, "title": "选聘物业服务企业"}, {"item": 7, "title": "改建小区大门"}]} | kw


def test_draft_roll_call_through_the_api(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    r = client.post("/api/v1/assemblies", _payload(world), **J)
    assert r.status_code == 201, r.content
    a = r.json()
    assert a["status"] == "draft" and [m["item"] for m in a["matters"]] == [4, 7] and "freeze_roll" in a["actions"]
    r = client.post(f"/api/v1/assemblies/{a['id']}/roll")
    assert r.status_code == 200, r.content
    roll = r.json()["roll"]
    assert (roll["status"], roll["total_heads"], roll["total_units"], roll["total_area"]) == ("disclosed", 4, 7, "478.25")
    entries = client.get(f"/api/v1/assemblies/{a['id']}/roll/entries").json()["items"]
    assert {e["name"] for e in entries} >= {"王业主", "翠苑置业有限公司"}
    public = client.get(f"/api/v1/assemblies/{a['id']}/roll/public").json()["items"]
    assert len(public) == 7 and set(public[0]) == {"label", "area", "use", "area_source"}
    unit = services.RollUnit.objects.get(roll__assembly__pk=a["id"], label__contains="102")
    r = client.patch(f"/api/v1/assemblies/{a['id']}/roll/units/{unit.pk}", {"area": "91.50", "reason": "按不动产登记证更正"}, **J)
    assert r.status_code == 200 and r.json()["area"] == "91.50"
    _error(client.patch(f"/api/v1/assemblies/{a['id']}/roll/units/{unit.pk}", {"area": "-3", "reason": "x"}, **J), 400, "invalid")
    r = client.post(f"/api/v1/assemblies/{a['id']}/call")
    assert r.status_code == 200 and r.json()["status"] == "called" and r.json()["notice_id"]
    # owners of the compound see it; the public roll too; a neighbour community's owner does not
    client.force_login(world.wang_user)
    assert [x["id"] for x in client.get("/api/v1/assemblies").json()["items"]] == [a["id"]]
    assert client.get(f"/api/v1/assemblies/{a['id']}").json()["actions"] == []
    assert client.get(f"/api/v1/assemblies/{a['id']}/roll/entries").json()["items"] == []
    client.force_login(world.other_owner)
    assert client.get("/api/v1/assemblies").json()["items"] == []
    _error(client.get(f"/api/v1/assemblies/{a['id']}"), 404, "not_found")
    _error(client.get(f"/api/v1/assemblies/{a['id']}/roll/public"), 404, "not_found")


def test_an_opening_too_soon_is_refused_with_the_earliest_date(client: Any, world: Any) -> None:
    client.force_login(world.admin)
    opens = timezone.now() + dt.timedelta(days=3)
    a = client.post("/api/v1/assemblies", _payload(world, opens_at=opens.isoformat(),
                                                   closes_at=(opens + dt.timedelta(days=3)).isoformat()), **J).json()
    client.post(f"/api/v1/assemblies/{a['id']}/roll")
    err = _error(client.post(f"/api/v1/assemblies/{a['id']}/call"), 400, "notice_period")
    assert "earliest" in err["details"] and "15" in err["message"]


def test_vote_with_a_code_get_a_receipt_and_turnout_hides_choices(client: Any, world: Any, sms: dict[str, str]) -> None:
    a = world.voting()
    client.force_login(world.wang_user)
    mine = client.get(f"/api/v1/assemblies/{a.pk}/mine").json()
    assert [(m["entry_id"], m["voted"], m["by_proxy"], m["delegated"]) for m in mine] == [(world.entry(a, "王业主").pk, False, False, False)]
    assert len(mine[0]["units"]) == 2 and all("1栋" in u for u in mine[0]["units"])
    assert client.post(f"/api/v1/assemblies/{a.pk}/vote-code").status_code == 204
    _error(client.post(f"/api/v1/assemblies/{a.pk}/ballots", {"choices": {"1": "agree"}, "code": sms[world.wang_user.phone]}, **J),
           400, "incomplete")
    client.post(f"/api/v1/assemblies/{a.pk}/vote-code")
    r = client.post(f"/api/v1/assemblies/{a.pk}/ballots", {"choices": {"1": "agree", "2": "abstain"}, "code": sms[world.wang_user.phone]}, **J)
    assert r.status_code == 201, r.content
    assert len(r.json()["receipt"]) == 19 and r.json()["channel"] == "online"
    assert client.get(f"/api/v1/assemblies/{a.pk}/mine").json()[0]["voted"] is True
    t = client.get(f"/api/v1/assemblies/{a.pk}/turnout").json()
    assert (t["heads"], t["area"], t["quorum_met"], t["by_channel"]) == (1, "180.00", False, {})
    assert "agree" not in str(t)
    client.force_login(world.admin)
    t = client.get(f"/api/v1/assemblies/{a.pk}/turnout").json()
    assert t["by_channel"] == {"online": {"heads": 1, "area": "180.00"}}
    client.force_login(world.wang_user)
    client.post(f"/api/v1/assemblies/{a.pk}/vote-code")
    _error(client.post(f"/api/v1/assemblies/{a.pk}/ballots", {"choices": {"1": "oppose", "2": "oppose"}, "code": sms[world.wang_user.phone]},
                       **J), 409, "already_voted")


def test_bad_input_gets_the_envelope_never_a_500(client: Any, world: Any) -> None:
    a = world.voting()
    client.force_login(world.admin)
    for body in ({"matters": []}, {"matters": [{"item": 0, "title": "x"}]}, {"opens_at": "not a date"},
                 {"title": "x" * 500}, {"compound_id": 0}, {"convener": "mayor"}, {"max_principals": 99}):
        r = client.post("/api/v1/assemblies", _payload(world, **body), **J)
        assert r.status_code == 400, (body, r.content)
        assert set(r.json()) == {"error"}
    _error(client.post("/api/v1/assemblies", _payload(world, compound_id=world.other_compound.pk), **J), 403, "forbidden")
    assert client.get("/api/v1/assemblies/99999999999999999999").status_code in (400, 404)
    assert client.get("/api/v1/assemblies/2147483648").status_code == 404
    _error(client.post(f"/api/v1/assemblies/{a.pk}/paper", {"code": "NOPE", "choices": {"1": "agree"}}, **J), 404, "not_found")
    _error(client.post(f"/api/v1/assemblies/{a.pk}/paper", {"code": "NOPE", "choices": {"9": "agree"}}, **J), 400, "invalid")
    _error(client.post(f"/api/v1/assemblies/{a.pk}/paper", {"code": "NOPE", "choices": {"1": "yes"}}, **J), 400, "invalid")
    client.force_login(world.wang_user)
    _error(client.post(f"/api/v1/assemblies/{a.pk}/ballots", {"choices": {"1": "agree", "2": "agree"}, "code": ""}, **J), 400, "invalid")
    _error(client.post(f"/api/v1/assemblies/{a.pk}/ballots", {"choices": "all", "code": "1"}, **J), 400, "invalid")
    assert not Ballot.objects.filter(assembly=a).exists()


def test_proxy_and_paper_through_the_api(client: Any, world: Any, sms: dict[str, str]) -> None:
    a = world.voting()
    client.force_login(world.admin)
    li = world.entry(a, "李业主")
    r = client.post(f"/api/v1/assemblies/{a.pk}/proxies", {"entry_id": li.pk, "holder_id": world.tenant.pk,
                                                           "document": _upload("委托书.pdf", PDF)})
    assert r.status_code == 201, r.content
    _error(client.post(f"/api/v1/assemblies/{a.pk}/proxies", {"entry_id": li.pk, "holder_id": world.chen.pk,
                                                              "document": _upload("委托书.pdf", PDF)}), 409, "proxy_exists")
    _error(client.post(f"/api/v1/assemblies/{a.pk}/proxies", {"entry_id": world.entry(a, "王业主").pk, "holder_id": world.chen.pk,
                                                              "document": _upload("a.txt", b"plain text")}), 400, "bad_file")
    client.force_login(world.tenant_user)
    mine = client.get(f"/api/v1/assemblies/{a.pk}/mine").json()
    assert [m["by_proxy"] for m in mine] == [True]
    client.post(f"/api/v1/assemblies/{a.pk}/vote-code")
    r = client.post(f"/api/v1/assemblies/{a.pk}/ballots", {"choices": {"1": "agree", "2": "agree"}, "code": sms[world.tenant_user.phone]}, **J)
    assert r.status_code == 201 and r.json()["channel"] == "proxy"
    client.force_login(world.admin)
    slips = client.post(f"/api/v1/assemblies/{a.pk}/slips").json()
    assert len(slips) == 4 and {s["status"] for s in slips} == {"open"}
    dev = PaperSlip.objects.get(assembly=a, entry=world.entry(a, "翠苑置业"))
    client.force_login(world.clerk1)
    assert client.post(f"/api/v1/assemblies/{a.pk}/paper", {"code": dev.code, "choices": {"1": "agree", "2": ""}}, **J).json()["status"] == "open"
    client.force_login(world.clerk2)
    assert client.post(f"/api/v1/assemblies/{a.pk}/paper", {"code": dev.code, "choices": {"1": "agree", "2": ""}}, **J).json()["status"] == "counted"
    b = Ballot.objects.get(assembly=a, entry=dev.entry)
    assert list(b.choices.values_list("choice", flat=True)) == ["agree"]  # the blank matter is not voted
    client.force_login(world.other_admin)
    _error(client.get(f"/api/v1/assemblies/{a.pk}/slips"), 404, "not_found")
    _error(client.post(f"/api/v1/assemblies/{a.pk}/paper", {"code": dev.code, "choices": {"1": "agree"}}, **J), 404, "not_found")


def _upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_openapi_schema_documents_every_operation(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    ops = [(p, m, o) for p, item in spec["paths"].items() if "/assemblies" in p for m, o in item.items()]
    assert len(ops) >= 20
    for path, method, op in ops:
        assert op.get("summary") and op.get("tags") == ["assemblies 业主大会"], (path, method)
        assert any(code.startswith("4") for code in op["responses"]), (path, method)
