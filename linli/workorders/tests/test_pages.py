import pytest

from linli.core.models import FollowUp
from linli.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def act(client, order, action, **data):
    return client.post(f"/orders/{order.pk}/act/", {"action": action, **data})


def test_report_dispatch_handle_verify_rate_through_pages(client, loop):
    client.force_login(loop.resident)
    page = client.get("/orders/new/").content.decode()
    assert "路灯不亮" in page and loop.tree.g_liede1.code in page
    resp = client.post("/orders/new/", {"category": "0201", "region": loop.tree.g_liede1.code, "description": "灯"})
    assert resp.status_code == 400 and "至少5个字" in resp.content.decode()
    resp = client.post("/orders/new/", {"category": "0201", "region": loop.tree.g_liede1.code, "token": "t1",
                                        "description": "3栋门口路灯不亮一周了", "address": "3栋门口"})
    order = WorkOrder.objects.get()
    assert resp.url == f"/orders/{order.pk}/"
    client.post("/orders/new/", {"category": "0201", "region": loop.tree.g_liede1.code, "token": "t1",
                                 "description": "3栋门口路灯不亮一周了"})  # double click: same token
    assert WorkOrder.objects.count() == 1
    similar = client.get(f"/orders/new/similar/?category=0201&region={loop.tree.g_liede1.code}").content.decode()
    assert order.number in similar and "一周了" in similar  # their own order, their own words (a neighbour: test_following)
    detail = client.get(f"/orders/{order.pk}/").content.decode()
    assert "待受理" in detail and 'value="withdraw"' in detail and 'value="register"' not in detail

    client.force_login(loop.dispatcher)
    assert order.number in client.get("/orders/").content.decode()
    act(client, order, "register")
    client.force_login(loop.handler)
    act(client, order, "accept")
    resp = act(client, order, "report_done", result="")
    assert "请填写办理结果" in client.get(resp.url).content.decode()
    act(client, order, "report_done", result="已更换灯具")
    client.force_login(loop.dispatcher)
    act(client, order, "verify_pass")
    client.force_login(loop.resident)
    act(client, order, "rate", rating="2", comment="修得太慢")
    order.refresh_from_db()
    assert order.status == "rated" and order.rating == 2
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "已更换灯具" in page and "猎德街城管科" in page
    assert "核查通过" in page and "接单" in page
    client.force_login(loop.dispatcher)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="follow-up"' in page
    act(client, order, "follow_up", answer="已回访，向居民说明原因", reopen="1")
    assert FollowUp.objects.get().status == "done"
    assert WorkOrder.objects.get().status == "in_progress"
    sup = client.get("/orders/supervise/").content.decode()
    assert "按时办结率" in sup


def test_public_page_has_no_personal_data(client, loop):
    loop.submit(contact_name="王小明", contact_phone="13912345678", address="5栋1201")
    page = client.get(f"/orders/public/{loop.tree.liede_sq.code}/").content.decode()
    assert "路灯不亮" in page and "第1网格" in page  # the place no finer than the grid
    assert "5栋1201" not in page and "1201" not in page  # no typed address: it names flats
    assert "王小明" not in page and "1391234" not in page and "报事人" not in page
    assert client.get("/orders/public/000000000000/").status_code == 404


def test_pages_isolated(client, loop, tree, make_user):
    order = loop.submit()
    for outsider in [make_user("community_admin", tree.huabiao), make_user("resident", tree.g_liede1, phone="13900007777"),
                     make_user("handler", tree.liede)]:
        client.force_login(outsider)
        assert client.get(f"/orders/{order.pk}/").status_code == 404
        assert act(client, order, "register").status_code == 404
        assert order.number not in client.get("/orders/mine/").content.decode()
    assert WorkOrder.objects.get().status == "submitted"
    client.force_login(make_user("resident", tree.g_liede1, phone="13900006666"))
    assert client.get("/orders/").status_code == 403
    assert client.get("/orders/supervise/").status_code == 403


def test_hotline_console_looks_up_the_caller_and_records_the_call(client, loop, tree, registry, make_user):
    from linli.accounts.roles import Role

    hh = registry.household(tree.g_liede1, number="909")
    registry.resident(household=hh, name="来电人", phone="13711112222")
    operator = make_user(Role.CASEWORKER, tree.liede_sq)
    client.force_login(operator)
    found = client.get("/orders/hotline/?phone=13711112222", HTTP_HX_REQUEST="true").content.decode()
    assert "来电人" in found and "137****2222" in found and "13711112222" not in found
    resp = client.post("/orders/hotline/", {"contact_phone": "13711112222", "contact_name": "来电人", "category": "0402",
                                            "region": tree.g_liede1.code, "description": "楼上深夜装修噪音", "token": "h1"})
    assert resp.status_code == 302
    order = WorkOrder.objects.get()
    assert order.channel == "hotline" and order.contact_phone == "13711112222" and order.category.code == "0402"
    resp = client.post("/orders/hotline/", {"contact_phone": "137", "category": "9999", "region": tree.g_liede1.code,
                                            "description": "楼上深夜装修噪音"})
    assert resp.status_code == 400 and "分类编码不存在" in resp.content.decode()
    client.force_login(loop.resident)
    assert client.get("/orders/hotline/").status_code == 403


def test_notifications_page_and_unread_count(client, loop):
    """The inbox is messaging's page now; the old address sends there, the menu shows the count."""
    order = loop.submit()
    client.force_login(loop.resident)
    assert client.get("/orders/notifications/")["Location"] == "/messages/"
    page = client.get("/messages/").content.decode()
    assert order.number in page and "通知 (1)" in page and f'href="/orders/{order.pk}/"' in page
    client.post("/messages/read-all/")
    assert "通知 (1)" not in client.get("/messages/").content.decode()


def test_patrol_quick_form(client, loop, tree, make_user):
    """A grid worker reports with one tap, a photo and a word; the grid is their own; the kinds
    they report most come first; a double tap of the button stores one order."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from linli.accounts.roles import Role
    from linli.workorders.tests.test_photos import jpeg_with_gps

    worker = make_user(Role.GRID_WORKER, tree.g_liede1)
    client.force_login(worker)
    page = client.get("/orders/patrol/").content.decode()
    assert tree.g_liede1.code in page and tree.g_liede2.code not in page  # only the worker's grid
    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    data = {"category": "0203", "region": tree.g_liede1.code, "address": "8栋北侧", "description": "",
            "token": "tap-1", "urgent": "1", "photos": photo}
    resp = client.post("/orders/patrol/", data)
    assert resp.status_code == 302 and resp["Location"] == "/orders/patrol/"
    order = WorkOrder.objects.get()
    assert order.channel == "patrol" and order.description == "巡查发现：井盖缺失" and order.urgency == "urgent"
    assert order.reporter is None and order.photos.count() == 1 and order.region == tree.g_liede1
    photo.seek(0)
    assert client.post("/orders/patrol/", data).status_code == 302 and WorkOrder.objects.count() == 1  # same token
    page = client.get("/orders/patrol/").content.decode()
    assert order.number in page and page.index('value="0203"') < page.index('value="0101"')  # most used first
    # another street's grid is refused, not silently stored
    resp = client.post("/orders/patrol/", {"category": "0101", "region": tree.g_pantang.code, "token": "tap-2"})
    assert resp.status_code == 400 and WorkOrder.objects.count() == 1
    resp = client.post("/orders/patrol/", {"region": tree.g_liede1.code, "token": "tap-3"})
    assert resp.status_code == 400 and "请选择问题分类" in resp.content.decode()
    client.force_login(loop.resident)
    assert client.get("/orders/patrol/").status_code == 403
