"""Public disclosure in Debian Chromium: a caseworker publishes a resolution, a resident of the
community lodges an objection on a phone-width page, the caseworker answers it, and the answer
shows on the public page — without the objector's phone or name."""

import re

import pytest
from playwright.sync_api import expect

from linli.disclosures.models import Disclosure, Objection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_a_resident_objects_staff_answer_and_the_answer_shows_publicly(page, world, login, shot):
    login(page, world.worker.username)
    page.goto("/disclosures/staff/new/")
    page.select_option("select[name=kind]", "disclosures.resolution")
    page.select_option("select[name=region]", world.tree.liede_sq.path)
    page.fill("input[name=title]", "1栋加装电梯业主决议公示")
    page.fill("textarea[name=content]", "经业主大会表决，同意在1栋加装电梯，费用按楼层分摊。")
    shot(page, "publish")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=status]")).to_have_text("公示中")
    d = Disclosure.objects.get()
    logout(page)

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, world.resident.username)
    page.goto(f"/disclosures/{d.pk}/")
    expect(page.locator("[data-testid=period]")).to_contain_text(d.ends_on.isoformat())
    page.fill("textarea[name=text]", "一楼住户不使用电梯，不应分摊费用")
    page.fill("input[name=phone]", "13955556666")
    shot(page, "objection-390")
    page.click("[data-testid=lodge]")
    expect(page.locator(".ok-box")).to_contain_text("异议已提交")
    o = Objection.objects.get()
    assert o.contact_phone == "13955556666"
    logout(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, world.worker.username)
    page.goto("/disclosures/staff/")
    expect(page.locator("[data-testid=waiting]")).to_contain_text("1栋加装电梯业主决议公示")
    page.goto(f"/disclosures/staff/{d.pk}/")
    expect(page.locator(f"[data-testid=objection-{o.pk}]")).to_contain_text("139****6666")
    page.select_option(f"[data-testid=objection-{o.pk}] select[name=outcome]", "partly")
    page.fill(f"[data-testid=objection-{o.pk}] textarea[name=answer]", "一楼住户按最低档分摊，详见更正公示")
    page.click(f"[data-testid=answer-{o.pk}]")
    expect(page.locator(f"[data-testid=objection-{o.pk}]")).to_contain_text("部分成立")
    shot(page, "answered")
    logout(page)

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, world.resident.username)
    page.goto(f"/disclosures/{d.pk}/")
    answered = page.locator("[data-testid=answered-objection]")
    expect(answered).to_contain_text("一楼住户按最低档分摊")
    expect(answered).to_contain_text("部分成立")
    body = page.content()
    assert "13955556666" not in body and "欧阳明华" not in body
    shot(page, "public-answer-390")


@pytest.mark.parametrize("who", ["worker", "resident"])
def test_the_lists_fit_a_phone(page, world, login, shot, who):
    """The staff list and the public list at 390 px: each row a card, nothing wider than the screen."""
    d = world.publish(kind="disclosures.general", title="社区长者饭堂供餐时间调整公示")
    world.object(d, actor=world.resident)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, getattr(world, who).username)
    url = "/disclosures/staff/" if who == "worker" else f"/disclosures/area/{world.tree.liede_sq.path}/"
    page.goto(url)
    expect(page.locator("table.cards-sm").first).to_contain_text("社区长者饭堂")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, f"{who}-list-390")


def test_staff_reveal_the_objectors_contact_with_a_reason(page, world, login, shot):
    from linli.core.models import SensitiveAccess

    d = world.publish(kind="disclosures.general", title="活动室开放时间调整公示")
    o = world.object(d, actor=world.resident, name="欧阳明华", phone="13955556666")
    login(page, world.worker.username)
    page.goto(f"/disclosures/staff/{d.pk}/")
    contact = page.get_by_test_id(f"contact-{o.pk}")
    expect(contact).to_contain_text("139****6666")
    expect(contact).not_to_contain_text("13955556666")
    contact.get_by_text("查看完整联系方式").click()
    contact.get_by_test_id("purpose").select_option("核对信息")
    contact.get_by_test_id("reason").fill("电话回复异议人")
    contact.get_by_test_id(f"reveal-{o.pk}").click()
    full = page.get_by_test_id(f"contact-{o.pk}").get_by_test_id("full-contact")  # swapped in by htmx
    expect(full).to_contain_text("13955556666")
    expect(full).to_contain_text("欧阳明华")
    expect(page.get_by_test_id("reveal-logged")).to_contain_text("核对信息：电话回复异议人")
    assert page.url.endswith(f"/disclosures/staff/{d.pk}/")  # the page stayed, the answer form with it
    shot(page, "revealed")
    assert SensitiveAccess.objects.filter(actor=world.worker, target_id=str(o.pk)).count() == 1
