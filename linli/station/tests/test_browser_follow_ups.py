"""In Chromium at 390 px: a provider's staff member opens the bad reviews awaiting a reply from
the menu, each a card, and goes to the console to answer."""

import pytest

from linli.station.tests.test_pages import attended_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_follow_up_list_on_a_phone(page, station, login, shot):
    station.approve()
    attended_review(station, station.offer(), rating=2)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, station.owner.username)
    page.goto("/station/follow-ups/")
    card = page.locator("[data-testid=follow-up]")
    assert card.count() == 1 and "长者助餐(午餐)" in card.inner_text() and "2/5" in card.inner_text()
    found = page.evaluate("""() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      display: getComputedStyle(document.querySelector('[data-testid=follow-up] td')).display,
      width: document.querySelector('[data-testid=follow-up]').getBoundingClientRect().width,
    })""")
    assert found["overflow"] <= 1 and found["display"] == "block" and found["width"] >= 300
    shot(page, "phone")
    with page.expect_navigation():
        card.get_by_role("link").click()
    assert page.url.endswith("/station/console/")
