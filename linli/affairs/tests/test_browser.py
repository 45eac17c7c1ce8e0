"""全市通办 in Debian Chromium: a caseworker in 荔湾 accepts for a resident of 天河, asks for a
correction, the resident uploads the missing material online, the matter is completed, and the
resident rates it."""

import re

import pytest
from playwright.sync_api import expect

from linli.affairs.models import Application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_citywide_acceptance_correction_online_completion_rating(page, desk, login, shot, tmp_path):
    scan = tmp_path / "id-card.pdf"
    scan.write_bytes(b"%PDF-1.4\n% scanned ID card\n")

    login(page, desk.pantang_worker.username)
    page.goto("/affairs/desk/new/?item=YL01")
    page.fill("#lookup input[name=id_number]", desk.resident.id_number)
    page.click("#lookup button")
    expect(page.locator("[data-testid=applicant]")).to_contain_text("申请人甲")
    for box in page.locator("#intake input[name=received]").all():
        box.check()
    shot(page, "window-intake")
    page.click("#intake button[type=submit]")
    expect(page.locator("[data-testid=receipt]")).to_contain_text("高龄津贴申领")
    expect(page.locator("[data-testid=receipt] svg")).to_have_count(1)
    shot(page, "receipt")
    app = Application.objects.get()
    assert app.region_path == desk.tree.pantang.path and app.home_path == desk.tree.liede_sq.path

    page.goto(f"/affairs/desk/{app.pk}/")
    first = app.materials.order_by("sort", "id").first()
    page.check(f"#correction-form input[name=materials][value='{first.pk}']")
    page.click("text=一次性告知补正")
    expect(page.locator("[data-testid=app-status]")).to_have_text("待补正")
    logout(page)

    login(page, "13900003333")
    page.goto("/affairs/my/")
    page.click("text=高龄津贴申领")
    expect(page.locator("[data-testid=app-status]")).to_have_text("待补正")
    page.set_input_files(f"[data-testid=supply-{first.pk}] input[type=file]", str(scan))
    page.click(f"[data-testid=supply-{first.pk}] button")
    expect(page.locator("[data-testid=app-status]")).to_have_text("已受理")
    shot(page, "supplied")
    logout(page)

    login(page, desk.pantang_worker.username)
    page.goto(f"/affairs/desk/{app.pk}/")
    page.check("#complete-form input[value=approved]")
    page.fill("#complete-form textarea[name=note]", "审核通过，次月起发放")
    page.click("#complete-form button[type=submit]")
    expect(page.locator("[data-testid=app-status]")).to_have_text("已办结")
    logout(page)

    login(page, "13900003333")
    page.goto(f"/affairs/my/{app.pk}/")
    page.check("[data-testid=rate-form] input[value='5']")
    page.fill("[data-testid=rate-form] textarea[name=comment]", "在荔湾就办好了，不用跑回天河")
    page.click("[data-testid=rate-form] button[type=submit]")
    expect(page.locator("[data-testid=my-rating]")).to_have_text("5")
    shot(page, "rated")
    app.refresh_from_db()
    assert app.status == "completed" and app.rating == 5 and app.paused_days >= 0
