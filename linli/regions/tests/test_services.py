import datetime as dt
from decimal import Decimal

import pytest

from linli.accounts.roles import Role
from linli.core.errors import DomainError, PermissionDenied
from linli.core.models import AuditEvent, SensitiveAccess
from linli.regions import selectors, services
from linli.regions.models import Ownership, Resident

pytestmark = pytest.mark.django_db


def test_resident_is_stored_encrypted_and_found_by_hash(tree, registry):
    hh = registry.household(tree.g_liede1)
    number = registry.id_number(birth=dt.date(1950, 3, 1))
    r = registry.resident(household=hh, name="张三", id_number=number, phone="13812345678", tags=["elder"],
                          sensitive_tags=["disabled"])
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("select id_number, phone, sensitive_tags from regions_resident where id = %s", [r.pk])
        raw_id, raw_phone, raw_tags = cur.fetchone()
    assert number not in raw_id and raw_id.count("$") == 1
    assert "13812345678" not in raw_phone
    assert "disabled" not in raw_tags
    fresh = Resident.objects.get(pk=r.pk)
    assert fresh.id_number == number
    assert fresh.masked_id == number[:6] + "*" * 11 + number[-1:]
    assert fresh.masked_phone == "138****5678"
    assert fresh.name_pinyin == "zhangsan" and fresh.name_initials == "zs"
    assert fresh.gender == "M" and fresh.birth_date == dt.date(1950, 3, 1)
    assert fresh.region_path == tree.g_liede1.path


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("id_number", "440106198005170000", "id_check_digit"),
        ("id_number", "4401061980", "id_length"),
        ("phone", "2381234567", "invalid_phone"),
        ("name", "  ", "required"),
    ],
)
def test_bad_input_is_refused_with_chinese_message_and_nothing_written(tree, registry, field, value, code):
    hh = registry.household(tree.g_liede1)
    before = Resident.objects.count(), AuditEvent.objects.count()
    data = {"name": "李四", "id_number": registry.id_number(), field: value}
    with pytest.raises(DomainError) as exc:
        services.create_resident(actor=registry.actor, household=hh, **data)
    assert exc.value.details["reason"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc.value.message))
    assert (Resident.objects.count(), AuditEvent.objects.count()) == before


def test_gender_and_birth_date_must_match_the_id(tree, registry):
    hh = registry.household(tree.g_liede1)
    number = registry.id_number(male=True, birth=dt.date(1990, 1, 2))
    with pytest.raises(DomainError) as exc:
        services.create_resident(actor=registry.actor, household=hh, name="王五", id_number=number, gender="F")
    assert exc.value.details["reason"] == "gender_mismatch"
    with pytest.raises(DomainError) as exc:
        services.create_resident(actor=registry.actor, household=hh, name="王五", id_number=number, birth_date=dt.date(1990, 1, 3))
    assert exc.value.details["reason"] == "birth_date_mismatch"


def test_duplicate_id_number_is_refused(tree, registry):
    hh = registry.household(tree.g_liede1)
    number = registry.id_number()
    registry.resident(household=hh, id_number=number)
    with pytest.raises(DomainError) as exc:
        registry.resident(household=hh, name="别人", id_number=number.lower())
    assert exc.value.code == "duplicate_id" and exc.value.status == 409


def test_update_records_history_with_masked_values(tree, registry, make_user):
    hh = registry.household(tree.g_liede1)
    r = registry.resident(household=hh, phone="13812345678")
    worker = make_user(Role.GRID_WORKER, tree.g_liede1)
    services.update_resident(actor=worker, resident=r, phone="13987654321", relation="户主")
    events = list(selectors.history_for(worker, r))
    assert [e.action for e in events] == ["resident.update", "resident.create"]
    change = events[0].changes
    assert change["phone"] == ["138****5678", "139****4321"]
    assert change["relation"] == ["", "head"]
    assert events[0].actor == worker
    assert "13987654321" not in str(change)


