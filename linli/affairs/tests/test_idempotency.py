"""Application keys are each person's own, page and API apart; a key reused with another payload
is refused; a retry gets the first application. Per-person limits on applications."""

import pytest

from linli.accounts.roles import Role
from linli.affairs.models import Application

pytestmark = pytest.mark.django_db

API = "/api/v1/affairs/applications"


def api_apply(client, key, note="新参保", item="YB01"):
    # the same person applies for the same item again on purpose (confirmed), so only the keys decide here
    return client.post(API, {"item_code": item, "note": note, "confirm_duplicate": True}, content_type="application/json",
                       **({"HTTP_IDEMPOTENCY_KEY": key} if key else {}))


def page_apply(client, token, note="新参保", item="YB01"):
    return client.post(f"/affairs/items/{item}/apply/", {"note": note, "token": token, "confirm_duplicate": "1"})


@pytest.fixture
def neighbour(desk, registry, make_user):
    me = registry.resident(household=registry.household(desk.tree.g_liede1, number="305"), name="申请人乙")
    return make_user(Role.RESIDENT, desk.tree.g_liede1, phone="13900004444", resident=me)


def test_two_residents_with_the_same_key_each_get_their_own_application(client, desk, neighbour):
    for who in (desk.user, neighbour):
        client.force_login(who)
        resp = api_apply(client, "collide1", note=f"{who.display_name}参保")
        assert resp.status_code == 201 and resp.json()["applicant_name"] == who.resident.name
        page_apply(client, "collide1", note=f"{who.display_name}参保")
    assert Application.objects.filter(applicant_user=desk.user).count() == 2
    assert Application.objects.filter(applicant_user=neighbour).count() == 2


def test_same_key_other_payload_is_409_same_payload_is_the_first_application(client, desk):
    client.force_login(desk.user)
    first = api_apply(client, "k-1").json()
    again = api_apply(client, "k-1")
    assert again.status_code == 201 and again.json()["id"] == first["id"]
    other = api_apply(client, "k-1", note="另一件事")
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert other.json()["error"]["message"] == "该请求编号已用于另一次提交，请换一个编号"
    page_apply(client, "t-1")
    page_apply(client, "t-1")
    assert Application.objects.count() == 2
    resp = page_apply(client, "t-1", note="另一件事")
    assert resp.status_code == 400 and "该请求编号已用于另一次提交" in resp.content.decode()
    assert Application.objects.count() == 2


def test_window_keys_are_each_caseworkers_own(client, desk, make_user):
    other = make_user(Role.CASEWORKER, desk.tree.pantang)
    from linli.affairs.models import ServiceItem

    def received(code):
        return [m.pk for m in ServiceItem.objects.get(code=code, active=True).materials.all() if m.required]

    body = {"centre_id": desk.pantang_centre.pk, "item_code": "YL01", "applicant_id_number": desk.resident.id_number,
            "received": received("YL01"), "confirm_duplicate": True}
    ids = set()
    for who in (desk.pantang_worker, other):
        client.force_login(who)
        r = client.post("/api/v1/affairs/window-applications", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="w1")
        assert r.status_code == 201
        ids.add(r.json()["id"])
    assert len(ids) == 2
    r = client.post("/api/v1/affairs/window-applications", {**body, "item_code": "YB01", "received": received("YB01")}, content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY="w1")
    assert r.status_code == 409 and r.json()["error"]["code"] == "idempotency_key_reused"
    # an empty page token is no key at all: two forms without one are two applications
    client.post("/affairs/desk/new/", {"submit": "1", "item": "YL01", "applicant_name": "申请人甲", "token": "",
                                       "received": received("YL01"), "confirm_duplicate": "1",
                                       "applicant_id_number": desk.resident.id_number, "centre": desk.pantang_centre.pk})
    client.post("/affairs/desk/new/", {"submit": "1", "item": "YB01", "applicant_name": "申请人甲", "token": "",
                                       "received": received("YB01"), "confirm_duplicate": "1",
                                       "applicant_id_number": desk.resident.id_number, "centre": desk.pantang_centre.pk})
    assert Application.objects.filter(caseworker=other).count() == 3


def test_a_resident_applies_a_few_a_minute_then_429(client, desk, real_write_limits):
    client.force_login(desk.user)
    for i in range(5):
        assert api_apply(client, f"a{i}", note=f"第{i}次").status_code == 201
    resp = api_apply(client, "a9", note="第9次")
    assert resp.status_code == 429 and resp.json()["error"]["code"] == "rate_limited" and int(resp["Retry-After"]) >= 1
    assert api_apply(client, "a4", note="第4次").status_code == 201  # a retry is still answered
    resp = page_apply(client, "p-1", note="请尽快办理，谢谢")
    text = resp.content.decode()
    assert resp.status_code == 400 and "操作过于频繁" in text and "请尽快办理，谢谢" in text
    assert Application.objects.count() == 5


def test_the_application_page_limit_holds_on_its_own(client, desk, real_write_limits):
    client.force_login(desk.user)
    for i in range(5):
        assert page_apply(client, f"p{i}", note=f"第{i}次").status_code == 302
    resp = page_apply(client, "p9", note="第9次")
    assert resp.status_code == 400 and "操作过于频繁" in resp.content.decode()
    assert Application.objects.count() == 5
