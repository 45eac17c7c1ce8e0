"""Dates of people, houses and events must be plausible, and page forms show them in the ISO form
browsers' date inputs read. One rule (the service's) for the forms, the API and the Excel import."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from linli.accounts.roles import Role
from linli.core import dates
from linli.core.errors import DomainError
from linli.regions import importexport, services
from linli.regions.models import HomeVisit, Resident
from linli.regions.tests.test_import import PEOPLE, good_id, import_houses, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree, make_user):
    return make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)


def test_core_plausible_bounds():
    today = timezone.localdate()
    assert dates.plausible(dt.date(2010, 11, 25)) == dt.date(2010, 11, 25)
    assert dates.plausible(today) == today
    for bad in (dt.date(1, 1, 1), dt.date(1899, 12, 31), today + dt.timedelta(days=1), dt.date(9999, 12, 31)):
        with pytest.raises(dates.ImplausibleDate):
            dates.plausible(bad)
    with pytest.raises(dates.ImplausibleDate):
        dates.plausible(dt.date(1999, 12, 31), earliest=dates.EARLIEST_RECORD)


@pytest.mark.parametrize("field, value, message", [
    ("moved_in", dt.date(2099, 1, 1), "迁入日期应在 1900-01-01 至"),
    ("moved_in", dt.date(1, 1, 1), "迁入日期应在 1900-01-01 至"),
    ("moved_in", dt.date(1979, 1, 1), "迁入日期不能早于出生日期"),  # born 1980-05-17
    ("moved_out", dt.date(9999, 12, 31), "迁出日期应在 1900-01-01 至"),
])
def test_service_refuses_implausible_resident_dates(tree, registry, field, value, message):
    hh = registry.household(tree.g_liede1)
    with pytest.raises(DomainError) as err:
        registry.resident(household=hh, **{field: value})
    assert message in str(err.value.message) and err.value.details["field"] == field
    r = registry.resident(household=hh, moved_in=dt.date(2010, 11, 25))
    with pytest.raises(DomainError) as err:
        services.update_resident(actor=registry.actor, resident=r, **{field: value})
    assert message in str(err.value.message)
    r.refresh_from_db()
    assert r.moved_in == dt.date(2010, 11, 25) and r.moved_out is None


def test_visits_and_ownership_dates_are_plausible(tree, registry, admin):
    hh = registry.household(tree.g_liede1)
    for day in (dt.date(1, 1, 1), dt.date(1999, 12, 31)):
        with pytest.raises(DomainError) as err:
            services.record_visit(actor=admin, household=hh, visited_on=day)
        assert "走访日期应在 2000-01-01 至" in str(err.value.message)
    services.record_visit(actor=admin, household=hh, visited_on=timezone.localdate())
    assert HomeVisit.objects.count() == 1
    with pytest.raises(DomainError) as err:
        services.set_ownership(actor=admin, room=hh.room, kind="developer", owner_name="某地产", since=dt.date(9999, 1, 1))
    assert err.value.details["field"] == "since"


def refused_field(resp):
    """The field an API refusal names: the service's ``details.field``, or the input check's ``details.fields``."""
    details = resp.json()["error"]["details"]
    return details.get("field") or next(iter(f["field"] for f in details.get("fields", [])), None)


def test_api_and_page_refuse_a_move_in_in_2099_and_a_visit_in_year_1(client, tree, registry, admin):
    hh = registry.household(tree.g_liede1)
    client.force_login(admin)
    resp = client.post("/api/v1/registry/residents", {"name": "李四", "id_number": registry.id_number(), "household_id": hh.pk,
                                                      "moved_in": "2099-01-01"}, content_type="application/json")
    assert resp.status_code == 400 and refused_field(resp) == "moved_in"
    resp = client.post(f"/registry/households/{hh.pk}/residents/new/",
                       {"name": "李四", "id_number": registry.id_number(), "moved_in": "2099-01-01"})
    assert resp.status_code == 400 and "迁入日期应在 1900-01-01 至" in resp.content.decode()
    resp = client.post("/api/v1/registry/visits", {"household_id": hh.pk, "visited_on": "0001-01-01"},
                       content_type="application/json")
    assert resp.status_code == 400 and refused_field(resp) == "visited_on"
    resp = client.post("/registry/visits/", {"household": hh.pk, "visited_on": "0001-01-01", "purpose": "routine"})
    assert resp.status_code == 400 and "走访日期应在" in resp.content.decode()
    assert not Resident.objects.exists() and not HomeVisit.objects.exists()


def test_excel_import_refuses_a_move_in_in_2099(tree, admin):
    import_houses(admin)
    data = xlsx(PEOPLE, [
        ["张三", good_id(1), "", "440106001001001", "翠苑", "1栋", "1单元", "101", "HH-101", "户主", "2099-05-01", ""],
        ["李四", good_id(2), "", "440106001001001", "翠苑", "1栋", "1单元", "101", "HH-101", "配偶", dt.datetime(1950, 1, 1), ""],
        ["王五", good_id(3), "", "440106001001001", "翠苑", "1栋", "1单元", "101", "HH-101", "子女", "2012-05-01", ""],
    ])
    batch = importexport.validate_upload(actor=admin, kind="residents", filename="p.xlsx", data=data)
    assert [(e["row"], e["field"]) for e in batch.errors] == [(2, "迁入日期"), (3, "迁入日期")]
    assert "1900-01-01" in batch.errors[0]["message"] and "不能早于出生日期" in batch.errors[1]["message"]
    importexport.confirm_import(actor=admin, batch=batch, valid_only=True)
    assert list(Resident.objects.values_list("name", flat=True)) == ["王五"]


def test_resident_edit_form_renders_iso_dates_in_chinese_and_english(client, tree, registry, admin):
    r = registry.resident(household=registry.household(tree.g_liede1), moved_in=dt.date(2010, 11, 25))
    services.update_resident(actor=registry.actor, resident=r, moved_out=dt.date(2020, 3, 4))
    client.force_login(admin)
    for lang in ("en", "zh-hans"):
        with translation.override("zh-hans"):  # a request in English leaves English active in this thread
            page = client.get(f"/registry/residents/{r.pk}/edit/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
            assert 'type="date" name="moved_in" value="2010-11-25"' in page
            assert 'type="date" name="moved_out" value="2020-03-04"' in page
            assert "2010/11/25" not in page
