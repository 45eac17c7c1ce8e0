"""End-to-end in headless Chromium against the live server: a caseworker finds a resident by
pinyin initials, sees the masked ID, reveals it with a reason (logged); a resident signs in with
their phone number, sees their own household, and is refused the registry.

Screenshots of each key page go to test-artifacts/ for review."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from linli.accounts.roles import Role
from linli.core.models import SensitiveAccess

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_caseworker_finds_resident_by_initials_and_reveals_id_with_reason(page, tree, registry, make_user, login, shot):
    hh = registry.household(tree.g_liede1, compound="翠苑", building="3栋", number="502")
    zhang = registry.resident(household=hh, name="张三", phone="13812345678", relation="head")
    registry.resident(household=hh, name="李四", relation="spouse")  # same household, does not match zs
    other = registry.household(tree.g_pantang, compound="泮塘小区", number="101")
    registry.resident(household=other, name="张森", phone="13812340000")  # matches zs, but another community
    worker = make_user(Role.CASEWORKER, tree.liede_sq, username="liede_worker")

    login(page, "liede_worker")
    expect(page).to_have_url(re.compile(r"/affairs/desk/$"))  # a caseworker lands on the one-window desk
    shot(page, "workbench")

    page.goto("/registry/residents/")
    shot(page, "search-empty")
    box = page.locator("input[name=q]")
    box.press_sequentially("zs", delay=50)  # htmx searches as you type
    results = page.locator("#results")
    expect(results).to_contain_text("拼音/首字母")
    expect(page).to_have_url(re.compile(r"/registry/residents/$"))  # queries (maybe ID numbers) stay out of the URL
    rows = results.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张三")
    expect(results).not_to_contain_text("张森")  # 泮塘社区 is not this caseworker's
    expect(results).not_to_contain_text("李四")
    expect(results).not_to_contain_text(zhang.id_number)
    shot(page, "search-zs")

    results.get_by_role("link", name="张三").click()
    expect(page).to_have_url(re.compile(rf"/registry/residents/{zhang.pk}/$"))
    masked = page.locator("[data-testid=masked-id]")
    number = zhang.id_number
    expect(masked).to_have_text(number[:6] + "*" * 11 + number[-1:])
    assert number not in page.content()
    shot(page, "resident-masked")

    reason = "办理高龄津贴核对身份"
    page.get_by_text("查看完整信息").click()
    page.locator("#personal select[name=purpose]").select_option("办理业务")
    page.locator("#personal input[name=reason]").fill(reason)
    page.get_by_role("button", name="查看并留痕").click()
    expect(page.locator("[data-testid=full-id]")).to_have_text(number)
    logged = page.locator("[data-testid=reveal-logged]")
    expect(logged).to_contain_text("已记录")
    expect(logged).to_contain_text(reason)
    shot(page, "resident-revealed")

    access = SensitiveAccess.objects.get(actor=worker, target_type="regions.resident", target_id=str(zhang.pk))
    assert access.reason == "办理业务：" + reason and access.kind == SensitiveAccess.Kind.REVEAL
    assert "id_number" in access.fields


def test_resident_signs_in_with_phone_sees_own_household_and_not_the_registry(page, tree, registry, make_user, login, shot):
    hh = registry.household(tree.g_liede1, compound="翠苑", building="5栋", number="1201")
    chen = registry.resident(household=hh, name="陈红", phone="13900001111", relation="head")
    registry.resident(household=hh, name="陈小明", relation="child")
    neighbour = registry.household(tree.g_liede1, compound="翠苑", building="5栋", number="1202")
    registry.resident(household=neighbour, name="王五", phone="13700002222")
    make_user(Role.RESIDENT, tree.g_liede1, phone="13900001111", resident=chen)

    login(page, "13900001111")
    expect(page).to_have_url(re.compile(r"/accounts/mine/$"))
    main = page.locator("#main")
    expect(main).to_contain_text("陈红")
    expect(main).to_contain_text("陈小明")
    expect(main).to_contain_text(chen.masked_id)
    expect(main).to_contain_text("139****1111")
    expect(main).not_to_contain_text("王五")
    assert chen.id_number not in page.content()
    shot(page, "mine")

    response = page.goto("/registry/residents/")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("无权访问")
    expect(main).not_to_contain_text("王五")
    expect(main).not_to_contain_text("陈小明")
    assert page.locator("table").count() == 0
    shot(page, "registry-403")
