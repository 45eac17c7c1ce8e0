"""End-to-end in headless Chromium at phone width: a resident signs up with an SMS code, sees
that an unverified account serves public services only, and verifies against the registry."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from linli.core.sms import ConsoleSms as ConsoleSender

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code() -> str:
    found = re.search(r"\d{6}", ConsoleSender.sent[-1][1])
    assert found
    return found.group(0)


def test_resident_signs_up_and_verifies_at_390px(page, tree, registry, shot):
    me = registry.resident(household=registry.household(tree.g_liede1, compound="翠苑", number="502"), name="王小明")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/")
    page.get_by_role("link", name="居民注册").click()
    page.fill("input[name=phone]", "139 1234 5678")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator(".ok-box")).to_contain_text("验证码已发送")
    page.fill("input[name=code]", _code())
    page.fill("input[name=password]", "green-tea-42")
    shot(page, "signup-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    with page.expect_navigation():
        page.get_by_role("button", name="注册", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/verify/$"))
    page.goto("/accounts/mine/")
    expect(page.locator("#main")).to_contain_text("尚未核验身份")
    shot(page, "unverified-mine-390")
    page.locator("#main a[href='/accounts/verify/']").click()
    page.fill("input[name=name]", "王小明")
    page.fill("input[name=id_number]", me.id_number)
    shot(page, "verify-390")
    with page.expect_navigation():
        page.get_by_role("button", name="核验身份").click()
    expect(page).to_have_url(re.compile(r"/accounts/mine/$"))
    expect(page.locator("#main")).to_contain_text("王小明")
    expect(page.locator("#main")).to_contain_text("翠苑")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "verified-mine-390")


def test_community_admin_creates_a_caseworker(page, tree, make_user, login, shot):
    from linli.accounts.models import RoleAssignment
    from linli.accounts.roles import Role

    make_user(Role.COMMUNITY_ADMIN, tree.liede_sq, username="liede_admin")
    login(page, "liede_admin")
    page.goto("/accounts/staff/")
    page.fill("input[name=username]", "chen_sg")
    page.fill("input[name=display_name]", "陈社工")
    page.fill("input[name=password]", "green-tea-42")
    page.select_option("select[name=role]", Role.CASEWORKER)
    page.select_option("select[name=region]", str(tree.g_liede1.pk))
    shot(page, "create")
    with page.expect_navigation():
        page.get_by_role("button", name="创建账号").click()
    expect(page.locator("#main")).to_contain_text("陈社工")
    expect(page.locator("#main")).to_contain_text("全科社工")
    shot(page, "created")
    assert RoleAssignment.objects.filter(user__username="chen_sg", role=Role.CASEWORKER, region=tree.g_liede1).exists()
    page.context.clear_cookies()
    login(page, "chen_sg", "green-tea-42")
    expect(page).to_have_url(re.compile(r"/affairs/desk/$"))  # the new caseworker signs in and lands on the desk
