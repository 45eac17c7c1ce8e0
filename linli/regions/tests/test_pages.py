"""Page flows a grid worker or community admin goes through (server-rendered, no browser)."""

import pytest

from linli.accounts.roles import Role
from linli.regions.models import Household, MobilisationDuty, Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree, make_user, client):
    user = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    client.force_login(user)
    return user


def test_register_edit_and_see_history(client, tree, registry, admin):
    hh = registry.household(tree.g_liede1)
    resp = client.post(f"/registry/households/{hh.pk}/residents/new/", {"name": "李四", "id_number": "440106198005170000"})
    assert resp.status_code == 400 and "身份证号校验位错误" in resp.content.decode()
    assert not Resident.objects.exists()
    number = registry.id_number()
    resp = client.post(f"/registry/households/{hh.pk}/residents/new/",
                       {"name": "李四", "id_number": number, "phone": "13800001111", "relation": "head", "tags": ["elder"],
                        "sensitive_tags": ["low_income"]})
    assert resp.status_code == 302
    r = Resident.objects.get()
    assert r.sensitive_tag_list == ["low_income"] and r.tags == ["elder"]
    page = client.get(f"/registry/residents/{r.pk}/edit/").content.decode()
    assert r.masked_id in page and number not in page
    resp = client.post(f"/registry/residents/{r.pk}/edit/", {"name": "李四", "id_number": "", "phone": "13900002222",
                                                             "relation": "head", "tags": ["elder"], "sensitive_tags": ["low_income"]})
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.id_number == number and r.phone == "13900002222"
    detail = client.get(f"/registry/residents/{r.pk}/").content.decode()
    assert "修改居民信息" in detail and "手机号：138****1111 → 139****2222" in detail


def test_room_household_representative_and_building_leader(client, tree, registry, admin):
    room = registry.room(tree.g_liede1)
    resp = client.post(f"/registry/rooms/{room.pk}/households/new/", {"number": "HH-9"})
    assert resp.status_code == 302
    hh = Household.objects.get(number="HH-9")
    a = registry.resident(household=hh, name="甲")
    resp = client.post(f"/registry/households/{hh.pk}/representative/", {"resident": a.pk})
    hh.refresh_from_db()
    assert hh.representative == a
    resp = client.post(f"/registry/buildings/{room.building_id}/", {"kind": "building_leader", "resident": a.pk})
    assert resp.status_code == 302
    assert MobilisationDuty.objects.get().resident == a
    page = client.get(f"/registry/buildings/{room.building_id}/").content.decode()
    assert "甲" in page and "楼长" in page
    report = client.get("/registry/four-none/").content.decode()
    assert "尚无楼长" not in report


def test_four_none_and_visits_pages(client, tree, registry, admin, django_assert_max_num_queries):
    for i in range(5):
        hh = registry.household(tree.g_liede1, building=f"{i + 1}栋")
        registry.resident(household=hh, name=f"住户{i}")
    registry.resident(grid=tree.g_liede2, name="漂泊者")
    with django_assert_max_num_queries(15):
        page = client.get("/registry/four-none/").content.decode()
    assert "漂泊者" in page and "5栋" in page
    hh = Household.objects.first()
    resp = client.post("/registry/visits/", {"household": hh.pk, "visited_on": "2026-01-05", "purpose": "care", "met": "1",
                                             "notes": "血压偏高"})
    assert resp.status_code == 302
    page = client.get("/registry/visits/?start=2026-01-01&end=2026-01-31").content.decode()
    assert "20%" in page and "width:20%" in page  # 1 of 5 households in grid 1 (a fraction shown by percent)
    resp = client.post("/registry/visits/", {"household": hh.pk, "visited_on": "2099-01-01"})
    assert resp.status_code == 400 and "不能晚于今天" in resp.content.decode()


def test_elder_mode_toggle_and_language_switch(client, admin):
    resp = client.post("/elder-mode/", {"next": "/registry/"})
    assert resp.status_code == 302 and resp.url == "/registry/"
    page = client.get("/registry/").content.decode()
    assert '<html lang="zh-hans" data-theme="light" class="elder">' in page
    resp = client.post("/elder-mode/", {"next": "https://evil.example/"})
    assert resp.url == "/"
    client.post("/i18n/setlang/", {"language": "en", "next": "/registry/"})
    page = client.get("/registry/").content.decode()
    assert 'lang="en"' in page


def test_audit_page_shows_own_region_only(client, tree, registry, make_user):
    registry.resident(household=registry.household(tree.g_liede1), name="本社区人")
    registry.resident(household=registry.household(tree.g_pantang), name="泮塘人")
    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    client.force_login(admin)
    page = client.get("/registry/audit/").content.decode()
    assert "本社区人" in page and "泮塘人" not in page
    caseworker = make_user(Role.CASEWORKER, tree.liede_sq)
    client.force_login(caseworker)
    assert client.get("/registry/audit/").status_code == 403


def test_admin_is_chinese_and_scoped_for_staff(client, tree, registry, make_user):
    from django.contrib.auth.models import Permission

    registry.resident(household=registry.household(tree.g_liede1), name="本社区人")
    registry.resident(household=registry.household(tree.g_pantang), name="泮塘人")
    staff = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="view_resident"))
    client.force_login(staff)
    page = client.get("/admin/regions/resident/").content.decode()
    assert "本社区人" in page and "泮塘人" not in page
    assert "居民" in page and "管理后台" in page
    assert "440106*****" in page  # ID numbers masked in admin lists too


@pytest.mark.parametrize("value", ["99999999999999999999", "9223372036854775808", "²", "-1", "abc", ""])
def test_page_forms_with_an_impossible_number_answer_without_a_server_error(client, tree, registry, admin, value):
    """An id or number typed into a page form beyond any column (or not a number at all) finds nothing:
    the page answers with its message, never a 500 (SQLite and PostgreSQL both fail on such integers)."""
    hh = registry.household(tree.g_liede1, building="1栋")
    building = hh.room.building
    resp = client.post("/registry/visits/", {"household": value, "visited_on": "2026-01-05", "purpose": "care"})
    assert resp.status_code < 500, resp.status_code
    resp = client.post(f"/registry/buildings/{building.pk}/", {"end": value})
    assert resp.status_code < 500, resp.status_code
    resp = client.post(f"/registry/buildings/{building.pk}/", {"resident": value, "kind": "building_leader"})
    assert resp.status_code < 500, resp.status_code


def test_form_int_bounds():
    from linli.core.forms import MAX_INT64, form_int

    assert form_int("42") == 42 and form_int(" 7 ") == 7
    assert form_int(str(MAX_INT64)) == MAX_INT64
    assert form_int(str(MAX_INT64 + 1)) == 0 and form_int("99999999999999999999", 5) == 5
    assert form_int("²") == 0 and form_int("٣") == 0 and form_int("-3") == 0 and form_int(None, 60) == 60
