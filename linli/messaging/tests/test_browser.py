"""The inbox on a phone (390 px) in Chromium: the unread count in the menu and on the page,
marking one read, then all."""

import pytest
from playwright.sync_api import expect

from linli.messaging import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inbox_at_390px(page, kind, people, login, shot):
    services.send([people.phone], kind, text="周六上午社区义诊", link="/messages/settings/")
    services.send([people.phone], "test.legal", text="您的证明已出具")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, people.phone.username)
    page.goto("/messages/")
    expect(page.locator("[data-testid=unread-count]")).to_contain_text("2 条未读")
    expect(page.locator("nav.mainnav")).to_contain_text("通知 (2)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(page, "inbox-390")
    page.locator("[data-testid=message]", has_text="周六上午社区义诊").locator("[data-testid=mark-read]").click()
    expect(page.locator("[data-testid=unread-count]")).to_contain_text("1 条未读")
    page.click("[data-testid=read-all]")
    expect(page.locator("[data-testid=unread-count]")).to_contain_text("0 条未读")
    expect(page.locator("[data-testid=mark-read]")).to_have_count(0)
