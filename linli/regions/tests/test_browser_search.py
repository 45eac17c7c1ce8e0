"""In Chromium: a grid worker types a whole ID number into the resident search and presses Enter;
the resident is found, the number never reaches the address bar or the history, the masked number
shows and the search is recorded. A number pasted into the URL is refused with a message."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from linli.accounts.roles import Role
from linli.core.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_by_id_number_stays_out_of_the_url(page, tree, registry, make_user, login, shot):
    hh = registry.household(tree.g_liede1, compound="翠苑", building="3栋", number="502")
    zhang = registry.resident(household=hh, name="张三", relation="head")
    registry.resident(household=hh, name="李四", relation="spouse")
    make_user(Role.GRID_WORKER, tree.g_liede1, username="liede_grid")
    login(page, "liede_grid")
    page.goto("/registry/residents/")
    box = page.locator("input[name=q]")
    box.press_sequentially(zhang.id_number, delay=20)
    expect(page.locator("[data-testid=search-hint]")).to_be_visible()  # typing alone does not look it up
    assert not AuditEvent.objects.filter(action="registry.id_search").exists()
    box.press("Enter")
    lookup = page.locator("[data-testid=search-lookup]")
    expect(lookup).to_contain_text(zhang.masked_id)
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张三")
    assert zhang.id_number not in page.url and zhang.id_number not in page.locator("#results").inner_html()
    shot(page, "found-by-id")
    assert AuditEvent.objects.filter(action="registry.id_search", target_label=zhang.masked_id).count() == 1

    page.goto(f"/registry/residents/?q={zhang.id_number}")
    expect(page.locator("body")).to_contain_text("不能放在网址中")
    expect(page).to_have_url(re.compile(r"/registry/residents/\?$|/registry/residents/$"))
    shot(page, "number-in-url-refused")
