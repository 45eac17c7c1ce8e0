"""The must-reach round in Debian Chromium: a community admin sends a notice to a compound → a
resident reads and confirms it in the app → the building leader, on a phone-width page, records
door-to-door delivery for the other households → the admin's coverage reaches 100 %."""

import re

import pytest
from playwright.sync_api import expect

from linli.notices.models import Notice, NoticeHousehold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_must_reach_notice_to_full_coverage(page, place, registry, login, shot):
    from linli.regions import services as rs

    rs.assign_duty(actor=registry.actor, kind="building_leader", resident=place.leader_res, building=place.b2)

    login(page, "admin")
    page.goto("/notices/new/")
    page.fill("input[name=title]", "燃气管道检修通知")
    page.fill("textarea[name=body]", "本周六9时至17时检修燃气管道，期间停气，请关闭燃气阀门。")
    page.select_option("select[name=target]", f"compound:{place.compound.pk}")
    page.check("input[name=must_reach]")
    shot(page, "draft")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("燃气管道检修通知")
    page.click("[data-testid=publish]")
    expect(page.locator("[data-testid=coverage-link]")).to_contain_text("0/4")
    notice = Notice.objects.get()
    assert notice.status == "published" and NoticeHousehold.objects.filter(notice=notice).count() == 4
    logout(page)

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "reader")
    page.goto("/notices/mine/")
    page.click("text=燃气管道检修通知")
    shot(page, "resident-390")
    page.click("[data-testid=confirm]")
    expect(page.locator("[data-testid=read]")).to_be_visible()
    logout(page)

    login(page, "leader")
    page.goto("/notices/leader/")
    rows = page.locator("[data-testid=unreached-row]")
    expect(rows).to_have_count(3)  # 101 confirmed by the reader
    expect(page.locator("[data-testid=leader-count]")).to_have_text("1/4")
    shot(page, "leader-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, width  # nothing wider than the phone
    for left in (2, 1, 0):
        rows.first.locator("[data-testid=record]").click()
        expect(rows).to_have_count(left)
    expect(page.locator("[data-testid=leader-count]")).to_have_text("4/4")
    logout(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "admin")
    page.goto(f"/notices/{notice.pk}/coverage/")
    expect(page.locator("[data-testid=coverage-total]")).to_contain_text("4/4")
    expect(page.locator("[data-testid=coverage-total]")).to_contain_text("100%")
    expect(page.locator("[data-testid=building-percent]")).to_have_text(["100%", "100%"])
    shot(page, "coverage")
    assert NoticeHousehold.objects.filter(notice=notice, reached_at__isnull=True).count() == 0
    assert set(NoticeHousehold.objects.filter(notice=notice).values_list("how", flat=True)) == {"read_confirmed", "door_to_door"}
