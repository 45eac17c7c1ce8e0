"""In Chromium, with a Chinese browser: every edit form that shows a stored date or time (the
resident form's move-in and move-out dates, a venue's weekly opening hours) keeps it when saved
unchanged — the record and its change history stay as they were. Before, the resident form
printed ``2010/11/25`` into ``<input type=date>``, the browser dropped it, and saving erased the
move-in date ("迁入日期：2010-11-25 → ∅")."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from linli.accounts.roles import Role
from linli.core.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_edit_form_saved_unchanged_keeps_its_dates(page, tree, registry, make_user, login, shot):
    from linli.regions import services
    from linli.regions.models import Resident

    hh = registry.household(tree.g_liede1, compound="翠苑", building="3栋", number="502")
    r = registry.resident(household=hh, name="张三", relation="head", moved_in=dt.date(2010, 11, 25), tags=["elder"])
    left = registry.resident(household=hh, name="李四", relation="spouse", moved_in=dt.date(2011, 1, 2))
    services.update_resident(actor=registry.actor, resident=left, moved_out=dt.date(2023, 4, 5))
    make_user(Role.GRID_WORKER, tree.g_liede1, username="liede_grid")
    login(page, "liede_grid")
    for person, dates in ((r, {"moved_in": "2010-11-25"}), (left, {"moved_in": "2011-01-02", "moved_out": "2023-04-05"})):
        before = Resident.objects.get(pk=person.pk)
        events = AuditEvent.objects.filter(target_id=str(person.pk), target_type="regions.resident").count()
        page.goto(f"/registry/residents/{person.pk}/edit/")
        for name, value in dates.items():
            expect(page.locator(f"input[name={name}]")).to_have_value(value)  # the browser holds the date
        shot(page, f"edit-{person.pk}")
        page.get_by_role("button", name="保存").click()
        expect(page).to_have_url(re.compile(rf"/registry/residents/{person.pk}/$"))
        after = Resident.objects.get(pk=person.pk)
        assert (after.moved_in, after.moved_out, after.tags, after.relation, after.phone) == (
            before.moved_in, before.moved_out, before.tags, before.relation, before.phone)
        assert AuditEvent.objects.filter(target_id=str(person.pk), target_type="regions.resident").count() == events
        expect(page.locator("body")).not_to_contain_text(re.compile(r"\d → ∅"))  # nothing erased


def test_weekly_hours_saved_unchanged_stay_and_record_nothing(page, tree, make_user, login, shot):
    from linli.booking.models import OpeningRule, Resource

    res = Resource.objects.create(name="长者饭堂午餐", region=tree.liede_sq, region_path=tree.liede_sq.path,
                                  slot_minutes=60, capacity=2, book_ahead_days=7, cancel_before_hours=2)
    for wd in range(5):
        OpeningRule.objects.create(resource=res, weekday=wd, opens=dt.time(11, 30), closes=dt.time(13))
    staff = make_user(Role.PROVIDER_STAFF, tree.liede_sq, username="canteen_staff")
    res.managers.add(staff)  # a provider's staff run the diary of its offering
    login(page, "canteen_staff")
    rules = sorted(OpeningRule.objects.filter(resource=res).values_list("pk", "weekday", "opens", "closes", "season"))
    page.goto(f"/booking/staff/{res.pk}/schedule/")
    expect(page.locator("#hours-form input[name=opens]").first).to_have_value("11:30")
    expect(page.locator("#hours-form input[name=closes]").first).to_have_value("13:00")
    shot(page, "schedule")
    page.locator("#hours-form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("每周开放时间已保存")
    assert sorted(OpeningRule.objects.filter(resource=res).values_list("pk", "weekday", "opens", "closes", "season")) == rules
    assert not AuditEvent.objects.filter(action="booking.hours").exists()
