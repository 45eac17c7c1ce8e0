import pytest

from linli.accounts.roles import Role
from linli.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def post(client, url, body, **kw):
    return client.post(url, body, content_type="application/json", **kw)


def test_resident_reports_and_follows_the_order_through_the_api(client, loop):
    client.force_login(loop.resident)
    body = {"category_code": "0201", "description": "3栋门口路灯不亮一周了", "region_code": loop.tree.g_liede1.code,
            "address": "猎德花园3栋", "lat": "23.117", "lng": "113.330", "channel": "web"}
    resp = post(client, "/api/v1/workorders/orders", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert resp.status_code == 201, resp.content
    order = resp.json()
    assert order["status"] == "submitted" and len(order["number"]) == 16 and order["number"].isdigit()
    assert client.get(f"/api/v1/workorders/orders/{order['id']}").json()["allowed_actions"] == ["withdraw"]
    again = post(client, "/api/v1/workorders/orders", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.json()["id"] == order["id"] and WorkOrder.objects.count() == 1
    sim = client.get(f"/api/v1/workorders/similar?region_code={loop.tree.g_liede1.code}&category_code=0201").json()
    assert [o["id"] for o in sim] == [order["id"]] and sim[0]["description"] == body["description"]  # their own words

    client.force_login(loop.dispatcher)
    resp = post(client, f"/api/v1/workorders/orders/{order['id']}/actions", {"action": "register"})
    assert resp.status_code == 200 and resp.json()["status"] == "dispatched" and resp.json()["unit"] == "猎德街城管科"
    client.force_login(loop.handler)
    assert "accept" in client.get(f"/api/v1/workorders/orders/{order['id']}").json()["allowed_actions"]
    post(client, f"/api/v1/workorders/orders/{order['id']}/actions", {"action": "accept"})
    resp = post(client, f"/api/v1/workorders/orders/{order['id']}/actions", {"action": "report_done"})
    assert resp.status_code == 400 and resp.json()["error"]["message"] == "请填写办理结果"
    post(client, f"/api/v1/workorders/orders/{order['id']}/actions", {"action": "report_done", "result": "已更换灯具"})
    client.force_login(loop.dispatcher)
    post(client, f"/api/v1/workorders/orders/{order['id']}/actions", {"action": "verify_pass"})
    client.force_login(loop.resident)
    resp = post(client, f"/api/v1/workorders/orders/{order['id']}/actions", {"action": "rate", "rating": 1, "comment": "太慢"})
    detail = resp.json()
    assert detail["status"] == "rated" and detail["rating"] == 1
    assert [e["action"] for e in detail["timeline"]] == ["submit", "register", "dispatch", "accept", "report_done",
                                                          "verify_pass", "rate"]
    mine = client.get("/api/v1/workorders/orders").json()
    assert mine["count"] == 1
    client.force_login(loop.dispatcher)
    fus = client.get("/api/v1/workorders/follow-ups").json()
    assert len(fus) == 1 and fus[0]["order_id"] == order["id"]
    resp = post(client, f"/api/v1/workorders/follow-ups/{fus[0]['id']}", {"answer": "已致电道歉并说明", "reopen": False})
    assert resp.status_code == 200 and resp.json()["status"] == "done"
    figures = client.get("/api/v1/workorders/figures").json()
    assert figures["received"] == 1 and figures["closed"] == 1 and figures["satisfaction_rate"] == 0.0 and figures["on_time_rate"] == 1.0  # fractions 0–1


def test_illegal_action_is_409_with_chinese_message(client, loop):
    order = loop.submit()
    client.force_login(loop.dispatcher)
    resp = post(client, f"/api/v1/workorders/orders/{order.pk}/actions", {"action": "verify_pass"})
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "illegal_transition"
    assert resp.json()["error"]["message"] == "当前状态“待受理”下不能执行“核查通过”"
    resp = post(client, f"/api/v1/workorders/orders/{order.pk}/actions", {"action": "fly"})
    assert resp.status_code == 400


def test_isolation(client, loop, tree, make_user):
    order = loop.submit()
    for outsider in [make_user(Role.COMMUNITY_ADMIN, tree.huabiao), make_user(Role.STREET_ADMIN, tree.shipai),
                     make_user(Role.DISTRICT_ADMIN, tree.liwan), make_user(Role.RESIDENT, tree.g_liede1, phone="13900009999"),
                     make_user(Role.HANDLER, tree.liede)]:
        client.force_login(outsider)
        assert client.get(f"/api/v1/workorders/orders/{order.pk}").status_code == 404
        assert order.number not in client.get("/api/v1/workorders/orders").content.decode()
        resp = post(client, f"/api/v1/workorders/orders/{order.pk}/actions", {"action": "register"})
        assert resp.status_code == 404
        assert client.get("/api/v1/workorders/follow-ups").json() == [] or outsider.roles.filter(role="resident").exists()
    assert WorkOrder.objects.get(pk=order.pk).status == "submitted"
    # the street admin above 猎德社区 and the street unit's handler (after dispatch) do see it
    client.force_login(loop.street_admin)
    assert client.get(f"/api/v1/workorders/orders/{order.pk}").status_code == 200
    client.force_login(loop.dispatcher)
    post(client, f"/api/v1/workorders/orders/{order.pk}/actions", {"action": "register"})
    client.force_login(loop.handler)
    assert client.get(f"/api/v1/workorders/orders/{order.pk}").status_code == 200
    client.force_login(loop.resident)
    tl = client.get(f"/api/v1/workorders/orders/{order.pk}").json()["timeline"]
    assert all(e["action"] != "supervise" for e in tl)


def test_residents_cannot_file_patrol_or_hotline_orders(client, loop):
    client.force_login(loop.resident)
    body = {"category_code": "0201", "description": "路灯不亮很久了", "region_code": loop.tree.g_liede1.code, "channel": "hotline"}
    assert post(client, "/api/v1/workorders/orders", body).status_code == 403
    assert not WorkOrder.objects.exists()


def test_figures_supervision_and_follow_ups_stay_in_their_area(client, loop, tree, make_user):
    from linli.core.models import FollowUp
    from linli.workorders import services

    order = loop.submit()
    services.register(actor=loop.dispatcher, order=order)
    order.refresh_from_db()
    services.accept(actor=loop.handler, order=order)
    services.report_done(actor=loop.handler, order=order, result="已修复")
    services.verify(actor=loop.dispatcher, order=order, passed=True)
    services.rate(actor=loop.resident, order=order, rating=1)
    follow_up = FollowUp.objects.get()
    outsider = make_user(Role.COMMUNITY_ADMIN, tree.pantang)
    client.force_login(outsider)
    empty = client.get("/api/v1/workorders/figures").json()
    assert empty["received"] == 0 and empty["on_time_rate"] is None and empty["satisfaction_rate"] is None  # nothing counted
    assert client.get(f"/api/v1/workorders/figures?region={tree.liede_sq.code}").status_code == 404
    assert client.get(f"/orders/supervise/?region={tree.liede_sq.code}").status_code == 404
    assert order.number not in client.get("/orders/supervise/").content.decode()
    resp = post(client, f"/api/v1/workorders/follow-ups/{follow_up.pk}", {"answer": "已回访", "reopen": True})
    assert resp.status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.status == "open"
    client.force_login(loop.dispatcher)
    assert client.get("/api/v1/workorders/figures").json()["received"] == 1
    assert post(client, f"/api/v1/workorders/follow-ups/{follow_up.pk}", {"answer": "已回访整改"}).status_code == 200


def test_a_hotline_operator_sees_the_callers_orders_of_their_own_area_only(client, loop, tree, registry, make_user):
    loop.submit()  # the resident (13900001111) reported in 猎德
    far_operator = make_user(Role.CASEWORKER, tree.pantang)
    client.force_login(far_operator)
    found = client.get("/orders/hotline/?phone=13900001111", HTTP_HX_REQUEST="true").content.decode()
    assert WorkOrder.objects.get().number not in found
    client.force_login(make_user(Role.CASEWORKER, tree.liede_sq))
    found = client.get("/orders/hotline/?phone=13900001111", HTTP_HX_REQUEST="true").content.decode()
    assert WorkOrder.objects.get().number in found


def test_an_app_report_costs_a_fixed_set_of_statements_and_connects_no_signal(client, loop, monkeypatch,
                                                                               django_assert_max_num_queries):
    """A resident's app files reports with a bearer token (as bench/workorder_intake.py does): once
    the token, region and categories are known to the process, a report is its order, timeline
    event and notification inserted in one transaction (plus a number block now and then), with
    every check of the trust fixes (request key bound to the sender, payload fingerprint, text
    cleaning, NUL scan, security headers, per-person limit); and no signal receiver is connected
    while a request is answered (the test harness's own connects aside)."""
    import os
    import sys
    import uuid

    from django.dispatch import Signal

    from linli.accounts.services import issue_api_token

    _token, secret = issue_api_token(actor=loop.resident, user=loop.resident, name="app")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def report(n: int) -> None:
        body = {"category_code": "0201", "description": f"楼道灯不亮，第{n}次报告", "region_code": loop.tree.g_liede1.code,
                "address": "猎德花园3栋", "channel": "api"}
        resp = post(client, "/api/v1/workorders/orders", body, HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex, **auth)
        assert resp.status_code == 201, resp.content
        assert resp["Cache-Control"].startswith("max-age=0") and "no-store" in resp["Cache-Control"]
        assert "frame-ancestors 'none'" in resp["Content-Security-Policy"]

    report(0)  # warms the token, the region, the categories and a block of numbers
    connects: list[str] = []
    real_connect = Signal.connect
    test_harness = os.path.join("django", "test", "")  # the test client's and the query counter's connects

    def counting_connect(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        caller = sys._getframe(1).f_code.co_filename
        if test_harness not in caller:
            connects.append(f"{caller}:{sys._getframe(1).f_lineno}")
        return real_connect(self, *args, **kwargs)

    monkeypatch.setattr(Signal, "connect", counting_connect)
    # the three inserts in their savepoint pair; inside the test's transaction the number is taken
    # one at a time (UPDATE in a savepoint pair) instead of from a process's block of 50; messaging
    # then writes the inbox row, reads in one statement whether the reporter can be reached, their
    # mutes and their quiet hours, and writes the SMS delivery — without a savepoint of its own
    # inside the report's transaction (10; 14 when those were three reads in a savepoint pair)
    with django_assert_max_num_queries(10):
        report(1)
    for n in range(2, 5):
        report(n)
    assert connects == []
    assert WorkOrder.objects.filter(channel="api").count() == 5