def test_writes_outside_scope_are_refused(tree, registry, make_user):
    hh_pantang = registry.household(tree.g_pantang)
    worker = make_user(Role.GRID_WORKER, tree.g_liede1)
    with pytest.raises(PermissionDenied):
        services.create_resident(actor=worker, household=hh_pantang, name="越界", id_number=registry.id_number())
    street_admin = make_user(Role.STREET_ADMIN, tree.liede)  # supervises, does not edit the registry
    hh = registry.household(tree.g_liede1)
    with pytest.raises(PermissionDenied):
        services.create_resident(actor=street_admin, household=hh, name="无权", id_number=registry.id_number())


def test_reveal_needs_role_and_reason_and_is_logged(tree, registry, make_user):
    hh = registry.household(tree.g_liede1)
    r = registry.resident(household=hh, phone="13812345678")
    caseworker = make_user(Role.CASEWORKER, tree.liede_sq)
    with pytest.raises(DomainError) as exc:
        services.reveal_resident(actor=caseworker, resident=r, reason=" ")
    assert exc.value.code == "reason_required"
    assert not SensitiveAccess.objects.exists()
    out = services.reveal_resident(actor=caseworker, resident=r, reason="核对高龄津贴申请", purpose="办理业务")
    assert out == {"id_number": r.id_number, "phone": "13812345678"}
    log = SensitiveAccess.objects.get()
    assert (log.actor, log.reason, log.target_id, log.kind) == (caseworker, "办理业务：核对高龄津贴申请", str(r.pk), "reveal")
    district_admin = make_user(Role.DISTRICT_ADMIN, tree.tianhe)  # sees the registry, masked only
    with pytest.raises(PermissionDenied):
        services.reveal_resident(actor=district_admin, resident=r, reason="核对高龄津贴", purpose="办理业务")
    other = make_user(Role.CASEWORKER, tree.pantang)
    with pytest.raises(PermissionDenied):
        services.reveal_resident(actor=other, resident=r, reason="跨社区查看信息", purpose="核对信息")
    assert SensitiveAccess.objects.count() == 1


def test_search_kinds(tree, registry, make_user):
    hh = registry.household(tree.g_liede1, number="1502")
    zs = registry.resident(household=hh, name="张三", phone="13812345678")
    registry.resident(household=hh, name="赵四", phone="13900005678")
    registry.resident(household=hh, name="单田芳")
    worker = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)

    def names(**kw):
        return sorted(r.name for r in selectors.residents_for(worker, **kw))

    assert names(q="zs") == ["张三", "赵四"]
    assert names(q="ZS") == ["张三", "赵四"]
    assert names(q="zhangs") == ["张三"]
    assert names(q="张") == ["张三"]
    assert names(q="stf") == ["单田芳"]  # surname 单 reads shan
    assert names(q=zs.id_number) == ["张三"]
    assert names(q=zs.id_number.lower()) == ["张三"]
    assert names(q="13812345678") == ["张三"]
    assert names(q="5678") == ["张三", "赵四"]
    assert names(address="1502") == ["单田芳", "张三", "赵四"]
    assert names(q="zs", address="翠苑 1栋") == ["张三", "赵四"]
    assert names(q="wu") == []


def test_moved_out_residents_hidden_unless_asked(tree, registry, make_user):
    hh = registry.household(tree.g_liede1)
    r = registry.resident(household=hh, moved_in=dt.date(2000, 1, 1))
    worker = make_user(Role.GRID_WORKER, tree.g_liede1)
    services.update_resident(actor=worker, resident=r, moved_out=dt.date(2024, 6, 1))
    assert not selectors.residents_for(worker).exists()
    assert selectors.residents_for(worker, include_moved_out=True).get() == r
    with pytest.raises(DomainError):
        services.update_resident(actor=worker, resident=r, moved_out=dt.date(1999, 1, 1))


