"""The isolation matrix: every registry endpoint and page, tried from a sibling community, a
sibling street, another district and as a resident. Never data; 403 or 404 (or an empty list)."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from linli.accounts.roles import Role
from linli.core.models import AuditEvent, SensitiveAccess

pytestmark = pytest.mark.django_db

SECRET_NAME = "欧阳秘密"


@pytest.fixture
def target(tree, registry):
    hh = registry.household(tree.g_liede1, compound="猎德花园", number="808")
    resident = registry.resident(household=hh, name=SECRET_NAME, phone="13811112222")
    return {"resident": resident, "household": hh, "room": hh.room, "building": hh.room.building}


@pytest.fixture(params=["sibling_grid", "sibling_community", "sibling_street", "other_district", "resident"])
def outsider(request, tree, make_user, registry):
    if request.param == "sibling_grid":
        return make_user(Role.GRID_WORKER, tree.g_liede2)
    if request.param == "sibling_community":
        return make_user(Role.CASEWORKER, tree.huabiao)
    if request.param == "sibling_street":
        return make_user(Role.STREET_ADMIN, tree.shipai)
    if request.param == "other_district":
        return make_user(Role.DISTRICT_ADMIN, tree.liwan)
    hh = registry.household(tree.g_liede1, compound="别处", number="101")
    me = registry.resident(household=hh, name="普通居民")
    return make_user(Role.RESIDENT, tree.g_liede1, phone="13900001111", resident=me)


def _is_resident(user):
    return user.roles.filter(role=Role.RESIDENT).exists()


def _no_secret(resp):
    body = resp.content.decode("utf-8", "replace")
    assert SECRET_NAME not in body
    assert "13811112222" not in body


def test_api_reads(client, target, outsider):
    client.force_login(outsider)
    rid, room = target["resident"].pk, target["room"].pk
    for url in [f"/api/v1/registry/residents/{rid}", f"/api/v1/registry/residents/{rid}/history", f"/api/v1/registry/rooms/{room}"]:
        resp = client.get(url)
        assert resp.status_code in (403, 404), url
        assert resp.json()["error"]["code"] in ("forbidden", "not_found")
        _no_secret(resp)
    for url in ["/api/v1/registry/residents?q=oy", "/api/v1/registry/residents", "/api/v1/registry/rooms?address=猎德花园",
                "/api/v1/registry/visits", "/api/v1/registry/visits/coverage", "/api/v1/registry/four-none",
                "/api/v1/registry/regions", "/api/v1/registry/audit", "/api/v1/registry/export.xlsx"]:
        resp = client.get(url)
        if _is_resident(outsider):
            assert resp.status_code == 403, url
        else:
            assert resp.status_code in (200, 403), url
        _no_secret(resp)
        if resp.status_code == 200 and "xlsx" in url:
            rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
            assert all(SECRET_NAME not in (r[0] or "") for r in rows)
        elif resp.status_code == 200:
            text = resp.content.decode()
            assert target["room"].address not in text
            assert "440106001001001" not in text  # the target's grid


def test_api_writes(client, target, outsider):
    client.force_login(outsider)
    r = target["resident"]
    before = (AuditEvent.objects.count(), SensitiveAccess.objects.count())
    calls = [
        ("patch", f"/api/v1/registry/residents/{r.pk}", {"name": "改名"}),
        ("post", f"/api/v1/registry/residents/{r.pk}/reveal", {"purpose": "核对信息", "reason": "核对身份信息"}),
        ("post", "/api/v1/registry/rooms", {"building_id": target["building"].pk, "unit": "1单元", "number": "999", "exclusive_area": "50"}),
        ("post", "/api/v1/registry/households", {"room_id": target["room"].pk}),
        ("post", "/api/v1/registry/visits", {"household_id": target["household"].pk, "visited_on": "2026-01-05"}),
        ("post", "/api/v1/registry/residents", {"name": "混入", "id_number": "11010519491231002X", "household_id": target["household"].pk}),
        ("post", "/api/v1/registry/residents", {"name": "混入", "id_number": "11010519491231002X", "grid_code": "440106001001001"}),
    ]
    for method, url, body in calls:
        resp = getattr(client, method)(url, body, content_type="application/json")
        assert resp.status_code in (403, 404), (url, resp.status_code, resp.content)
        _no_secret(resp)
    r.refresh_from_db()
    assert r.name == SECRET_NAME
    assert (AuditEvent.objects.count(), SensitiveAccess.objects.count()) == before


def test_pages(client, target, outsider):
    client.force_login(outsider)
    r = target["resident"]
    hh, room, b = target["household"], target["room"], target["building"]
    for url in [f"/registry/residents/{r.pk}/", f"/registry/rooms/{room.pk}/", f"/registry/residents/{r.pk}/edit/",
                f"/registry/buildings/{b.pk}/", f"/registry/households/{hh.pk}/residents/new/"]:
        resp = client.get(url)
        assert resp.status_code in (403, 404), url
        _no_secret(resp)
    before = AuditEvent.objects.count()
    for url, data in [(f"/registry/residents/{r.pk}/edit/", {"name": "改名"}),
                      (f"/registry/households/{hh.pk}/residents/new/", {"name": "混入", "id_number": "11010519491231002X"}),
                      (f"/registry/households/{hh.pk}/representative/", {"resident": r.pk}),
                      (f"/registry/rooms/{room.pk}/households/new/", {"number": "X1"}),
                      (f"/registry/buildings/{b.pk}/", {"kind": "building_leader", "resident": r.pk})]:
        resp = client.post(url, data)
        assert resp.status_code in (403, 404), url
    assert AuditEvent.objects.count() == before
    resp = client.post(f"/registry/residents/{r.pk}/reveal/", {"purpose": "核对信息", "reason": "核对身份信息"})
    assert resp.status_code in (403, 404)
    assert not SensitiveAccess.objects.exists()
    for url in ["/registry/", "/registry/residents/?q=oy", "/registry/rooms/?address=猎德花园", "/registry/visits/",
                "/registry/four-none/", "/registry/audit/", "/registry/export/", "/registry/import/"]:
        resp = client.get(url)
        if _is_resident(outsider):
            assert resp.status_code == 403, url
        assert resp.status_code in (200, 403), url
        _no_secret(resp)
        assert target["room"].address not in resp.content.decode()


def test_import_cannot_write_into_another_area(client, target, outsider):
    client.force_login(outsider)
    wb = Workbook()
    ws = wb.active
    ws.append(["网格编码", "小区", "楼栋", "单元", "房号", "专有面积"])
    ws.append(["440106001001001", "猎德花园", "1栋", "1单元", "909", "60"])
    buf = io.BytesIO()
    wb.save(buf)
    resp = client.post("/api/v1/registry/imports", {"kind": "houses", "file": _upload(buf.getvalue())})
    if resp.status_code == 201:
        assert resp.json()["error_rows"] == 1
        assert "不在您的管辖范围" in resp.json()["errors"][0]["message"]
    else:
        assert resp.status_code == 403


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("houses.xlsx", data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_insiders_do_see_it(client, tree, target, make_user):
    """The matrix above could pass by showing nobody anything: the right people do see the record."""
    for role, node in [(Role.GRID_WORKER, tree.g_liede1), (Role.CASEWORKER, tree.liede_sq), (Role.STREET_ADMIN, tree.liede),
                       (Role.DISTRICT_ADMIN, tree.tianhe), (Role.CITY_ADMIN, tree.city)]:
        client.force_login(make_user(role, node))
        assert SECRET_NAME in client.get("/api/v1/registry/residents?q=oy").content.decode()
        assert client.get(f"/api/v1/registry/residents/{target['resident'].pk}").status_code == 200
        assert SECRET_NAME in client.get(f"/registry/residents/{target['resident'].pk}/").content.decode()
