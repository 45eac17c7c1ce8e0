"""The whole publishing round of a community in Debian Chromium, as the issue describes it: the
community admin sends a must-reach notice to a compound → a resident reads and confirms it in the
app → the building leader records door-to-door delivery for the rest on a phone-width page →
coverage reaches 100 % → a disclosure of a resolution gets an objection from that resident, the
admin answers it, and the answer shows with the disclosure without the objector's phone or name;
the notice is on the community's portal."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from linli.disclosures.models import Disclosure, Objection
from linli.notices.models import Notice, NoticeHousehold
from linli.notices.tests.conftest import Place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def place(tree, registry, make_user):
    return Place(tree, registry, make_user)


def logout(page):
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_notice_to_full_coverage_then_a_disclosure_objection_answered_in_public(page, place, registry, login, shot):
    from linli.regions import services as rs

    rs.assign_duty(actor=registry.actor, kind="building_leader", resident=place.leader_res, building=place.b2)

    # the community admin sends a must-reach notice to the compound
    login(page, "admin")
    page.goto("/notices/new/")
    page.fill("input[name=title]", "加装电梯业主大会表决结果")
    page.fill("textarea[name=body]", "翠苑1栋加装电梯事项已表决通过，决议将在社区公示7天，如有异议请在公示期内提出。")
    page.select_option("select[name=target]", f"compound:{place.compound.pk}")
    page.check("input[name=must_reach]")
    page.click("main form button[type=submit]")
    page.click("[data-testid=publish]")
    expect(page.locator("[data-testid=coverage-link]")).to_contain_text("0/4")
    notice = Notice.objects.get()
    logout(page)

    # a resident reads it on the phone and confirms
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "reader")
    page.goto("/notices/mine/")
    page.click("text=加装电梯业主大会表决结果")
    page.click("[data-testid=confirm]")
    expect(page.locator("[data-testid=read]")).to_be_visible()
    logout(page)

    # the building leader records the other three households door to door
    login(page, "leader")
    page.goto("/notices/leader/")
    rows = page.locator("[data-testid=unreached-row]")
    expect(rows).to_have_count(3)
    for left in (2, 1, 0):
        rows.first.locator("[data-testid=record]").click()
        expect(rows).to_have_count(left)
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    shot(page, "leader-done-390")
    logout(page)

    # the sender sees 100 %
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "admin")
    page.goto(f"/notices/{notice.pk}/coverage/")
    expect(page.locator("[data-testid=coverage-total]")).to_contain_text("100%")
    assert not NoticeHousehold.objects.filter(notice=notice, reached_at__isnull=True).exists()

    # the admin publishes the resolution as a disclosure
    page.goto("/disclosures/staff/new/")
    page.select_option("select[name=kind]", "disclosures.resolution")
    page.select_option("select[name=region]", place.tree.liede_sq.path)
    page.fill("input[name=title]", "翠苑1栋加装电梯业主决议公示")
    page.fill("textarea[name=content]", "经业主大会表决，同意在翠苑1栋加装电梯，费用按楼层分摊。")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=status]")).to_have_text("公示中")
    d = Disclosure.objects.get()
    logout(page)

    # the resident objects on the phone
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "reader")
    page.goto(f"/disclosures/{d.pk}/")
    page.fill("textarea[name=text]", "一楼住户不使用电梯，不应按同一标准分摊")
    page.fill("input[name=phone]", "13955556666")
    page.click("[data-testid=lodge]")
    expect(page.locator(".ok-box")).to_contain_text("异议已提交")
    o = Objection.objects.get()
    logout(page)

    # the admin answers
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "admin")
    page.goto(f"/disclosures/staff/{d.pk}/")
    page.select_option(f"[data-testid=objection-{o.pk}] select[name=outcome]", "partly")
    page.fill(f"[data-testid=objection-{o.pk}] textarea[name=answer]", "一楼住户按最低档分摊，另行更正公示")
    page.click(f"[data-testid=answer-{o.pk}]")
    expect(page.locator(f"[data-testid=objection-{o.pk}]")).to_contain_text("部分成立")
    logout(page)

    # the answer shows with the disclosure; the notice is on the community's portal
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "reader")
    page.goto(f"/disclosures/{d.pk}/")
    answered = page.locator("[data-testid=answered-objection]")
    expect(answered).to_contain_text("一楼住户按最低档分摊")
    body = page.content()
    assert "13955556666" not in body and "王读者" not in body
    page.goto(f"/portal/{place.tree.liede_sq.code}/")
    expect(page.locator("main")).to_contain_text("加装电梯业主大会表决结果")
    shot(page, "portal-390")
