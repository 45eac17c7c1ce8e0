"""Venue text (name, owner, address, rules, facilities, term names, closing reason) is stored
without control characters or direction overrides, and the venue's calendar feed stays valid."""

import datetime as dt
import re

import pytest
from icalendar import Calendar

from linli.accounts.roles import Role
from linli.booking.models import TermPeriod
from linli.spaces import services
from linli.spaces.models import Venue

pytestmark = pytest.mark.django_db

CONTROLS = "\u0001\u001b\u007f\u0080\u009b"  # C0 (SOH, ESC), DEL, C1 (PAD, CSI)
RLO = "\u202e"
NOT_ICAL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def dirty(text):
    return f" {CONTROLS}{text[:1]}{RLO}{CONTROLS}{text[1:]}\u2066\u200b "


@pytest.fixture
def admin(tree, make_user):
    from linli.core.calendar import invalidate
    from linli.core.calendar_seed import seed as seed_calendar
    from linli.core.models import CalendarDay

    seed_calendar(CalendarDay)
    invalidate()
    return make_user(Role.STREET_ADMIN, tree.liede)


def test_venue_texts_are_stored_clean_and_its_feed_stays_valid(admin, tree, client):
    v = services.open_venue(actor=admin, region=tree.liede_sq, name=dirty("猎德小学  运动场"), kind="school_ground",
                            owner=dirty("猎德小学"), address=dirty("猎德路3号"), capacity=30,
                            rules_text=f"请穿运动鞋{CONTROLS}\r\n禁止吸烟{RLO}", facilities=dirty("篮球架"),
                            terms=[(dirty("秋季学期"), dt.date(2026, 9, 1), dt.date(2027, 1, 22))])
    v = Venue.objects.select_related("resource").get(pk=v.pk)
    assert (v.name, v.resource.name, v.owner, v.address, v.facilities) == (
        "猎德小学 运动场", "猎德小学 运动场", "猎德小学", "猎德路3号", "篮球架")
    assert v.rules_text == "请穿运动鞋\n禁止吸烟" and TermPeriod.objects.get().name == "秋季学期"
    services.update_venue(actor=admin, venue=v, name=dirty("猎德运动场"), owner=dirty("猎德小学"), address=dirty("猎德路5号"),
                          rules_text=dirty("按时离场"), facilities=dirty("跑道"), capacity=30)
    v.refresh_from_db()
    assert (v.name, v.address, v.rules_text, v.facilities) == ("猎德运动场", "猎德路5号", "按时离场", "跑道")
    body = client.get(f"/booking/resource-feed/{v.resource.feed_token}.ics").content.decode()
    assert "猎德运动场" in body and not NOT_ICAL.search(body.replace("\r\n", ""))
    Calendar.from_ical(body)
    services.close_venue(actor=admin, venue=v, reason=dirty("场地改造"))
    from linli.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="venue.close").get().changes["reason"] == "场地改造"


def test_a_name_of_nothing_but_control_characters_is_refused(admin, tree):
    from linli.core.errors import DomainError

    with pytest.raises(DomainError) as err:
        services.open_venue(actor=admin, region=tree.liede_sq, name=CONTROLS + RLO, kind="room", owner="居委会", address="x",
                            capacity=20, hours=[(2, dt.time(9), dt.time(12))])
    assert err.value.details["field"] == "name"
