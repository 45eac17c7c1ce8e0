"""Someone signed out objects to a public kind through the API (as on the page: a phone is
required, the contact kept encrypted, the same rate limit), a residents-only kind refuses them;
staff who answer an objection see the objector's whole contact with a reason, logged — a sibling
community's staff do not."""

import pytest
from django.db import connection

from linli.core.models import AuditEvent, SensitiveAccess
from linli.disclosures import services
from linli.disclosures.models import Objection

pytestmark = pytest.mark.django_db

BASE = "/api/v1/disclosures"


def envelope(resp, status, code):
    assert resp.status_code == status, resp.content
    err = resp.json()["error"]
    assert err["code"] == code and err["message"] and isinstance(err["details"], dict)
    return err


def post(client, url, data, **kw):
    return client.post(url, data, content_type="application/json", **kw)


def _stored(pk, column):
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM disclosures_objection WHERE id = %s", [pk])  # noqa: S608 - a test's fixed column
        return cur.fetchone()[0]


# ---------------------------------------------------------------- signed out, through the API

def test_someone_signed_out_objects_to_a_public_kind(client, world):
    d = world.publish(kind="disclosures.general", title="社区活动场地开放时间调整")
    resp = post(client, f"{BASE}/{d.pk}/objections", {"text": "周末开放时间太短了", "name": "路人甲",
                                                      "phone": "13900000077"})
    assert resp.status_code == 201, resp.content
    body = resp.content.decode()
    assert "13900000077" not in body and "路人甲" not in body and resp.json()["who"] == "居民"
    o = Objection.objects.get()
    assert o.objector is None and o.contact_phone == "13900000077" and o.contact_name == "路人甲"
    assert "13900000077" not in str(_stored(o.pk, "contact_phone"))  # encrypted at rest
    assert AuditEvent.objects.filter(action="objection.lodge").count() == 1
    # the staff of the area are told, and see it
    client.force_login(world.worker)
    staff = client.get(f"{BASE}/{d.pk}").json()
    assert staff["versions"][0]["objections"][0]["text"] == "周末开放时间太短了"


def test_signed_out_needs_a_phone_and_valid_input(client, world):
    d = world.publish(kind="disclosures.general")
    url = f"{BASE}/{d.pk}/objections"
    err = envelope(post(client, url, {"text": "周末开放时间太短了"}), 400, "invalid")
    assert err["details"]["field"] == "phone"
    assert envelope(post(client, url, {"text": "周末开放时间太短了", "phone": "12345"}), 400, "invalid")["details"]["field"] == "phone"
    assert envelope(post(client, url, {"text": "短", "phone": "13900000077"}), 400, "invalid")["details"]["field"] == "text"
    envelope(post(client, url, {"text": "我的电话13912345678请回电", "phone": "13900000077"}), 400, "personal_data")
    envelope(post(client, url, {"text": "周末开放时间太短了", "phone": "13900000077", "id_number": "123"}), 400, "invalid")
    err = envelope(post(client, url, {"text": "x" * 2001, "phone": "13900000077"}), 400, "invalid")
    assert err["details"]["fields"][0]["field"] == "text"
    envelope(post(client, url, {"phone": "13900000077"}), 400, "invalid")
    envelope(client.post(url, "{not json", content_type="application/json"), 400, "invalid_json")
    envelope(post(client, f"{BASE}/99999999/objections", {"text": "周末开放时间太短了", "phone": "13900000077"}),
             403, "not_of_area")
    # nothing half-written: no objection, no audit, no message
    assert not Objection.objects.exists()
    assert not AuditEvent.objects.filter(action="objection.lodge").exists()
    from linli.messaging.selectors import messages_for

    assert not messages_for(world.worker).exists()


def test_signed_out_is_refused_for_a_residents_only_kind(client, world):
    d = world.publish(kind="disclosures.resolution")
    err = envelope(post(client, f"{BASE}/{d.pk}/objections", {"text": "一楼住户没有参与表决", "phone": "13900000077"}),
                   403, "not_of_area")
    assert "登录" in err["message"]
    assert not Objection.objects.exists()
    # signed in as a resident of the area, the same request is taken
    client.force_login(world.resident)
    assert post(client, f"{BASE}/{d.pk}/objections", {"text": "一楼住户没有参与表决"}).status_code == 201


