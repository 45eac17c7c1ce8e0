"""Idempotency keys are each person's own, page and API apart; a key reused with another payload
is refused; a retry gets the first order. Per-person limits on reports (pages and API)."""

import pytest

from linli.accounts.roles import Role
from linli.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

API = "/api/v1/workorders/orders"


def report(client, loop, key, description="3栋门口路灯不亮一周了", **extra):
    body = {"category_code": "0201", "description": description, "region_code": loop.tree.g_liede1.code,
            "channel": "web", **extra}
    return client.post(API, body, content_type="application/json", **({"HTTP_IDEMPOTENCY_KEY": key} if key else {}))


def page(client, loop, token, description="3栋门口路灯不亮一周了", **extra):
    return client.post("/orders/new/", {"category": "0201", "region": loop.tree.g_liede1.code, "token": token,
                                        "description": description, **extra})


@pytest.fixture
def neighbour(loop, registry, make_user):
    me = registry.resident(household=registry.household(loop.tree.g_liede1, number="202"), name="邻居")
    return make_user(Role.RESIDENT, loop.tree.g_liede1, phone="13900002222", resident=me)


def test_two_residents_with_the_same_key_each_get_their_own_order(client, loop, neighbour):
    client.force_login(loop.resident)
    mine = report(client, loop, "collide1", description="我家楼下的路灯坏了很久").json()
    client.force_login(neighbour)
    resp = report(client, loop, "collide1", description="邻居这边的井盖松动了")
    assert resp.status_code == 201
    theirs = resp.json()
    assert theirs["id"] != mine["id"]
    assert WorkOrder.objects.get(pk=theirs["id"]).reporter == neighbour
    assert WorkOrder.objects.get(pk=mine["id"]).reporter == loop.resident
    # on the pages too, and a page token never answers an API key (nor the reverse)
    page(client, loop, "collide1", description="邻居这边的井盖松动了")
    client.force_login(loop.resident)
    page(client, loop, "collide1", description="我家楼下的路灯坏了很久")
    assert WorkOrder.objects.filter(reporter=neighbour).count() == 2
    assert WorkOrder.objects.filter(reporter=loop.resident).count() == 2
    # a key written in another's stored form is only a key of one's own
    stored = WorkOrder.objects.get(pk=theirs["id"]).idempotency_key
    assert report(client, loop, stored, description="邻居这边的井盖松动了").json()["id"] != theirs["id"]


def test_same_key_other_payload_is_409_same_payload_is_the_first_order(client, loop):
    client.force_login(loop.resident)
    first = report(client, loop, "k-7")
    again = report(client, loop, "k-7")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    other = report(client, loop, "k-7", description="另一件事：电梯一直停在10楼")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert other.json()["error"]["message"] == "该请求编号已用于另一次提交，请换一个编号"
    assert WorkOrder.objects.count() == 1
    # the page form: a double submit stores one order, another report under the same token is refused
    page(client, loop, "t-1")
    page(client, loop, "t-1")
    assert WorkOrder.objects.count() == 2
    resp = page(client, loop, "t-1", description="另一件事：电梯一直停在10楼")
    assert resp.status_code == 400 and "该请求编号已用于另一次提交" in resp.content.decode()
    assert WorkOrder.objects.count() == 2


def test_patrol_and_hotline_keys_are_the_workers_own(client, loop, tree, make_user):
    one, two = make_user(Role.GRID_WORKER, tree.g_liede1), make_user(Role.GRID_WORKER, tree.g_liede1)
    for worker in (one, two):
        client.force_login(worker)
        client.post("/orders/patrol/", {"category": "0101", "region": tree.g_liede1.code, "token": "tap-1"})
        client.post("/orders/hotline/", {"category": "0201", "region": tree.g_liede1.code, "token": "tap-1",
                                         "description": "来电反映路灯不亮", "contact_phone": "13900003333"})
    assert WorkOrder.objects.filter(channel="patrol").count() == 2
    assert WorkOrder.objects.filter(channel="hotline").count() == 2


def test_a_resident_reports_a_few_a_minute_then_429(client, loop, real_write_limits):
    client.force_login(loop.resident)
    for i in range(5):
        assert report(client, loop, f"r{i}", description=f"第{i}件事：路灯不亮一周了").status_code == 201
    resp = report(client, loop, "r9", description="第9件事：路灯不亮一周了")
    assert resp.status_code == 429
    error = resp.json()["error"]
    assert error["code"] == "rate_limited" and "操作过于频繁" in error["message"]
    assert 1 <= int(resp["Retry-After"]) <= 60 and error["details"]["retry_after"] == int(resp["Retry-After"])
    assert report(client, loop, "r4", description="第4件事：路灯不亮一周了").status_code == 201  # a retry is still answered
    assert WorkOrder.objects.count() == 5
    # the page shares the count: a friendly message, and the form keeps what was typed
    resp = page(client, loop, "p-1", description="楼道灯坏了，晚上看不清台阶", address="5栋2单元")
    text = resp.content.decode()
    assert resp.status_code == 400 and "操作过于频繁" in text
    assert "楼道灯坏了，晚上看不清台阶" in text and "5栋2单元" in text
    assert WorkOrder.objects.count() == 5


def test_the_page_limit_holds_on_its_own(client, loop, real_write_limits):
    client.force_login(loop.resident)
    for i in range(5):
        assert page(client, loop, f"p{i}", description=f"第{i}件事：路灯不亮一周了").status_code == 302
    resp = page(client, loop, "p9", description="第9件事：路灯不亮一周了")
    assert resp.status_code == 400 and "操作过于频繁" in resp.content.decode()
    assert WorkOrder.objects.count() == 5
