"""Following instead of reporting again, merge chains, and what followers may see."""

import pytest

from linli.accounts.roles import Role
from linli.core.errors import Conflict, PermissionDenied
from linli.messaging.models import Message
from linli.workorders import selectors, services
from linli.workorders.models import Follower, WorkOrder

pytestmark = pytest.mark.django_db


def close(loop, order):
    services.register(actor=loop.dispatcher, order=order)
    order.refresh_from_db()
    unit = order.unit
    handler = loop.handler if unit == loop.street_unit else loop.property_handler
    services.accept(actor=handler, order=order)
    services.report_done(actor=handler, order=order, result="已更换灯泡")
    services.verify(actor=loop.dispatcher, order=order, passed=True)


def neighbour(loop, registry, make_user, tree, phone="13900003333", grid=None):
    person = registry.resident(household=registry.household(grid or tree.g_liede1, number=phone[-3:]), name="邻居")
    return make_user(Role.RESIDENT, grid or tree.g_liede1, phone=phone, resident=person)


def test_a_neighbour_follows_instead_of_reporting_and_hears_the_outcome(client, loop, registry, make_user, tree):
    order = loop.submit()
    other = neighbour(loop, registry, make_user, tree)
    offered = selectors.similar_open(other, region=tree.g_liede1, category=loop.lamp)
    assert offered == [order] and offered[0].description == ""  # where and what, not another person's words
    client.force_login(other)
    resp = client.post(f"/orders/{order.pk}/follow/")
    assert resp.status_code == 302 and Follower.objects.filter(order=order, user=other).exists()
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "路灯一直不亮" not in page and 'data-testid="follower-note"' in page  # progress, not the reporter's words
    assert order.number in client.get("/orders/mine/").content.decode()
    close(loop, order)
    assert Message.objects.filter(user=other, target_id=order.pk, text__contains="已办结").exists()
    with pytest.raises(Conflict):
        services.follow(actor=other, order=order)  # closed now
    assert not WorkOrder.objects.filter(reporter=other).exists()  # no duplicate was filed


def test_only_neighbours_may_follow(client, loop, registry, make_user, tree):
    order = loop.submit()
    far = neighbour(loop, registry, make_user, tree, phone="13900004444", grid=tree.g_pantang)
    with pytest.raises(PermissionDenied):
        services.follow(actor=far, order=order)
    client.force_login(far)
    assert client.post(f"/orders/{order.pk}/follow/").status_code == 404
    assert client.post(f"/api/v1/workorders/orders/{order.pk}/follow").status_code == 404
    assert not Follower.objects.exists()
    with pytest.raises(Conflict):
        services.follow(actor=loop.resident, order=order)  # the reporter already hears everything


def test_followers_see_no_photos(client, loop, registry, make_user, tree):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "JPEG")
    order = loop.submit(photos=[buf.getvalue()])
    photo = order.photos.get()
    other = neighbour(loop, registry, make_user, tree)
    services.follow(actor=other, order=order)
    client.force_login(other)
    assert client.get(f"/orders/{order.pk}/photos/{photo.pk}/").status_code == 404
    detail = client.get(f"/api/v1/workorders/orders/{order.pk}").json()
    assert detail["description"] == "" and detail["photo_urls"] == []
    client.force_login(loop.resident)
    assert client.get(f"/orders/{order.pk}/photos/{photo.pk}/").status_code == 200


def test_merge_chains_keep_every_reporter_and_follower(client, loop, registry, make_user, tree):
    """A merged into B, then B into C: A's reporter, B's reporter and B's follower all hear C's
    outcome and may open C (without its reporter's words)."""
    ra = neighbour(loop, registry, make_user, tree, phone="13900005551")
    rb = neighbour(loop, registry, make_user, tree, phone="13900005552")
    fb = neighbour(loop, registry, make_user, tree, phone="13900005553")
    a, b = loop.submit(actor=ra), loop.submit(actor=rb)
    c = loop.submit()
    services.follow(actor=fb, order=b)
    services.merge(actor=loop.dispatcher, order=a, into=b)
    services.merge(actor=loop.dispatcher, order=b, into=c)
    assert set(WorkOrder.objects.filter(merged_into=c).values_list("pk", flat=True)) == {a.pk, b.pk}
    assert list(c.followers.values_list("user_id", flat=True)) == [fb.pk]
    close(loop, c)
    for person in (ra, rb, fb, loop.resident):
        assert Message.objects.filter(user=person, target_id=c.pk, text__contains="已办结").exists(), person
    client.force_login(ra)
    resp = client.get(f"/orders/{c.pk}/")
    assert resp.status_code == 200 and "路灯一直不亮" not in resp.content.decode()


def test_similar_descriptions_only_for_staff_of_the_area(client, loop, tree, make_user):
    order = loop.submit()
    url = f"/api/v1/workorders/similar?region_code={tree.g_liede1.code}&category_code=0201"
    for outsider in (make_user(Role.COMMUNITY_ADMIN, tree.pantang), make_user(Role.STREET_ADMIN, tree.shipai)):
        client.force_login(outsider)
        rows = client.get(url).json()
        assert [r["number"] for r in rows] == [order.number] and rows[0]["description"] == ""
    client.force_login(loop.dispatcher)
    assert client.get(url).json()[0]["description"] == order.description