def test_signed_out_objections_share_the_pages_rate_limit(client, world, real_write_limits):
    d = world.publish(kind="disclosures.general")
    url = f"{BASE}/{d.pk}/objections"
    for i in range(3):
        assert post(client, url, {"text": f"第{i}条具体异议内容", "phone": "13900000077"}).status_code == 201
    for i in range(2):  # the page counts the same address
        assert client.post(f"/disclosures/{d.pk}/", {"text": f"页面上的第{i}条异议", "phone": "13900000077"}).status_code == 302
    resp = post(client, url, {"text": "第六条具体异议内容", "phone": "13900000077"})
    envelope(resp, 429, "rate_limited")
    assert int(resp["Retry-After"]) > 0
    assert Objection.objects.count() == 5
    # another address is counted on its own
    assert post(client, url, {"text": "另一个地址的异议", "phone": "13900000078"}, REMOTE_ADDR="10.0.0.9").status_code == 201


def test_a_bad_token_is_refused_and_a_session_needs_its_csrf_token(world):
    from django.test import Client

    d = world.publish(kind="disclosures.general")
    url = f"{BASE}/{d.pk}/objections"
    client = Client(enforce_csrf_checks=True)
    envelope(post(client, url, {"text": "周末开放时间太短了", "phone": "13900000077"}, HTTP_AUTHORIZATION="Bearer nope"),
             401, "unauthenticated")
    client.force_login(world.resident)
    envelope(post(client, url, {"text": "周末开放时间太短了"}), 403, "csrf_failed")  # no cross-site objection in a resident's name
    assert not Objection.objects.exists()
    client.logout()
    assert post(client, url, {"text": "周末开放时间太短了", "phone": "13900000077"}).status_code == 201  # signed out: no session to abuse


# ---------------------------------------------------------------- staff see the whole contact, logged

def _objection(world, **kw):
    d = world.publish()
    kw.setdefault("name", "欧阳明华")
    kw.setdefault("phone", "13912345678")
    kw.setdefault("id_number", world.id_number)
    return world.object(d, **kw)


def test_reveal_service_returns_the_contact_and_logs_the_reason(world):
    o = _objection(world)
    got = services.reveal_contact(actor=world.admin, objection=o, purpose="核对信息", reason="电话核实异议情况")
    assert got == {"name": "欧阳明华", "phone": "13912345678", "id_number": world.id_number}
    row = SensitiveAccess.objects.get()
    assert row.actor == world.admin and row.kind == "reveal" and row.reason == "核对信息：电话核实异议情况"
    assert row.target_type == "disclosures.objection" and row.target_id == str(o.pk)
    assert row.region_path == o.region_path and set(row.fields) == {"contact_name", "contact_phone", "contact_id_number"}
    assert "13912345678" not in row.target_label and world.id_number not in row.target_label
    # the street above may too
    services.reveal_contact(actor=world.street, objection=o, purpose="应急联系", reason="联系异议人说明情况")
    assert SensitiveAccess.objects.count() == 2


def test_reveal_is_refused_without_a_reason_and_outside_the_area(world):
    from linli.core.errors import DomainError, PermissionDenied

    o = _objection(world)
    for purpose, reason in (("", "电话核实异议情况"), ("核对信息", "看看"), ("核对信息", "1234"), ("随便", "电话核实异议情况")):
        with pytest.raises(DomainError) as exc:
            services.reveal_contact(actor=world.admin, objection=o, purpose=purpose, reason=reason)
        assert exc.value.code == "reason_required"
    for outsider in (world.sibling, world.sibling_worker, world.other_street, world.resident, world.outsider):
        with pytest.raises(PermissionDenied):
            services.reveal_contact(actor=outsider, objection=o, purpose="核对信息", reason="电话核实异议情况")
    assert not SensitiveAccess.objects.exists()


