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
    page.goto(f"/affairs/desk/{app.pk}/")  # 高龄津贴 is decided by the street where the applicant lives
    expect(page.locator("[data-testid=finish-elsewhere]")).to_contain_text("猎德街道办事处")
    expect(page.locator("#complete-form")).to_have_count(0)
    expect(page.locator("#forward-form input[name=to]")).to_have_value("猎德街道办事处")
    page.click("#forward-form button[type=submit]")
    expect(page.locator("[data-testid=app-status]")).to_have_text("已转办")
    page.check("#return-form input[value=approved]")
    page.fill("#return-form textarea[name=note]", "街道审核通过")
    page.click("#return-form button[type=submit]")
    expect(page.locator("[data-testid=decided-outcome]")).to_contain_text("部门审核通过")
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


def test_online_application_with_two_files_reaches_the_caseworker(page, desk, login, shot, tmp_path):
    """A resident applies online with two scans; the caseworker of their community sees both and opens them."""
    card = tmp_path / "id-card.pdf"
    card.write_bytes(b"%PDF-1.4\n% scanned ID card\n")
    bank = tmp_path / "bank.png"
    from PIL import Image

    Image.new("RGB", (40, 30), "white").save(bank)
    id_card, _hukou, bank_book = list(desk.elder.materials.order_by("sort", "id"))[:3]

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "13900003333")
    page.goto("/affairs/items/YL01/apply/")
    page.set_input_files(f"input[name=m{id_card.pk}]", str(card))
    page.set_input_files(f"input[name=m{bank_book.pk}]", str(bank))
    page.fill("textarea[name=note]", "父亲今年满80岁")
    shot(page, "apply-with-files")
    page.click("#main form button[type=submit]")
    expect(page.locator("[data-testid=app-status]")).to_contain_text("已提交")
    app = Application.objects.get()
    assert app.materials.exclude(file="").count() == 2
    logout(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, desk.liede_worker.username)
    page.goto(f"/affairs/desk/{app.pk}/")
    links = page.locator("a", has_text="查看文件")
    expect(links).to_have_count(2)
    shot(page, "caseworker-sees-files")
    for i, kind in ((0, "application/pdf"), (1, "image/png")):
        href = links.nth(i).get_attribute("href")
        resp = page.request.get(href)
        assert resp.status == 200 and resp.headers["content-type"] == kind
    assert page.request.get(links.nth(0).get_attribute("href")).body().startswith(b"%PDF")


def test_certificate_desk_previews_the_exact_text_before_issuing(page, desk, login, shot):
    from linli.affairs import services
    from linli.affairs.models import Certificate

    cert = services.request_certificate(actor=desk.user, kind="ZM01", purpose="子女入学", detail="2015年起住猎德")
    login(page, desk.liede_worker.username)
    page.goto("/affairs/desk/certificates/")
    page.click(f"[data-testid=issue-{cert.pk}]")
    page.fill("input[name=f_since]", "2015-03")
    page.fill("input[name=f_address]", "猎德花园3栋2单元501")
    page.select_option("select[name=f_tenure]", "租住")  # the change brings the preview (htmx)
    preview = page.locator("[data-testid=preview-text]")
    expect(preview).to_have_text(re.compile("自2015年3月起在本社区猎德花园3栋2单元501实际居住至今，居住方式为租住。$"))
    shot(page, "certificate-preview")
    page.click("[data-testid=issue-button]")
    expect(page.locator("body")).to_contain_text("自2015年3月起在本社区猎德花园3栋2单元501实际居住至今，居住方式为租住。")
    cert = Certificate.objects.get(pk=cert.pk)
    assert cert.state == "issued" and cert.body.count("起在本社区") == 1
