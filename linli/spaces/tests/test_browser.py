"""In Debian Chromium: a community admin opens a school ground from the staff menu, sets its rules
and opens it to the whole street; a resident of the next community finds it in the public list
by district, street and a word, reads the rules and books an evening slot; the admin closes the
ground and the resident is told why."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linli.accounts.roles import Role
from linli.booking.models import Reservation
from linli.spaces.models import Venue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_admin_opens_a_school_ground_a_neighbour_books_it_then_it_closes(page, tree, make_user, registry, login, shot):
    from linli.core.calendar import invalidate
    from linli.core.calendar_seed import seed as seed_calendar
    from linli.core.models import CalendarDay

    seed_calendar(CalendarDay)
    invalidate()
    make_user(Role.COMMUNITY_ADMIN, tree.liede_sq, username="liede_sq_admin")
    person = registry.resident(household=registry.household(tree.g_huabiao, number="808"), name="黄小明")
    make_user(Role.RESIDENT, tree.g_huabiao, username="huang", phone="13700008080", resident=person)
    today = timezone.localdate()

    login(page, "liede_sq_admin")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="共享场地").click()
    expect(page.get_by_role("heading", name="共享场地管理")).to_be_visible()
    page.locator("#open-venue summary").click()
    form = page.locator("#venue-form")
    form.get_by_label("名称").fill("猎德中学运动场")
    form.get_by_label("类型").select_option("school_ground")
    form.get_by_label("权属单位").fill("猎德中学")
    form.get_by_label("地址").fill("猎德路20号")
    form.get_by_label("每段名额").fill("30")
    page.locator("input[name=term1_name]").fill("本学期")
    page.locator("input[name=term1_start]").fill((today - dt.timedelta(days=60)).isoformat())
    page.locator("input[name=term1_end]").fill((today + dt.timedelta(days=60)).isoformat())
    form.get_by_label("设施").fill("篮球场3块、塑胶跑道")
    form.get_by_label("使用须知").fill("请穿运动鞋；禁止吸烟")
    form.get_by_role("button", name="开放").click()
    expect(page.get_by_text("场地已开放，请核对开放时间")).to_be_visible()
    v = Venue.objects.get(name="猎德中学运动场")
    assert page.url.endswith(f"/spaces/manage/{v.pk}/")
    page.get_by_label("华标社区").check()
    page.get_by_label("猎德社区").check()
    page.locator("#venue-form").get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存")).to_be_visible()
    shot(page, "edit")
    assert set(v.resource.served.values_list("name", flat=True)) == {"猎德社区", "华标社区"}
    logout(page)

    login(page, "huang")
    page.goto("/spaces/")
    page.locator("select[name=district]").select_option(label="天河区")
    page.wait_for_url(re.compile(r"district=440106000000"))
    page.locator("select[name=street]").select_option(label="猎德街")
    page.wait_for_url(re.compile(r"street=440106001000"))
    page.get_by_label("搜索场地").fill("篮球")
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_test_id("venue-count")).to_contain_text("共 1 处场地")
    shot(page, "list")
    page.get_by_role("link", name="猎德中学运动场").click()
    expect(page.get_by_text("请穿运动鞋；禁止吸烟")).to_be_visible()
    expect(page.get_by_test_id("who-may-book")).to_contain_text("华标社区")
    page.locator("#main").get_by_role("button", name="预约", exact=True).click()
    expect(page.get_by_test_id("slots")).to_be_visible()
    slots = page.get_by_test_id("slots")
    for offset in range(1, 8):  # tomorrow's evening slots on a school day, daytime ones on a day off
        page.goto(f"/booking/r/{v.resource_id}/?date={today + dt.timedelta(days=offset)}")
        if slots.get_by_role("button", name="预约").count():
            break
    slots.get_by_role("button", name="预约").first.click()
    expect(page.get_by_text("预约成功，签到码")).to_be_visible()
    r = Reservation.objects.get(user__username="huang")
    assert r.status == Reservation.Status.CONFIRMED and r.resource_id == v.resource_id
    logout(page)

    login(page, "liede_sq_admin")
    page.goto(f"/spaces/manage/{v.pk}/")
    expect(page.locator("#close-form")).to_contain_text("现有 1 个未开始的预约")
    page.locator("#close-form input[name=reason]").fill("跑道翻新，暂停开放")
    page.locator("#close-form").get_by_role("button", name="停止开放").click()
    expect(page.get_by_text("已停止开放，取消了 1 个预约并通知本人")).to_be_visible()
    logout(page)

    login(page, "huang")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=re.compile("通知")).click()
    expect(page.get_by_text(re.compile("猎德中学运动场.*跑道翻新，暂停开放"))).to_be_visible()
    page.goto("/spaces/")
    expect(page.get_by_test_id("venues")).not_to_contain_text("猎德中学运动场")
