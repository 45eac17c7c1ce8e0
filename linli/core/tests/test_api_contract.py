"""Bad input and failures around the views: every answer is a 4xx (503 for a database outage)
with the JSON envelope under /api/, GeoReport's error list under /open311/, a page elsewhere,
in the request's language; the OpenAPI document says so for every operation."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import OperationalError
from django.test import Client

from linli.accounts.roles import Role
from linli.api import api

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def envelope(resp, status, code=None):
    assert resp.status_code == status, (resp.status_code, resp.content[:300])
    assert resp["Content-Type"].startswith("application/json"), resp["Content-Type"]
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]


@pytest.fixture
def admin(client, tree, make_user):
    user = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    client.force_login(user)
    return user


def operations():
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for method in op.methods:
                    yield method, "/api/v1" + prefix.rstrip("/") + path


# ------------------------------------------------------------------ NUL bytes, every channel


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/json", "", "application/octet-stream"])
def test_nul_in_a_body_of_any_content_type_is_refused(client, admin, tree, content_type):
    for body in ('{"name": "a\x00b"}', '{"name": "a\\u0000b"}'):
        resp = client.post("/api/v1/registry/households", body, content_type=content_type)
        err = envelope(resp, 400, "invalid")
        assert err["message"] == "请求中含有非法字符"
    from linli.regions.models import Household

    assert not Household.objects.exists()


def test_nul_in_a_form_a_file_name_and_a_patch_body(client, admin, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    envelope(client.post("/api/v1/registry/imports", {"kind": "resid\x00ents"}), 400, "invalid")
    # a file name: Django drops non-printable characters from it; the file is judged on its content
    upload = SimpleUploadedFile("a\x00.xlsx", b"PK\x00\x00binary", content_type="application/octet-stream")
    envelope(client.post("/api/v1/registry/imports", {"kind": "residents", "file": upload}), 400, "bad_file")
    envelope(client.patch("/api/v1/registry/residents/1", "name=a%00b", content_type="application/x-www-form-urlencoded"),
             400, "invalid")
    # a page form: the friendly page, in English when asked
    resp = client.post("/registry/visits/", {"notes": "x\x00"}, **EN)
    assert resp.status_code == 400 and "The request contains invalid characters" in resp.content.decode()


def test_binary_upload_is_not_mistaken_for_nul_text(client, admin, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("residents.xlsx", b"PK\x03\x04\x00\x00not really", content_type="application/octet-stream")
    resp = client.post("/api/v1/registry/imports", {"kind": "residents", "file": upload})
    assert resp.status_code in (201, 400)
    assert resp.json()["error"]["message"] != "请求中含有非法字符" if resp.status_code == 400 else True


@pytest.mark.parametrize("url", ["/affairs/verify/AB%00CD/", "/orders/public/4401%0006001001/",
                                 "/booking/feeds/ab%00cd.ics", "/api/v1/affairs/certificates/verify/AB%00CD",
                                 "/api/v1/affairs/items/a%00b"])
def test_nul_in_a_path_segment_is_refused(client, url):
    resp = client.get(url)
    assert resp.status_code == 400
    if url.startswith("/api/"):
        envelope(resp, 400, "invalid")
    else:
        assert "请求中含有非法字符" in resp.content.decode()


def test_nul_in_headers_is_refused(client, admin, tree):
    resp = client.post("/api/v1/workorders/orders", {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k\x00")
    envelope(resp, 400, "invalid")
    resp = Client().get("/accounts/login/", HTTP_COOKIE="sessionid=abc\x00defghij")
    assert resp.status_code == 400
    envelope(Client().get("/api/v1/spaces/venues", HTTP_COOKIE="sessionid=abc\x00defghij"), 400, "invalid")
    resp = Client().get("/api/v1/spaces/venues", HTTP_AUTHORIZATION="Bearer ll_\x00")
    envelope(resp, 400, "invalid")


def test_nul_under_open311_keeps_its_error_format(client):
    resp = client.get("/open311/v2/requests.json?service_code=%00")
    assert resp.status_code == 400 and resp.json() == [{"code": 400, "description": "请求中含有非法字符"}]
    resp = client.get("/open311/v2/requests.xml?service_code=%00")
    assert resp.status_code == 400 and b"<errors><error><code>400</code>" in resp.content


# ------------------------------------------------------------------ integers beyond their columns


@pytest.mark.parametrize("query", ["page=99999999999999999999", "page=9223372036854775808", "page=0", "page=-1",
                                   "page_size=99999999999999999999", "page=1000001"])
def test_every_paginated_list_bounds_its_page(client, admin, query):
    paginated = [p for m, p in operations() if m == "GET" and "{" not in p and _paginated(p)]
    assert len(paginated) >= 10
    for path in paginated:
        err = envelope(client.get(f"{path}?{query}"), 400, "invalid")
        assert err["details"]["fields"][0]["field"] in ("page", "page_size"), (path, err)


def _paginated(path):
    op = next(o for prefix, r in api._routers for p, v in r.path_operations.items() for o in v.operations
              if "/api/v1" + prefix.rstrip("/") + p == path and "GET" in o.methods)
    return any("page" in m.model_fields or any("page" in str(f.annotation) for f in m.model_fields.values())
               for m in op.models) or getattr(op.view_func, "_ninja_contribute_args", None)


@pytest.mark.parametrize("big", [2**63 - 1, 2**63, 2**64 + 1, 10**30])
def test_ids_that_cannot_exist_are_404(client, admin, big):
    for method, path in operations():
        if "{" not in path or "{code}" in path:
            continue
        url = re.sub(r"\{[^}]+\}", str(big), path)
        resp = client.get(url) if method == "GET" else getattr(client, method.lower())(url, "{}", content_type="application/json")
        assert resp.status_code in (400, 404), (method, url, resp.status_code)
        envelope(resp, resp.status_code)


def test_page_lists_take_any_page_number(client, admin):
    for url in ("/registry/residents/", "/registry/rooms/", "/orders/mine/", "/affairs/my/"):
        resp = client.get(f"{url}?page=99999999999999999999")
        assert resp.status_code in (200, 302), (url, resp.status_code)


# ------------------------------------------------------------------ far dates


@pytest.mark.parametrize("url", ["/api/v1/workorders/figures?start=0001-01-01", "/api/v1/workorders/figures?end=9999-12-31",
                                 "/api/v1/registry/visits?start=0001-01-01", "/api/v1/registry/visits/coverage?start=0001-01-01",
                                 "/api/v1/station/offerings?date=1603-06-05"])
def test_far_dates_in_queries_are_400(client, admin, url):
    err = envelope(client.get(url), 400, "invalid")
    assert "日期须在" in err["details"]["fields"][0]["message"]


def test_slots_of_a_far_day_are_400_not_local_mean_time(client, admin, tree):
    from linli.booking.models import Resource

    res = Resource.objects.create(name="活动室", kind="room", region=tree.liede_sq, region_path=tree.liede_sq.path, capacity=5)
    err = envelope(client.get(f"/api/v1/booking/resources/{res.pk}/slots?date=1603-06-05"), 400, "invalid")
    assert err["details"]["fields"] == [{"field": "date", "reason": "date_range", "message": err["details"]["fields"][0]["message"]}]
    resp = client.get(f"/api/v1/booking/resources/{res.pk}/slots?date=1603-06-05", **EN)
    assert "Dates must lie between" in resp.json()["error"]["details"]["fields"][0]["message"]
    resp = client.post("/api/v1/booking/reservations", {"resource_id": res.pk, "starts_at": "1603-06-05T09:00:00+08:00"},
                       content_type="application/json")
    envelope(resp, 400, "invalid")


def test_far_dates_in_bodies_are_400(client, admin, tree, registry):
    hh = registry.household(tree.g_liede1)
    resp = client.post("/api/v1/registry/visits", {"household_id": hh.pk, "visited_on": "0001-01-01"}, content_type="application/json")
    assert envelope(resp, 400, "invalid")["details"]["fields"][0]["field"] == "visited_on"


@pytest.mark.parametrize("url", ["/orders/supervise/?start=0001-01-01&end=9999-12-31", "/registry/visits/?start=0001-01-01",
                                 "/station/?date=1603-06-05"])
def test_far_dates_on_pages_fall_back_to_the_default(client, admin, url):
    assert client.get(url).status_code == 200


# ------------------------------------------------------------------ the envelope, in the user's language


def test_bad_json_is_the_envelope_in_chinese_and_english(client, admin):
    err = envelope(client.post("/api/v1/registry/households", "{bad", content_type="application/json"), 400, "invalid_json")
    assert err["message"] == "请求体不是有效的 JSON"
    err = envelope(client.post("/api/v1/registry/households", "{bad", content_type="application/json", **EN), 400, "invalid_json")
    assert err["message"] == "The request body is not valid JSON"


def test_validation_details_are_translated(client, admin):
    err = envelope(client.post("/api/v1/registry/households", {}, content_type="application/json"), 400, "invalid")
    assert err["details"]["fields"] == [{"field": "room_id", "reason": "missing", "message": "必填"}]
    err = envelope(client.post("/api/v1/registry/households", {}, content_type="application/json", **EN), 400, "invalid")
    assert err["message"] == "Invalid request parameters"
    assert err["details"]["fields"] == [{"field": "room_id", "reason": "missing", "message": "Required"}]
    err = envelope(client.post("/api/v1/registry/households", {"room_id": "x"}, content_type="application/json"), 400)
    assert err["details"]["fields"][0]["message"] == "应为整数"
    err = envelope(client.get("/api/v1/registry/residents?page=0"), 400)
    assert err["details"]["fields"][0]["message"] == "不能小于 1"


@pytest.mark.parametrize("url", ["/api/v1/nope", "/api/v1/registry/nope/deeper", "/api/v2/anything"])
def test_unknown_api_address_is_a_json_404(client, url):
    err = envelope(client.get(url), 404, "not_found")
    assert err["message"] == "接口不存在"
    assert envelope(client.get(url, **EN), 404)["message"] == "No such endpoint"


def test_wrong_method_is_a_json_405(client, admin):
    resp = client.delete("/api/v1/accounts/me")
    envelope(resp, 405, "method_not_allowed")
    assert "GET" in resp["Allow"]


def test_unknown_page_is_the_friendly_page(client):
    resp = client.get("/no-such-page/")
    assert resp.status_code == 404 and resp["Content-Type"].startswith("text/html") and "未找到" in resp.content.decode()


def test_oversize_body_is_413(client, admin, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    envelope(client.post("/api/v1/registry/households", json.dumps({"number": "x" * 2000}), content_type="application/json"),
             413, "too_large")
    resp = client.post("/registry/visits/", {"notes": "x" * 2000}, **EN)
    assert resp.status_code == 413 and "Request too large" in resp.content.decode()
    resp = client.post("/open311/v2/requests.json", json.dumps({"d": "x" * 2000}), content_type="application/json")
    assert resp.status_code == 413 and resp.json()[0]["code"] == 413


def _broken(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def test_database_outage_is_503_envelope_for_the_api(admin, monkeypatch):
    from linli.accounts import selectors

    monkeypatch.setattr(selectors, "role_assignments", _broken)
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    resp = client.get("/api/v1/accounts/me")
    envelope(resp, 503, "unavailable")
    assert resp["Retry-After"]
    assert client.get("/api/v1/accounts/me", **EN).json()["error"]["message"] == "The service is temporarily unavailable; please try again shortly"


def test_database_outage_is_a_friendly_503_page(admin, monkeypatch):
    from linli.core import views

    monkeypatch.setattr(views, "start_page", _broken)
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    resp = client.get("/")
    assert resp.status_code == 503 and resp["Content-Type"].startswith("text/html")
    assert "服务暂时不可用" in resp.content.decode() and "Traceback" not in resp.content.decode()
    assert "Service temporarily unavailable" in client.get("/", **EN).content.decode()


def test_server_error_is_envelope_for_the_api_and_a_page_elsewhere(admin, monkeypatch):
    from linli.accounts import selectors
    from linli.core import views

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "role_assignments", boom)
    monkeypatch.setattr(views, "start_page", boom)
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    err = envelope(client.get("/api/v1/accounts/me"), 500, "server_error")
    assert "boom" not in json.dumps(err)
    resp = client.get("/")
    assert resp.status_code == 500 and "服务器出错了" in resp.content.decode() and "boom" not in resp.content.decode()


# ------------------------------------------------------------------ the OpenAPI document


def test_openapi_names_each_figures_schema_once_and_rightly(client):
    doc = client.get("/api/v1/openapi.json").json()
    names = doc["components"]["schemas"]
    wo = doc["paths"]["/api/v1/workorders/figures"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    af = doc["paths"]["/api/v1/affairs/figures"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert wo != af
    assert "satisfaction_rate" in names[wo.rsplit("/", 1)[1]]["properties"]
    assert "average_rating" in names[af.rsplit("/", 1)[1]]["properties"]


def test_openapi_documents_the_refusals_of_every_operation(client):
    doc = client.get("/api/v1/openapi.json").json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for status in ("400", "429"):
                assert status in op["responses"], (method, path, status)
                assert op["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


def test_dates_are_checked_against_today(client, admin):
    far = (dt.date.today() + dt.timedelta(days=365 * 6)).isoformat()
    envelope(client.get(f"/api/v1/station/offerings?date={far}"), 400, "invalid")
    near = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    assert client.get(f"/api/v1/station/offerings?date={near}").status_code == 200


def test_room_detail_lists_its_households(client, admin, tree, registry):
    hh = registry.household(tree.g_liede1)
    registry.resident(household=hh, name="王五")
    resp = client.get(f"/api/v1/registry/rooms/{hh.room_id}")
    assert resp.status_code == 200, resp.content[:300]
    assert [h["number"] for h in resp.json()["households"]] == [hh.number]
    assert [m["name"] for m in resp.json()["households"][0]["members"]] == ["王五"]


def test_a_far_visit_date_on_the_page_form_is_refused(client, admin, tree, registry):
    from linli.regions.models import HomeVisit

    hh = registry.household(tree.g_liede1)
    resp = client.post("/registry/visits/", {"household": hh.pk, "visited_on": "0001-01-01", "purpose": "routine"})
    assert resp.status_code == 400 and "走访日期应在 2000-01-01 至" in resp.content.decode()  # the service's plausible range
    assert not HomeVisit.objects.exists()


def test_unknown_open311_address_keeps_the_georeport_format(client):
    resp = client.get("/open311/v2/nope.json")
    assert resp.status_code == 404 and resp.json() == [{"code": 404, "description": "接口不存在"}]
    resp = client.get("/open311/v2/nope.xml", **EN)
    assert resp.status_code == 404 and resp["Content-Type"].startswith("text/xml")
    assert b"<description>No such endpoint</description>" in resp.content
