import pytest

from linli.accounts.roles import Role
from linli.accounts.services import issue_api_token, revoke_api_token
from linli.core.models import SensitiveAccess
from linli.regions.models import Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(tree, make_user):
    return make_user(Role.GRID_WORKER, tree.g_liede1)


def test_bearer_token_auth_and_revocation(client, tree, registry, worker):
    registry.resident(household=registry.household(tree.g_liede1), name="张三")
    token, secret = issue_api_token(actor=worker, user=worker, name="集成测试")
    assert secret.startswith("ll_") and secret not in token.key_hash
    resp = client.get("/api/v1/registry/residents?q=zs", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert resp.status_code == 200
    assert [r["name"] for r in resp.json()["items"]] == ["张三"]
    assert client.get("/api/v1/registry/residents", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    revoke_api_token(actor=worker, token=token)
    resp = client.get("/api/v1/registry/residents", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert resp.status_code == 401
    assert resp.json() == {"error": {"code": "unauthenticated", "message": "请先登录", "details": {}}}


def test_create_resident_errors_are_structured_and_in_chinese(client, tree, registry, worker):
    hh = registry.household(tree.g_liede1)
    client.force_login(worker)
    resp = client.post("/api/v1/registry/residents", {"name": "李四", "id_number": "440106198005170000", "household_id": hh.pk},
                       content_type="application/json")
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert err["code"] == "invalid"
    assert err["message"] == "身份证号校验位错误"
    assert err["details"]["field"] == "id_number"
    resp = client.post("/api/v1/registry/residents", {"name": "李四"}, content_type="application/json")
    assert resp.status_code == 400
    assert resp.json()["error"]["message"] == "请求参数不正确"
    assert resp.json()["error"]["details"]["fields"][0]["field"] == "id_number"
    resp = client.post("/api/v1/registry/residents", "{not json", content_type="application/json")
    assert resp.status_code == 400 and "error" in resp.json()
    assert not Resident.objects.exists()


def test_english_messages_on_request(client, tree, registry, worker):
    hh = registry.household(tree.g_liede1)
    client.force_login(worker)
    resp = client.post("/api/v1/registry/residents", {"name": "李四", "id_number": "440106198005170000", "household_id": hh.pk},
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert resp.json()["error"]["message"] == "Wrong check character in the ID number"


def test_create_patch_reveal_history(client, tree, registry, worker):
    hh = registry.household(tree.g_liede1)
    client.force_login(worker)
    number = registry.id_number()
    resp = client.post("/api/v1/registry/residents", {"name": "李四", "id_number": number, "phone": "13800001234",
                                                      "household_id": hh.pk, "relation": "head", "tags": ["elder"]},
                       content_type="application/json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["id_number_masked"] == number[:6] + "*" * 11 + number[-1:]
    assert body["phone_masked"] == "138****1234"
    assert number not in resp.content.decode()
    rid = body["id"]
    resp = client.patch(f"/api/v1/registry/residents/{rid}", {"phone": "13900004321"}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["phone_masked"] == "139****4321"
    resp = client.post(f"/api/v1/registry/residents/{rid}/reveal", {"reason": "x"}, content_type="application/json")
    assert resp.status_code == 400
    resp = client.post(f"/api/v1/registry/residents/{rid}/reveal", {"purpose": "核对信息", "reason": "核实身份信息"}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["id_number"] == number
    assert SensitiveAccess.objects.filter(actor=worker, reason="核对信息：核实身份信息").count() == 1
    hist = client.get(f"/api/v1/registry/residents/{rid}/history").json()
    assert [h["action"] for h in hist] == ["resident.update", "resident.create"]
    assert hist[0]["changes"]["phone"] == ["138****1234", "139****4321"]


def test_pagination(client, tree, registry, worker):
    hh = registry.household(tree.g_liede1)
    for i in range(25):
        registry.resident(household=hh, name=f"王{chr(0x4e00 + i)}")
    client.force_login(worker)
    page1 = client.get("/api/v1/registry/residents?q=w").json()
    page2 = client.get("/api/v1/registry/residents?q=w&page=2").json()
    assert page1["count"] == 25 and len(page1["items"]) == 20 and len(page2["items"]) == 5
    assert not {r["id"] for r in page1["items"]} & {r["id"] for r in page2["items"]}


def test_list_query_count_is_flat(client, tree, registry, worker, django_assert_max_num_queries):
    for n in range(12):
        hh = registry.household(tree.g_liede1, number=f"{n + 1}01")
        registry.resident(household=hh, name=f"陈{chr(0x4e00 + n)}")
    client.force_login(worker)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/registry/residents").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/registry/residents/").status_code == 200


def test_openapi_every_operation_documented(client):
    spec = client.get("/api/v1/openapi.json").json()
    ops = [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]
    assert len(ops) >= 15
    for path, method, op in ops:
        assert op.get("summary"), (path, method)
        assert op.get("tags"), (path, method)
        codes = set(op["responses"])
        assert codes & {"401", "403", "404"}, (path, method, codes)
        if method in ("post", "patch"):
            assert "400" in codes, (path, method)
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower() and "/static/" in docs


def test_api_calls_are_rate_limited_per_user(client, tree, make_user, monkeypatch):
    from ninja.throttling import UserRateThrottle

    from linli.api import api

    throttle = next(t for t in api.throttle if isinstance(t, UserRateThrottle))
    monkeypatch.setattr(throttle, "num_requests", 5)
    client.force_login(make_user(Role.GRID_WORKER, tree.g_liede1))
    codes = [client.get("/api/v1/registry/residents").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    resp = client.get("/api/v1/registry/residents")
    assert resp.json()["error"] == {"code": "rate_limited", "message": "请求过于频繁，请稍后再试",
                                    "details": {"retry_after": int(resp["Retry-After"])}}
    client.force_login(make_user(Role.GRID_WORKER, tree.g_liede1))  # another user is not affected
    assert client.get("/api/v1/registry/residents").status_code == 200


def test_bearer_token_writes_need_no_csrf_but_session_writes_do(tree, registry, worker):
    from django.test import Client

    hh = registry.household(tree.g_liede1)
    _t, secret = issue_api_token(actor=worker, user=worker, name="集成")
    strict = Client(enforce_csrf_checks=True)
    body = {"name": "令牌写入", "id_number": registry.id_number(), "household_id": hh.pk}
    resp = strict.post("/api/v1/registry/residents", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert resp.status_code == 201, resp.content
    strict.force_login(worker)
    body["id_number"] = registry.id_number()
    resp = strict.post("/api/v1/registry/residents", body, content_type="application/json")
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "csrf_failed"
    anon = Client(enforce_csrf_checks=True)
    assert anon.post("/api/v1/registry/residents", body, content_type="application/json").status_code == 401
