"""In Debian Chromium: a destructive button asks first. The resident taps 撤回 on their order,
is asked 确定撤回？, says no and nothing happens; says yes and the order is withdrawn."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_withdraw_asks_for_confirmation_first(page, loop, login, shot):
    order = loop.submit()
    loop.resident.set_password("pw-secret-123")
    loop.resident.save()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "13900001111")
    page.goto(f"/orders/{order.pk}/")
    button = page.locator("form.action-withdraw button")
    expect(button).to_have_attribute("data-confirm", "确定撤回？")

    page.dialogs.accept = False
    button.click()
    page.wait_for_timeout(300)
    assert page.dialogs.seen == ["确定撤回？"]
    order.refresh_from_db()
    assert order.status == "submitted"
    expect(button).to_be_visible()

    page.dialogs.accept = True
    with page.expect_navigation():
        button.click()
    order.refresh_from_db()
    assert order.status == "withdrawn"
    shot(page, "withdrawn")
