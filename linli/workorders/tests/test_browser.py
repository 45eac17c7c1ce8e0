"""The whole loop in Debian Chromium: report with a photo → register and route → handle →
verify → a 不满意 rating → the follow-up task appears for the community."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from linli.core.models import FollowUp
from linli.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_report_route_handle_verify_rate_badly_follow_up(page, loop, login, shot, tmp_path):
    loop.resident.username = "res1"
    loop.resident.save()
    for user in (loop.dispatcher, loop.handler):
        user.set_password("pw-secret-123")
        user.save()
    photo = tmp_path / "lamp.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 40, 60)).save(buf, "JPEG")
    photo.write_bytes(buf.getvalue())

    login(page, "13900001111")
    page.goto("/orders/new/")
    page.select_option("select[name=category]", "0201")
    page.fill("input[name=address]", "猎德花园北门")
    page.fill("textarea[name=description]", "北门路灯一周不亮，晚上很黑")
    page.set_input_files("input[name=photos]", str(photo))
    shot(page, "report")
    page.click("#report-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("路灯不亮")
    expect(page.locator(".photos img")).to_have_count(1)
    order = WorkOrder.objects.get()
    logout(page)

    login(page, loop.dispatcher.username)
    page.goto("/orders/")
    page.click(f"text={order.number}")
    page.click("form.action-register button")
    expect(page.locator("[data-testid=unit]")).to_have_text("猎德街城管科")
    logout(page)

    login(page, loop.handler.username)
    page.goto(f"/orders/{order.pk}/")
    page.click("form.action-accept button")
    page.fill("form.action-report_done textarea[name=result]", "已更换灯具，恢复照明")
    page.click("form.action-report_done button")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("办结上报")
    logout(page)

    login(page, loop.dispatcher.username)
    page.goto(f"/orders/{order.pk}/")
    page.click("form.action-verify_pass button")
    expect(page.locator("h1")).to_contain_text("已结案")
    logout(page)

    login(page, "13900001111")
    page.goto("/orders/mine/")
    page.click(f"text={order.category.name}")
    page.check("form.action-rate input[name=rating][value='2']")  # 不满意
    page.fill("form.action-rate input[name=comment]", "晚上还是有一盏不亮")
    page.click("form.action-rate button")
    expect(page.locator("h1")).to_contain_text("已评价")
    shot(page, "rated")
    logout(page)

    assert FollowUp.objects.for_target(order).get().status == "open"
    login(page, loop.dispatcher.username)
    page.goto("/orders/supervise/")
    expect(page.locator("body")).to_contain_text(order.number)
    page.goto(f"/orders/{order.pk}/")
    expect(page.locator("[data-testid=follow-up]")).to_be_visible()
    shot(page, "follow-up")


def test_a_neighbour_follows_the_same_problem_instead_of_reporting_it(page, loop, login, registry, make_user, tree, shot):
    from linli.accounts.roles import Role

    order = loop.submit()
    person = registry.resident(household=registry.household(tree.g_liede1, number="802"), name="邻居")
    make_user(Role.RESIDENT, tree.g_liede1, phone="13900008888", resident=person)
    login(page, "13900008888")
    page.goto("/orders/new/")
    page.select_option("select[name=category]", "0201")
    similar = page.locator("[data-testid=similar]")
    expect(similar).to_contain_text(order.number)
    expect(similar).not_to_contain_text("很危险")  # another person's words stay theirs
    shot(page, "similar-offered")
    page.click(f"[data-testid=follow-{order.number}]")
    expect(page.locator("[data-testid=follower-note]")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("路灯不亮")
    assert WorkOrder.objects.count() == 1
    page.goto("/orders/mine/")
    expect(page.locator("[data-testid=followed]")).to_contain_text(order.number)
    shot(page, "followed")


def test_enter_in_the_report_form_submits_the_report_even_with_similar_orders_offered(page, loop, login, registry, make_user,
                                                                                     tree, shot, tmp_path):
    """The similar-orders box offers "follow" buttons; they belong to a form of their own, so
    Enter in a field of the report still files the report, with its text and photo."""
    from linli.accounts.roles import Role

    existing = loop.submit()
    person = registry.resident(household=registry.household(tree.g_liede1, number="902"), name="邻居")
    make_user(Role.RESIDENT, tree.g_liede1, phone="13900009999", resident=person)
    photo = tmp_path / "lamp.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (60, 40, 40)).save(buf, "JPEG")
    photo.write_bytes(buf.getvalue())
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "13900009999")
    page.goto("/orders/new/")
    page.select_option("select[name=category]", "0201")
    expect(page.locator("[data-testid=similar]")).to_contain_text(existing.number)
    page.fill("textarea[name=description]", "南门第二盏路灯闪烁，晚上看不清台阶")
    page.set_input_files("input[name=photos]", str(photo))
    page.fill("input[name=address]", "猎德花园南门")
    shot(page, "enter-with-similar")
    page.press("input[name=address]", "Enter")
    expect(page.locator("h1")).to_contain_text("路灯不亮")
    expect(page.locator(".photos img")).to_have_count(1)
    new = WorkOrder.objects.exclude(pk=existing.pk).get()
    assert new.description == "南门第二盏路灯闪烁，晚上看不清台阶" and new.address == "猎德花园南门"
    assert new.photos.count() == 1 and not existing.followers.exists()
    shot(page, "enter-submitted")


def test_a_street_admin_urges_an_overdue_order_from_the_supervision_page(page, loop, login, shot):
    import datetime as dt

    from django.utils import timezone

    from linli.messaging.models import Message
    from linli.workorders import services

    order = loop.submit()
    services.register(actor=loop.dispatcher, order=order)
    services.accept(actor=loop.handler, order=WorkOrder.objects.get(pk=order.pk))
    WorkOrder.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    loop.street_admin.set_password("pw-secret-123")
    loop.street_admin.save()
    login(page, loop.street_admin.username)
    page.goto("/orders/supervise/")
    row = page.locator(f"#overdue-{order.number}")
    row.locator("summary").click()
    row.locator("form.supervise-urge input[name=reason]").fill("请今天内修好，居民反映多次")
    shot(page, "urge")
    row.locator("form.supervise-urge button").click()
    expect(page.locator("body")).to_contain_text("已完成：督办")
    assert Message.objects.filter(user=loop.handler, text__contains="请今天内修好").exists()
