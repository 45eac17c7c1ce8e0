"""The disclosures API: the error envelope, isolation, the flow from publishing to a public
answer, and bounded statement counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.disclosures.models import Objection

pytestmark = pytest.mark.django_db

BASE = "/api/v1/disclosures"


def envelope(resp, status, code):
    assert resp.status_code == status, resp.content
    err = resp.json()["error"]
    assert err["code"] == code and err["message"] and isinstance(err["details"], dict)
    return err


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_publish_object_answer_and_the_answer_shows_publicly(client, world, tree):
    client.force_login(world.worker)
    resp = post(client, f"{BASE}/", {"kind": "disclosures.resolution", "region": tree.liede_sq.code,
                                     "title": "加装电梯决议公示", "content": "同意在1栋加装电梯，费用按楼层分摊。"})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    series = body["series"]
    assert body["status"] == "open" and set(body["actions"]) == {"correct", "withdraw"}
    client.force_login(world.resident)
    assert client.get(f"{BASE}/{series}").json()["actions"] == ["object"]
    resp = post(client, f"{BASE}/{series}/objections", {"text": "一楼住户没有参与表决", "phone": "13900000002",
                                                         "id_number": world.id_number})
    assert resp.status_code == 201, resp.content
    assert "13900000002" not in resp.content.decode() and world.id_number not in resp.content.decode()
    objection = resp.json()["id"]
    client.force_login(world.admin)
    staff_view = client.get(f"{BASE}/{series}").json()
    assert staff_view["versions"][0]["objections"][0]["actions"] == ["answer", "reveal_contact"]
    resp = post(client, f"{BASE}/objections/{objection}/answer", {"answer": "一楼住户已书面表决", "outcome": "rejected"})
    assert resp.status_code == 200 and resp.json()["status"] == "answered"
    envelope(post(client, f"{BASE}/objections/{objection}/answer", {"answer": "再答复一次内容", "outcome": "upheld"}),
             409, "illegal_transition")
    client.force_login(world.resident)
    public = client.get(f"{BASE}/{series}").json()
    assert public["versions"][0]["objections"][0]["answer"] == "一楼住户已书面表决"
    assert "13900000002" not in str(public)


def test_errors_are_in_the_envelope(client, world, tree):
    envelope(post(client, f"{BASE}/", {"kind": "x"}), 401, "unauthenticated")
    client.force_login(world.worker)
    err = envelope(post(client, f"{BASE}/", {"kind": "disclosures.general"}), 400, "invalid")
    assert {f["field"] for f in err["details"]["fields"]} >= {"region", "title", "content"}
    envelope(post(client, f"{BASE}/", {"kind": "nope", "region": tree.liede_sq.path, "title": "标题",
                                       "content": "公示的内容"}), 400, "unknown_kind")
    envelope(post(client, f"{BASE}/", {"kind": "disclosures.general", "region": tree.pantang.path, "title": "标题",
                                       "content": "公示的内容"}), 403, "forbidden")
    envelope(post(client, f"{BASE}/", {"kind": "disclosures.general", "region": "../x", "title": "标题",
                                       "content": "公示的内容"}), 400, "invalid")
    envelope(client.get(f"{BASE}/999999"), 404, "not_found")
    envelope(client.get(f"{BASE}/?region=abc"), 400, "invalid")
    envelope(client.get(f"{BASE}/?page=0"), 400, "invalid")
    d = world.publish()
    envelope(post(client, f"{BASE}/{d.pk}/withdraw", {"reason": "撤"}), 400, "reason_required")
    envelope(post(client, f"{BASE}/{d.pk}/close", {}), 409, "period_running")
    envelope(post(client, f"{BASE}/{d.pk}/objections", {"text": "工作人员的异议"}), 403, "not_of_area")


def test_isolation_through_the_api(client, world):
    d = world.publish()
    o = world.object(d)
    for outsider in (world.sibling, world.sibling_worker, world.other_street):
        client.force_login(outsider)
        envelope(client.get(f"{BASE}/{d.pk}"), 404, "not_found")
        envelope(post(client, f"{BASE}/objections/{o.pk}/answer", {"answer": "越权答复内容", "outcome": "upheld"}),
                 404, "not_found")
        envelope(post(client, f"{BASE}/{d.pk}/withdraw", {"reason": "越权撤回理由"}), 404, "not_found")
        envelope(post(client, f"{BASE}/{d.pk}/correct", {"title": "t", "content": "越权更正内容", "note": "越权"}), 404, "not_found")
        assert client.get(f"{BASE}/staff").json()["count"] == 0
    client.force_login(world.outsider)  # a resident of the sibling community
    envelope(client.get(f"{BASE}/{d.pk}"), 404, "not_found")
    envelope(post(client, f"{BASE}/{d.pk}/objections", {"text": "外社区居民异议"}), 404, "not_found")
    client.logout()
    envelope(client.get(f"{BASE}/{d.pk}"), 404, "not_found")
    assert client.get(f"{BASE}/?region={world.tree.liede_sq.path}").json()["count"] == 0
    assert Objection.objects.get().status == "lodged"


def test_statement_counts_stay_bounded(client, world, tree):
    for i in range(3):
        d = world.publish(kind="disclosures.general", title=f"公示{i}")
        o = world.object(d, text=f"异议内容{i}号")
        from linli.disclosures import services

        services.answer_objection(actor=world.worker, objection=o, answer="已核实的答复", outcome="rejected")
    client.logout()

    def count(url):
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    few = count(f"{BASE}/?region={tree.liede_sq.path}")
    detail = count(f"{BASE}/{d.pk}")
    for i in range(3, 8):
        world.publish(kind="disclosures.general", title=f"公示{i}")
    assert count(f"{BASE}/?region={tree.liede_sq.path}") == few  # no statement per row
    assert detail <= 8
    page = count(f"/disclosures/{d.pk}/")
    assert page <= 12
