"""In Debian Chromium, under the Content-Security-Policy: the main pages load and their htmx
interactions (search as you type, the reveal form, the hotline's caller look-up, the area picker)
work with no violation and no script error in the console."""

import re

import pytest
from playwright.sync_api import expect

from linli.accounts.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch(page):
    errors = []
    def seen(m):
        if m.type == "error" and not (m.location or {}).get("url", "").endswith("/favicon.ico"):  # the site has no icon
            errors.append(m.text)

    page.on("console", seen)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_main_pages_run_under_the_policy_without_violations(page, tree, registry, make_user, login, shot):
    hh = registry.household(tree.g_liede1, compound="翠苑", building="3栋", number="502")
    zhang = registry.resident(household=hh, name="张三", phone="13812345678", relation="head")
    make_user(Role.CASEWORKER, tree.liede_sq, username="liede_worker")
    errors = watch(page)

    page.goto("/accounts/login/")
    login(page, "liede_worker")
    for url in ("/", "/station/", "/spaces/", "/booking/", "/affairs/desk/", "/orders/hotline/"):
        resp = page.goto(url)
        assert resp is not None and resp.status < 400, url
        assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
    # htmx: the caller look-up as the operator types (no eval needed)
    page.goto("/orders/hotline/")
    page.locator("input[name=contact_phone]").press_sequentially("13812345678", delay=20)
    expect(page.locator("#caller")).to_contain_text("张三")
    # htmx: search as you type, then the reveal form swapped into the page
    page.goto("/registry/residents/")
    page.locator("input[name=q]").press_sequentially("zs", delay=50)
    page.locator("#results").get_by_role("link", name="张三").click()
    expect(page).to_have_url(re.compile(rf"/registry/residents/{zhang.pk}/$"))
    page.get_by_text("查看完整信息").click()
    page.locator("#personal select[name=purpose]").select_option("核对信息")
    page.locator("#personal input[name=reason]").fill("核对户籍信息")
    page.get_by_role("button", name="查看并留痕").click()
    expect(page.locator("[data-testid=full-id]")).to_have_text(zhang.id_number)
    shot(page, "revealed-under-csp")
    csp = [e for e in errors if "Content Security Policy" in e or "Refused to" in e]
    assert not csp, csp
    assert not errors, errors