def test_reveal_through_the_api(client, world):
    o = _objection(world)
    url = f"{BASE}/objections/{o.pk}/contact"
    envelope(post(client, url, {"purpose": "核对信息", "reason": "电话核实异议情况"}), 401, "unauthenticated")
    client.force_login(world.sibling)  # a sibling community's admin
    envelope(post(client, url, {"purpose": "核对信息", "reason": "电话核实异议情况"}), 404, "not_found")
    client.force_login(world.resident)
    envelope(post(client, url, {"purpose": "核对信息", "reason": "电话核实异议情况"}), 404, "not_found")
    assert not SensitiveAccess.objects.exists()
    client.force_login(world.worker)
    envelope(post(client, url, {"purpose": "核对信息", "reason": "看"}), 400, "reason_required")
    envelope(post(client, url, {"purpose": "核对信息"}), 400, "invalid")
    envelope(post(client, f"{BASE}/objections/99999999/contact", {"purpose": "核对信息", "reason": "电话核实异议情况"}),
             404, "not_found")
    assert not SensitiveAccess.objects.exists()
    resp = post(client, url, {"purpose": "核对信息", "reason": "电话核实异议情况"})
    assert resp.status_code == 200, resp.content
    assert resp.json() == {"name": "欧阳明华", "phone": "13912345678", "id_number": world.id_number}
    assert SensitiveAccess.objects.filter(actor=world.worker, target_id=str(o.pk)).count() == 1
    # the staff view offers it as an action
    assert "reveal_contact" in client.get(f"{BASE}/{o.disclosure_id}").json()["versions"][0]["objections"][0]["actions"]


def test_reveal_button_on_the_staff_page(client, world):
    o = _objection(world)
    client.force_login(world.worker)
    page = client.get(f"/disclosures/staff/{o.disclosure_id}/").content.decode()
    assert f'data-testid="reveal-{o.pk}"' in page and 'name="purpose"' in page and 'name="reason"' in page
    assert "13912345678" not in page and world.id_number not in page and "欧阳明华" not in page
    url = f"/disclosures/staff/objections/{o.pk}/contact/"
    resp = client.post(url, {"purpose": "核对信息", "reason": "看"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 400 and "13912345678" not in resp.content.decode() and 'role="alert"' in resp.content.decode()
    assert not SensitiveAccess.objects.exists()
    resp = client.post(url, {"purpose": "入户核实", "reason": "上门回复异议人"}, HTTP_HX_REQUEST="true")
    html = resp.content.decode()
    assert resp.status_code == 200 and "13912345678" in html and world.id_number in html and "欧阳明华" in html
    assert "入户核实：上门回复异议人" in html and "no-store" in resp["Cache-Control"]
    resp = client.post(url, {"purpose": "", "reason": "整理异议答复材料"})  # without JavaScript: the whole page
    html = resp.content.decode()
    assert resp.status_code == 400 and "请选择查看事由" in html and "13912345678" not in html and "整理异议答复材料" in html
    resp = client.post(url, {"purpose": "办理业务", "reason": "整理异议答复材料"})
    assert resp.status_code == 200 and "13912345678" in resp.content.decode() and "异议" in resp.content.decode()
    assert SensitiveAccess.objects.filter(actor=world.worker).count() == 2
    assert client.get(url).status_code == 405
    # the page after it shows the masked contact again (nothing was kept in a message)
    assert "13912345678" not in client.get(f"/disclosures/staff/{o.disclosure_id}/").content.decode()


def test_a_sibling_communitys_admin_cannot_reveal_on_the_page(client, world):
    o = _objection(world)
    client.force_login(world.sibling)
    assert client.post(f"/disclosures/staff/objections/{o.pk}/contact/",
                       {"purpose": "核对信息", "reason": "电话核实异议情况"}).status_code == 404
    client.force_login(world.resident)
    assert client.post(f"/disclosures/staff/objections/{o.pk}/contact/",
                       {"purpose": "核对信息", "reason": "电话核实异议情况"}).status_code == 403
    assert not SensitiveAccess.objects.exists()
