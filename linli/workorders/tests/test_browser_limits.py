"""On a phone: sign in with the number written as people write it, and the friendly refusal once
a resident has reported too often — the form keeps what was typed."""

import pytest
from playwright.sync_api import expect

from linli.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_too_many_reports_on_a_phone_keep_the_form(page, loop, login, shot, real_write_limits):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "+86 139 0000 1111")  # the resident's number, with country code and spaces
    for i in range(5):
        loop.submit(description=f"第{i}件事：小区门口路灯不亮")
    page.goto("/orders/new/")
    page.select_option("select[name=category]", "0201")
    page.fill("input[name=address]", "猎德花园北门")
    page.fill("textarea[name=description]", "北门路灯一周不亮，晚上很黑")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_text("操作过于频繁")).to_be_visible()
    expect(page.locator("textarea[name=description]")).to_have_value("北门路灯一周不亮，晚上很黑")
    expect(page.locator("input[name=address]")).to_have_value("猎德花园北门")
    shot(page, "rate-limited-390")
    assert WorkOrder.objects.count() == 5