def test_ownership_rules(tree, registry):
    room = registry.room(tree.g_liede1, area="120.35")
    assert room.exclusive_area == Decimal("120.35")
    hh = services.create_household(actor=registry.actor, room=room)
    owner = registry.resident(household=hh)
    services.set_ownership(actor=registry.actor, room=room, kind="person", owner_name="", resident=owner, share="0.5")
    with pytest.raises(DomainError) as exc:
        services.set_ownership(actor=registry.actor, room=room, kind="person", owner_name="李", owner_id_number=registry.id_number(), share="0.6")
    assert exc.value.code == "share_exceeded"
    room2 = registry.room(tree.g_liede1, number="102")
    services.set_ownership(actor=registry.actor, room=room2, kind="person", owner_name="", resident=owner)
    keys = set(Ownership.objects.filter(resident=owner).values_list("owner_key", flat=True))
    assert len(keys) == 1  # one buyer of two units is one owner
    with pytest.raises(DomainError):
        registry.room(tree.g_liede1, number="103", area="0")


def test_mobilisation_chain_and_four_none(tree, registry, make_user):
    hh1 = registry.household(tree.g_liede1, number="101")
    hh2 = registry.household(tree.g_liede1, number="102")
    a = registry.resident(household=hh1, name="楼长甲")
    registry.resident(household=hh2, name="住户乙")
    loner = registry.resident(grid=tree.g_liede2, name="未入户")
    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    rep = selectors.four_none_report(admin)
    assert {g.code for g in rep.grids_without_worker} == {tree.g_liede1.code, tree.g_liede2.code}
    assert len(rep.buildings_without_leader) == 1
    assert {h.pk for h in rep.households_without_representative} == {hh1.pk, hh2.pk}
    assert [r.pk for r in rep.residents_without_household] == [loner.pk]

    make_user(Role.GRID_WORKER, tree.g_liede1)
    services.assign_duty(actor=admin, kind="building_leader", resident=a, building=hh1.room.building)
    services.set_household_representative(actor=admin, household=hh1, resident=a)
    with pytest.raises(DomainError):
        services.set_household_representative(actor=admin, household=hh2, resident=a)  # not a member
    rep = selectors.four_none_report(admin)
    assert [g.code for g in rep.grids_without_worker] == [tree.g_liede2.code]
    assert rep.buildings_without_leader == []
    assert [h.pk for h in rep.households_without_representative] == [hh2.pk]
    pantang = registry.household(tree.g_pantang)
    registry.resident(household=pantang, name="别社区")
    with pytest.raises(DomainError):
        services.assign_duty(actor=registry.actor, kind="building_leader", resident=Resident.objects.get(name="别社区"),
                             building=hh1.room.building)


def test_visits_and_coverage(tree, registry, make_user):
    hh1 = registry.household(tree.g_liede1, number="101")
    hh2 = registry.household(tree.g_liede1, number="102")
    registry.household(tree.g_liede2, number="201")
    worker = make_user(Role.GRID_WORKER, tree.g_liede1)
    today = dt.date.today()
    services.record_visit(actor=worker, household=hh1, visited_on=today, notes="独居老人，身体尚可")
    services.record_visit(actor=worker, household=hh1, visited_on=today)
    with pytest.raises(DomainError):
        services.record_visit(actor=worker, household=hh2, visited_on=today + dt.timedelta(days=1))
    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    cov = {c.grid.code: (c.households, c.visited, c.rate) for c in
           selectors.visit_coverage(admin, start=today.replace(day=1), end=today)}
    assert cov == {tree.g_liede1.code: (2, 1, 0.5), tree.g_liede2.code: (1, 0, 0.0)}
    hh_other = registry.household(tree.g_liede2, number="202")
    with pytest.raises(PermissionDenied):
        services.record_visit(actor=worker, household=hh_other, visited_on=today)
