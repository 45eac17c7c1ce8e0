"""In Debian Chromium: provider staff land on their console with the staff menu, cancel a
resident's booking with a reason from the day sheet (the resident is told and sees who and
why), add a colleague who then checks a resident in with a handheld scanner, edit and take an
offering down and up again, and close a day from the schedule page (the booking is cancelled
with the reason)."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import expect

from linli.accounts.roles import Role
from linli.booking import services as booking
from linli.booking.models import Reservation
from linli.booking.tests.conftest import DAY
from linli.station.models import Offering

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SH = ZoneInfo("Asia/Shanghai")


def logout(page):
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def at(hour, minute=0, day=DAY):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SH)


@pytest.fixture
def clock(monkeypatch):
    from django.utils import timezone

    now = {"now": at(10, day=DAY - dt.timedelta(days=1))}
    monkeypatch.setattr(timezone, "now", lambda: now["now"])  # the live server runs in this process
    return now


def test_staff_cancel_a_booking_with_a_reason_the_resident_sees(page, station, login, shot, clock):
    station.owner.username, station.owner.display_name = "yikang", "颐康陈主任"
    station.owner.save()
    station.approve()
    o = station.offer(capacity=2)
    r = booking.book(actor=station.elder, resource=o.resource, starts_at=at(11))

    login(page, "yikang")
    expect(page).to_have_url(re.compile(r"/station/console/$"))  # provider staff land on their console
    page.goto(f"/booking/staff/{o.resource_id}/?date={DAY}")
    row = page.locator(f"[data-testid=row-{r.pk}]")
    expect(row.locator("[data-testid=no-show]")).to_have_count(0)  # the slot has not begun
    row.locator("input[name=reason]").fill("厨师生病，今天停餐")
    row.locator("[data-testid=cancel]").click()
    expect(page.locator(f"[data-testid=row-{r.pk}]")).to_contain_text("已取消")
    expect(page.locator(f"[data-testid=row-{r.pk}]")).to_contain_text("厨师生病，今天停餐")
    shot(page, "day-sheet-cancelled")
    logout(page)

    login(page, "13700000001")
    page.goto("/messages/")
    expect(page.locator("main")).to_contain_text("厨师生病，今天停餐")
    page.goto(f"/booking/reservations/{r.pk}/")
    expect(page.locator("[data-testid=booking-status]")).to_have_text("已取消")
    expect(page.locator("[data-testid=cancelled-by]")).to_contain_text("颐康陈主任")
    expect(page.locator("[data-testid=cancelled-by]")).to_contain_text("厨师生病，今天停餐")
    shot(page, "resident-sees-why")
    assert Reservation.objects.get(pk=r.pk).cancelled_by == station.owner


def jpeg() -> bytes:
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (320, 200), (230, 140, 40)).save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def test_provider_console_staff_scanner_check_in_offering_and_closure(page, station, login, shot, clock, make_user,
                                                                      tmp_path):
    station.owner.username = "yikang"
    station.owner.save()
    station.approve()
    o = station.offer(capacity=3)
    colleague = make_user(Role.PROVIDER_STAFF, station.tree.liede, username="xiaochen", phone="13922223333")
    from linli.core.crypto import lookup_hash

    colleague.phone_hash, colleague.display_name = lookup_hash("13922223333"), "小陈"
    colleague.save()
    r = booking.book(actor=station.elder, resource=o.resource, starts_at=at(11))
    later = booking.book(actor=station.young, resource=o.resource, starts_at=at(11, day=DAY + dt.timedelta(days=1)))

    login(page, "yikang")
    expect(page).to_have_url(re.compile(r"/station/console/$"))
    nav = page.locator("nav.mainnav a")
    expect(nav).to_have_count(4)  # console, bad reviews, bookings, notifications: nothing that would answer 403
    expect(page.locator("main")).to_contain_text("近 30 天")
    # a colleague joins; the offering is edited (title, serving staff, a photo)
    page.fill(f"#staff-add-{station.provider.pk} input[name=login]", "13922223333")
    page.click(f"#staff-add-{station.provider.pk} button")
    expect(page.locator("[data-testid=staff]")).to_contain_text("小陈")
    page.click(f"[data-testid=offering-{o.pk}] >> text=编辑")
    page.fill("#offering-form input[name=title]", "长者助餐(午餐·软食)")
    page.check(f"#offering-form input[name=staff][value='{colleague.pk}']")
    page.click("#offering-form button[type=submit]")
    photo = tmp_path / "meal.jpg"
    photo.write_bytes(jpeg())
    page.set_input_files("#photo-form input[type=file]", str(photo))
    page.click("#photo-form button")
    expect(page.locator("[data-testid=photos] img")).to_have_count(1)
    shot(page, "edit-offering")
    page.goto("/station/console/")
    page.click(f"[data-testid=offering-{o.pk}] >> button:has-text('下架')")
    expect(page.locator(f"[data-testid=offering-{o.pk}]")).to_contain_text("已下架")
    assert not Offering.objects.get(pk=o.pk).active
    page.click(f"[data-testid=offering-{o.pk}] >> button:has-text('重新上架')")
    expect(page.locator(f"[data-testid=offering-{o.pk}]")).not_to_contain_text("已下架")
    shot(page, "console")
    # close tomorrow (the day after DAY) from the schedule page: that booking is cancelled and told
    page.click(f"[data-testid=offering-{o.pk}] >> text=开放时间")
    tomorrow = DAY + dt.timedelta(days=1)
    page.fill("#closure-form input[name=starts_at]", f"{tomorrow}T00:00")
    page.fill("#closure-form input[name=ends_at]", f"{tomorrow}T23:59")
    page.fill("#closure-form input[name=reason]", "社区消防演练")
    page.click("#closure-form button")
    expect(page.locator("#closures")).to_contain_text("社区消防演练")
    shot(page, "schedule")
    assert Reservation.objects.get(pk=later.pk).cancel_reason == "社区消防演练"
    logout(page)

    # the colleague added today checks the elder in with a scanner (keys typed fast, then Enter)
    clock["now"] = at(10, 50)
    login(page, "xiaochen")
    expect(page).to_have_url(re.compile(r"/station/console/$"))
    page.goto(f"/booking/staff/{o.resource_id}/?date={DAY}")
    expect(page.locator("[data-testid=scan]")).to_be_focused()
    page.keyboard.type(f"]Q1{r.code}", delay=5)
    page.keyboard.press("Enter")
    expect(page.locator(f"[data-testid=row-{r.pk}]")).to_contain_text("已签到")
    shot(page, "scanner-check-in")
    logout(page)

    login(page, "13700000001")
    page.goto("/station/")
    page.click("[data-testid=results] >> text=长者助餐(午餐·软食)")
    expect(page.locator("[data-testid=serving]")).to_contain_text("小陈")
    expect(page.locator("[data-testid=photos] img")).to_have_count(1)


def test_the_qr_code_is_large_enough_to_scan(page, station, login, shot, clock):
    station.approve()
    o = station.offer()
    r = booking.book(actor=station.elder, resource=o.resource, starts_at=at(11))
    login(page, "13700000001")
    page.goto(f"/booking/reservations/{r.pk}/")
    box = page.locator("[data-testid=qr] svg").bounding_box()
    assert box["width"] >= 180 and box["height"] >= 180
    page.set_viewport_size({"width": 375, "height": 800})  # a phone
    box = page.locator("[data-testid=qr] svg").bounding_box()
    assert box["width"] >= 180
    shot(page, "qr-phone")