def test_anonymous_by_default_and_the_surname_only_when_chosen(client, loop):
    hidden = loop.submit(contact_name="王小明")
    shown = loop.submit(contact_name="张大伟", anonymous=False)
    page = client.get(f"/orders/public/{loop.tree.liede_sq.code}/").content.decode()
    assert "张*" in page and "张大伟" not in page and "王" not in page
    assert hidden.public_name == "" and shown.public_name == "张*"
    client.force_login(loop.resident)
    form = client.get("/orders/new/").content.decode()
    assert 'name="public_name"' in form and "checked" not in form.split('name="public_name"')[1][:40]


PRIVATE = ("陈阿婆", "恩宁路12号3楼", "139****1111", "13900001111", "报事人", "路灯一直不亮")


def test_a_follower_reads_no_name_phone_address_or_words_on_the_page_or_in_the_api(client, loop, registry, make_user, tree):
    """What a follower sees is decided once (selectors.order_view): the order page, the API's
    GET /orders/{id} and the answer of POST …/follow show the same."""
    order = loop.submit(contact_name="陈阿婆", contact_phone="13900001111", address="恩宁路12号3楼 陈阿婆家")
    services.register(actor=loop.dispatcher, order=order)
    other = neighbour(loop, registry, make_user, tree)
    client.force_login(other)
    followed = client.post(f"/api/v1/workorders/orders/{order.pk}/follow")
    assert followed.status_code == 200, followed.content
    detail = client.get(f"/api/v1/workorders/orders/{order.pk}")
    page = client.get(f"/orders/{order.pk}/").content.decode()
    for answer in (followed.json(), detail.json()):
        assert answer["contact_name"] == answer["contact_phone_masked"] == answer["address"] == answer["description"] == ""
        assert all(e["actor"] is None for e in answer["timeline"])  # not the reporter's name, nor staff's
        assert answer["status"] == "dispatched" and answer["unit"] == "猎德街城管科"  # the progress
        for text in PRIVATE:
            assert text not in followed.content.decode() + detail.content.decode(), text
    mine = client.get("/orders/mine/").content.decode()
    for text in PRIVATE:
        assert text not in page, text
        assert text not in mine, text
    assert "猎德街城管科" in page and order.number in mine
    client.force_login(loop.resident)  # the reporter still sees everything of their own
    mine = client.get(f"/api/v1/workorders/orders/{order.pk}").json()
    assert mine["address"] == "恩宁路12号3楼 陈阿婆家" and mine["contact_name"] == "陈阿婆"


def test_a_rating_comment_stays_the_reporters(client, loop, registry, make_user, tree):
    order = loop.submit()
    other = neighbour(loop, registry, make_user, tree)
    services.follow(actor=other, order=order)
    close(loop, order)
    services.rate(actor=loop.resident, order=WorkOrder.objects.get(pk=order.pk), rating=2, comment="王师傅态度很差")
    client.force_login(other)
    detail = client.get(f"/api/v1/workorders/orders/{order.pk}").json()
    assert detail["rating"] == 2 and detail["rating_comment"] == ""
    assert "王师傅" not in str(detail) and "不满意" in [e["note"] for e in detail["timeline"]][-1]
    assert "王师傅" not in client.get(f"/orders/{order.pk}/").content.decode()


def test_similar_orders_show_no_typed_address_to_residents_anywhere(client, loop, registry, make_user, tree):
    order = loop.submit(address="恩宁路12号3楼 陈阿婆家", contact_name="陈阿婆")
    url = f"/api/v1/workorders/similar?region_code={tree.g_liede1.code}&category_code=0201"
    near = neighbour(loop, registry, make_user, tree)
    far = neighbour(loop, registry, make_user, tree, phone="13900004444", grid=tree.g_pantang)
    for resident in (near, far):
        client.force_login(resident)
        rows = client.get(url).json()
        assert [r["number"] for r in rows] == [order.number]
        assert rows[0]["address"] == rows[0]["description"] == "" and "恩宁路" not in str(rows)
    client.force_login(near)
    box = client.get(f"/orders/new/similar/?category=0201&region={tree.g_liede1.code}").content.decode()
    assert order.number in box and "恩宁路" not in box and "陈阿婆" not in box and "第1网格" in box
    client.force_login(loop.dispatcher)  # staff of the area read it to judge duplicates
    assert client.get(url).json()[0]["address"] == "恩宁路12号3楼 陈阿婆家"
    order = WorkOrder.objects.select_related("reporter").get(pk=order.pk)
    outsider = selectors.as_outsider(order)
    assert outsider.address == outsider.contact_name == "" and outsider.reporter is None
    assert order.address == "恩宁路12号3楼 陈阿婆家" and order.reporter == loop.resident  # a copy: the order is untouched
