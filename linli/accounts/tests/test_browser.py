"""End-to-end in headless Chromium at phone width: a resident signs up with an SMS code, sees
that an unverified account serves public services only, and verifies against the registry."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from linli.core.notify import ConsoleSender

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
