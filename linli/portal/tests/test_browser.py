"""In Debian Chromium: a person who is not signed in picks district → street → community on the
start page, lands on its portal, and ``/`` takes them back there; at phone width and in elder
mode the portal reads; once the service worker runs, a page that cannot be reached offline shows
the offline page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pick_a_community_and_come_back_to_it(page, tree, shot):
    page.goto("/")
    expect(page.get_by_role("heading", name="欢迎使用邻里")).to_be_visible()
    expect(page.get_by_test_id("signin-box").get_by_role("button", name="登录")).to_be_visible()
    page.get_by_test_id("district").select_option(label="天河区")  # submits itself (data-autosubmit)
    page.wait_for_url(re.compile(r"district="))
    page.get_by_test_id("street").select_option(label="猎德街")
    page.wait_for_url(re.compile(r"street="))
    shot(page, "picker")
    page.get_by_test_id("communities").get_by_role("link", name="猎德社区").click()
    page.wait_for_url(f"**/portal/{tree.liede_sq.code}/")
    expect(page.get_by_role("heading", name="猎德社区", exact=True)).to_be_visible()
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("天河区")
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("猎德街")
    cookie = next(c for c in page.context.cookies() if c["name"] == "linli_community")
    # plain HTTP (the live server): not Secure, so the choice is kept on any address
    assert cookie["value"] == tree.liede_sq.code and not cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    page.goto("/")
    page.wait_for_url(f"**/portal/{tree.liede_sq.code}/")
    page.get_by_test_id("change-community").click()
    expect(page.get_by_test_id("picker")).to_be_visible()


def test_without_javascript_the_steps_have_buttons(browser, live_server, tree):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto("/")
        page.get_by_test_id("district").select_option(label="天河区")
        page.get_by_role("button", name="下一步").click()
        page.get_by_test_id("street").select_option(label="猎德街")
        page.get_by_role("button", name="下一步").click()
        page.get_by_test_id("communities").get_by_role("link", name="华标社区").click()
        page.wait_for_url(f"**/portal/{tree.huabiao.code}/")
        page.goto("/")
        assert page.url.endswith(f"/portal/{tree.huabiao.code}/")
        page.goto("/?name=石牌")
        page.get_by_test_id("matches").get_by_role("link", name="石牌社区").click()
        page.wait_for_url(f"**/portal/{tree.shipai_sq.code}/")
    finally:
        context.close()


def test_portal_at_phone_width_and_in_elder_mode(page, tree, area, shot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/portal/{tree.liede.code}/")
    expect(page.get_by_text("猎德街党群服务中心")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "street-390")
    page.get_by_role("button", name="长者模式").click()
    page.wait_for_url(f"**/portal/{tree.liede.code}/")
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "street-390-elder")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "street-desktop")


def test_offline_page_after_the_first_visit(page, tree):
    page.goto(f"/portal/{tree.liede_sq.code}/")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # installed: the assets are cached
    page.reload()  # now the worker controls the page
    assert page.evaluate("!!navigator.serviceWorker.controller")
    page.context.set_offline(True)
    try:
        page.goto(f"/portal/{tree.shipai_sq.code}/")
        expect(page.get_by_test_id("offline")).to_be_visible()
        expect(page.get_by_role("heading", name="网络未连接")).to_be_visible()
        # the static assets come from the cache: the offline page is styled
        assert page.evaluate("[...document.styleSheets].length === 2 && [...document.styleSheets].every(s => s.cssRules.length > 0)")
    finally:
        page.context.set_offline(False)
