"""In Debian Chromium: a resident finds 助餐 by search and books the last seat; a second resident
joins the waiting list; the first cancels; the second is confirmed and told; the provider checks
the second in; the second reviews the service."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from linli.booking.models import Reservation
from linli.station.models import Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SH = ZoneInfo("Asia/Shanghai")


def logout(page):
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_search_book_last_seat_wait_cancel_promote_check_in_review(page, station, login, shot, monkeypatch):
    from django.utils import timezone

    clock = {"now": dt.datetime(2026, 11, 24, 9, 0, tzinfo=SH)}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])  # the live server runs in this process
    station.approve()
    offering = station.offer(capacity=1)  # 11:00-12:00, one seat
    offering.resource.cancel_before_hours = 1
    offering.resource.save()
    owner = station.owner

    login(page, "13700000001")
    page.goto("/station/")
    page.fill("#search input[name=q]", "助餐")
    page.click("#search button[type=submit]")
    page.click("[data-testid=results] >> text=长者助餐(午餐)")
    page.click("[data-testid=book-link]")
    row = page.locator("[data-testid=slots] tr", has_text="11:00")
    expect(row).to_contain_text("1 / 1")
    row.locator("button").click()
    expect(page.locator("[data-testid=booking-status]")).to_have_text("已确认")
    shot(page, "booked-last-seat")
    logout(page)

    login(page, "13700000002")
    page.goto(f"/booking/r/{offering.resource_id}/?date=2026-11-24")
    row = page.locator("[data-testid=slots] tr", has_text="11:00")
    expect(row).to_contain_text("0 / 1")
    row.locator("button", has_text="候补").click()
    expect(page.locator("[data-testid=booking-status]")).to_have_text("候补中")
    logout(page)

    login(page, "13700000001")
    page.goto("/booking/")
    page.click("text=长者助餐(午餐)")
    page.click("text=取消预约")
    expect(page.locator("[data-testid=booking-status]")).to_have_text("已取消")
    logout(page)

    login(page, "13700000002")
    page.goto("/messages/")
    expect(page.locator("main")).to_contain_text("候补成功")
    page.goto("/booking/")
    page.click("text=长者助餐(午餐)")
    expect(page.locator("[data-testid=booking-status]")).to_have_text("已确认")
    code = page.locator("[data-testid=code]").inner_text()
    logout(page)

    clock["now"] = dt.datetime(2026, 11, 24, 10, 50, tzinfo=SH)
    login(page, owner.username)
    page.goto(f"/booking/staff/{offering.resource_id}/?date=2026-11-24")
    page.fill("#checkin input[name=code]", code)
    page.click("#checkin button")
    expect(page.locator("[data-testid=day]")).to_contain_text("已签到")
    shot(page, "checked-in")
    logout(page)

    res = Reservation.objects.get(code=code)
    assert res.user == station.young and res.status == "attended"
    login(page, "13700000002")
    page.goto(f"/station/review/{res.pk}/")
    page.check("#review-form input[value='5']")
    page.fill("#review-form textarea[name=text]", "阿姨做的饭很香")
    page.click("#review-form button[type=submit]")
    page.goto(f"/station/o/{offering.pk}/")
    expect(page.locator("main")).to_contain_text("阿姨做的饭很香")
    assert Review.objects.get().rating == 5
