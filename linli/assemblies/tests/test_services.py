"""The rules of the roll, the call, the ballots, proxies and paper entry, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from linli.assemblies import selectors, services
from linli.assemblies.models import Ballot, PaperSlip, Proxy, RollCorrection
from linli.core.errors import DomainError, PermissionDenied
from linli.core.models import AuditEvent

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_roll_counts_heads_and_area_as_the_court_interpretation_says(world: Any) -> None:
    a = world.assembly()
    roll = services.freeze_roll(actor=world.admin, assembly=a)
    assert roll.total_units == 7
    assert roll.total_area == Decimal("478.25")
    assert roll.total_heads == 4  # 王 (2 flats), 李 (flat + parking space), 陈&周 (co-owned), the developer (2 units)
    heads = {e.name: e for e in roll.entries.all()}
    assert heads["王业主"].area == Decimal("180.00") and heads["王业主"].units == 2
    assert heads["李业主"].area == Decimal("103.00")
    assert heads["翠苑置业有限公司"].kind == "developer" and heads["翠苑置业有限公司"].area == Decimal("120.00")
    co = next(e for e in roll.entries.all() if e.kind == "co_owners")
    assert set(co.name.split("、")) == {"陈共有", "周共有"}
    assert co.kind == "co_owners" and co.voter_id is None  # they designate one
    assert heads["王业主"].voter_id == world.wang.pk
    assert {u.area_source for u in roll.units.all()} == {"register"}


def test_roll_is_disclosed_without_names_and_public_units_show_number_and_area_only(world: Any) -> None:
    from linli.disclosures.selectors import period_state

    a = world.assembly()
    roll = services.freeze_roll(actor=world.admin, assembly=a)
    state = period_state(roll.disclosure_id)
    assert state is not None and not state["ended"]
    assert roll.status == "disclosed"
    a.refresh_from_db()
    rows = list(selectors.public_units(a).values("label", "area"))
    assert len(rows) == 7 and all(set(r) == {"label", "area"} for r in rows)
    from linli.disclosures.models import Disclosure

    text = Disclosure.objects.get(pk=roll.disclosure_id).content
    assert "478.25" in text and "王业主" not in text and "1390000" not in text


def test_registry_changes_after_freezing_do_not_move_the_roll(world: Any, registry: Any) -> None:
    from linli.regions import services as rs

    a = world.assembly()
    services.freeze_roll(actor=world.admin, assembly=a)
    rs.create_room(actor=registry.actor, building=world.b1, unit_name="1单元", number="104", exclusive_area="50")
    a.refresh_from_db()
    assert a.roll.total_units == 7


def test_a_unit_without_an_owner_stops_the_roll_by_name(world: Any, registry: Any) -> None:
    from linli.regions import services as rs

    rs.create_room(actor=registry.actor, building=world.b1, unit_name="1单元", number="105", exclusive_area="50")
    a = world.assembly()
    with pytest.raises(DomainError) as err:
        services.freeze_roll(actor=world.admin, assembly=a)
    assert err.value.code == "empty_roll" and "105" in str(err.value.message)
    a.refresh_from_db()
    assert a.roll_id is None


def test_correction_needs_a_reason_keeps_it_and_moves_the_totals(world: Any) -> None:
    a = world.assembly()
    roll = services.freeze_roll(actor=world.admin, assembly=a)
    unit = roll.units.get(label__contains="101")
    with pytest.raises(DomainError) as err:
        services.correct_unit(actor=world.admin, unit=unit, area=Decimal("82.00"), reason="  ")
    assert err.value.code == "reason_required"
    services.correct_unit(actor=world.admin, unit=unit, area=Decimal("82.00"), area_source="survey", reason="以测绘报告为准")
    roll.refresh_from_db()
    assert roll.total_area == Decimal("480.25")
    assert world.entry(a, "王业主").area == Decimal("182.00")
    c = RollCorrection.objects.get(roll=roll, field="area")
    assert (c.before, c.after, c.reason) == ("80.00", "82.00", "以测绘报告为准")
    assert AuditEvent.objects.filter(action="assembly_roll.correct").exists()


def test_roll_locks_only_after_its_disclosure_period(world: Any) -> None:
    a = world.assembly()
    services.freeze_roll(actor=world.admin, assembly=a)
    a.refresh_from_db()
    with pytest.raises(DomainError) as err:
        services.lock_roll(actor=world.admin, assembly=a)
    assert err.value.code == "illegal_transition"
    b = world.assembly()
    services.freeze_roll(actor=world.admin, assembly=b, now=timezone.now() - dt.timedelta(days=8))
    b.refresh_from_db()
    assert services.lock_roll(actor=world.admin, assembly=b).status == "locked"
    unit = b.roll.units.first()
    with pytest.raises(DomainError):
        services.correct_unit(actor=world.admin, unit=unit, area=Decimal("1"), reason="改面积")


def test_call_refuses_an_opening_sooner_than_fifteen_days(world: Any) -> None:
    a = world.assembly(opens_in=dt.timedelta(days=14, hours=23))
    services.freeze_roll(actor=world.admin, assembly=a)
    a.refresh_from_db()
    with pytest.raises(DomainError) as err:
        services.call(actor=world.admin, assembly=a)
    assert err.value.code == "notice_period"
    a.refresh_from_db()
    assert a.status == "draft" and a.notice_id is None


def test_call_sends_a_must_reach_notice_messages_owners_and_records_the_committee(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    from linli.messaging.models import Message
    from linli.notices.models import Notice

    a = world.assembly()
    services.freeze_roll(actor=world.admin, assembly=a)
    a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.call(actor=world.admin, assembly=a)
    a.refresh_from_db()
    assert a.status == "called" and a.rc_notified_at is not None
    notice = Notice.objects.get(pk=a.notice_id)
    assert notice.must_reach and notice.status == "published" and "续筹专项维修资金" in notice.body
    owners = set(Message.objects.filter(kind="assemblies.call").values_list("user__username", flat=True))
    assert owners == {"wang", "li"}  # the co-owners have not designated a voter yet; tenants are not owners
    assert Message.objects.filter(kind="assemblies.rc", user=world.admin).exists()
    assert AuditEvent.objects.filter(action="assembly.notify_committee", target_id=str(a.pk)).exists()


def test_an_owner_without_an_account_living_elsewhere_is_told_by_sms(world: Any, registry: Any,
                                                                    django_capture_on_commit_callbacks: Any) -> None:
    from linli.messaging.models import Delivery
    from linli.regions import services as rs

    root = registry.actor
    room = rs.create_room(actor=root, building=world.b2, unit_name="1单元", number="204", exclusive_area="70", use="residential")
    elsewhere = rs.create_household(actor=root, room=world.other_compound.buildings.first().rooms.first())
    away = registry.resident(household=elsewhere, name="远业主", phone="13900000066")
    rs.set_ownership(actor=root, room=room, kind="person", owner_name="远业主", resident=away)
    a = world.assembly()
    services.freeze_roll(actor=world.admin, assembly=a)
    a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.call(actor=world.admin, assembly=a)
    sms = [d for d in Delivery.objects.filter(kind="assemblies.call", channel="sms") if d.phone == "13900000066"]
    assert len(sms) == 1 and "开始投票" in sms[0].text
    assert not [d for d in Delivery.objects.filter(kind="assemblies.call", channel="sms", message__isnull=True)
                if d.phone == "13900000001"]  # wang has an account: his inbox (and his own SMS setting) serve him
    event = AuditEvent.objects.get(action="assembly.notify_committee", target_id=str(a.pk))
    assert event.changes["owners_sms"] == 1


def test_voting_opens_only_on_a_locked_roll_and_at_its_time(world: Any) -> None:
    a = world.assembly(opens_in=dt.timedelta(minutes=-1))
    services.freeze_roll(actor=world.admin, assembly=a)
    a.refresh_from_db()
    services.call(actor=world.admin, assembly=a, now=timezone.now() - dt.timedelta(days=16))
    with pytest.raises(DomainError) as err:
        services.open_voting(actor=world.admin, assembly=a)
    assert err.value.code == "roll_not_locked"


def test_an_owner_votes_once_with_a_fresh_code_and_gets_a_receipt(world: Any, vote: Any, sms: dict[str, str]) -> None:
    a = world.voting()
    ballot, receipt = vote(world.wang_user, a, {1: "agree", 2: "oppose"})
    assert ballot.channel == "online" and len(receipt) == 19
    with pytest.raises(DomainError) as err:
        vote(world.wang_user, a, {1: "agree", 2: "agree"})
    assert err.value.code == "already_voted"
    assert Ballot.objects.filter(assembly=a).count() == 1
    services.send_vote_code(actor=world.li_user, assembly=a)
    with pytest.raises(DomainError) as err:
        services.cast(actor=world.li_user, assembly=a, choices={1: "agree", 2: "agree"}, code="000000" if sms[world.li_user.phone] != "000000" else "111111")
    assert err.value.code == "code_wrong"
    with pytest.raises(DomainError) as err:
        vote(world.li_user, a, {1: "agree"})
    assert err.value.code == "incomplete"


def test_a_tenant_and_another_compounds_owner_cannot_vote(world: Any, vote: Any) -> None:
    a = world.voting()
    for user in (world.tenant_user, world.other_owner):
        with pytest.raises(DomainError) as err:
            vote(user, a, {1: "agree", 2: "agree"})
        assert err.value.code == "forbidden"


def test_co_owners_vote_through_the_one_they_designate(world: Any, vote: Any) -> None:
    a = world.assembly(opens_in=dt.timedelta(minutes=-1))
    services.freeze_roll(actor=world.admin, assembly=a, now=timezone.now() - dt.timedelta(days=30))
    a.refresh_from_db()
    co = world.entry(a, "陈共有")
    with pytest.raises(DomainError) as err:
        services.designate_voter(actor=world.admin, entry=co, resident_id=world.tenant.pk, reason="共有人书面指定")
    assert err.value.code == "not_designated"
    services.designate_voter(actor=world.admin, entry=co, resident_id=world.zhou.pk, reason="共有人书面指定")
    services.lock_roll(actor=world.admin, assembly=a)
    services.call(actor=world.admin, assembly=a, now=timezone.now() - dt.timedelta(days=16))
    services.open_voting(actor=world.admin, assembly=a)
    a.refresh_from_db()
    with pytest.raises(DomainError):
        vote(world.chen_user, a, {1: "agree", 2: "agree"})
    ballot, _r = vote(world.zhou_user, a, {1: "agree", 2: "abstain"})
    assert ballot.entry_id == co.pk


def test_a_proxy_votes_for_the_principal_who_then_cannot(world: Any, vote: Any) -> None:
    a = world.voting()
    wang = world.entry(a, "王业主")
    proxy = services.record_proxy(actor=world.admin, assembly=a, principal=wang, holder_id=world.tenant.pk,
                                  document_name="委托书.pdf", document=PDF)
    with pytest.raises(DomainError) as err:
        vote(world.wang_user, a, {1: "agree", 2: "agree"})
    assert err.value.code == "delegated"
    ballot, _r = vote(world.tenant_user, a, {1: "oppose", 2: "oppose"})
    assert ballot.channel == "proxy" and ballot.entry_id == wang.pk
    with pytest.raises(DomainError) as err:
        services.revoke_proxy(actor=world.wang_user, proxy=proxy)
    assert err.value.code == "proxy_locked"


def test_a_holder_represents_at_most_the_set_number_and_revocation_ends_before_opening(world: Any) -> None:
    a = world.assembly()
    services.freeze_roll(actor=world.admin, assembly=a)
    a.refresh_from_db()
    p = services.record_proxy(actor=world.admin, assembly=a, principal=world.entry(a, "王业主"), holder_id=world.tenant.pk,
                              document_name="委托书.pdf", document=PDF)
    with pytest.raises(DomainError) as err:
        services.record_proxy(actor=world.admin, assembly=a, principal=world.entry(a, "李业主"), holder_id=world.tenant.pk,
                              document_name="委托书.pdf", document=PDF)
    assert err.value.code == "proxy_limit"
    with pytest.raises(DomainError) as err:
        services.record_proxy(actor=world.admin, assembly=a, principal=world.entry(a, "李业主"), holder_id=world.chen.pk,
                              document_name="委托书.exe", document=b"MZ\x90\x00")
    assert Proxy.objects.filter(assembly=a).count() == 1
    services.revoke_proxy(actor=world.wang_user, proxy=p)
    p.refresh_from_db()
    assert p.revoked_at is not None


def test_paper_ballots_count_when_two_clerks_agree(world: Any) -> None:
    a = world.voting()
    assert services.issue_slips(actor=world.admin, assembly=a) == 4
    assert services.issue_slips(actor=world.admin, assembly=a) == 0
    slip = PaperSlip.objects.get(assembly=a, entry=world.entry(a, "翠苑置业"))
    code = slip.code.replace("-", "").lower()  # typed without dashes, in lower case
    services.enter_paper(actor=world.clerk1, assembly=a, code=code, choices={"1": "agree", "2": "oppose"},
                         scan=("票.pdf", PDF))
    assert not Ballot.objects.filter(assembly=a).exists()
    with pytest.raises(DomainError) as err:
        services.enter_paper(actor=world.clerk1, assembly=a, code=code, choices={"1": "agree", "2": "oppose"})
    assert err.value.code == "same_clerk"
    services.enter_paper(actor=world.clerk2, assembly=a, code=code, choices={"1": "agree", "2": "oppose"})
    slip.refresh_from_db()
    assert slip.status == "counted"
    assert Ballot.objects.get(assembly=a).channel == "paper"


def test_paper_mismatch_blocks_until_a_third_person_decides(world: Any) -> None:
    a = world.voting()
    services.issue_slips(actor=world.admin, assembly=a)
    slip = PaperSlip.objects.get(assembly=a, entry=world.entry(a, "翠苑置业"))
    services.enter_paper(actor=world.clerk1, assembly=a, code=slip.code, choices={"1": "agree", "2": "oppose"})
    services.enter_paper(actor=world.clerk2, assembly=a, code=slip.code, choices={"1": "agree", "2": "agree"})
    slip.refresh_from_db()
    assert slip.status == "mismatch" and not Ballot.objects.filter(assembly=a).exists()
    assert selectors.slip_counts(a).blocked_slips == 1
    with pytest.raises(DomainError) as err:
        services.decide_paper(actor=world.clerk1, assembly=a, code=slip.code, choices={"1": "agree", "2": "agree"})
    assert err.value.code == "forbidden"  # a caseworker enters, an organiser decides
    services.decide_paper(actor=world.admin, assembly=a, code=slip.code, choices={"1": "agree", "2": "agree"})
    slip.refresh_from_db()
    assert slip.status == "counted" and Ballot.objects.get(assembly=a).choices.count() == 2


def test_a_paper_slip_of_a_head_that_voted_online_is_set_aside(world: Any, vote: Any) -> None:
    a = world.voting()
    services.issue_slips(actor=world.admin, assembly=a)
    vote(world.wang_user, a, {1: "agree", 2: "agree"})
    slip = PaperSlip.objects.get(assembly=a, entry=world.entry(a, "王业主"))
    services.enter_paper(actor=world.clerk1, assembly=a, code=slip.code, choices={"1": "oppose"})
    services.enter_paper(actor=world.clerk2, assembly=a, code=slip.code, choices={"1": "oppose"})
    slip.refresh_from_db()
    assert slip.status == "void"
    assert Ballot.objects.filter(assembly=a).count() == 1 and Ballot.objects.get(assembly=a).channel == "online"


def test_turnout_shows_heads_and_area_without_choices(world: Any, vote: Any) -> None:
    a = world.voting()
    vote(world.wang_user, a, {1: "agree", 2: "agree"})
    t = selectors.turnout(a)
    assert (t.heads, t.area, t.quorum_met) == (1, Decimal("180.00"), False)
    vote(world.li_user, a, {1: "agree", 2: "oppose"})
    t = selectors.turnout(a)
    assert (t.heads, t.area) == (2, Decimal("283.00")) and not t.quorum_met  # 2 of 4 heads < 2/3


def test_one_extension_when_the_quorum_is_not_met(world: Any) -> None:
    a = world.voting()
    new = a.closes_at + dt.timedelta(days=5)
    services.extend(actor=world.admin, assembly=a, closes_at=new)
    a.refresh_from_db()
    assert a.closes_at == new and a.original_closes_at is not None and a.extension_notice_id
    with pytest.raises(DomainError) as err:
        services.extend(actor=world.admin, assembly=a, closes_at=new + dt.timedelta(days=1))
    assert err.value.code == "extended"


def test_voting_closes_at_its_deadline_and_no_ballot_after(world: Any, vote: Any) -> None:
    a = world.voting()
    with pytest.raises(DomainError):
        services.close(actor=world.admin, assembly=a)
    later = a.closes_at + dt.timedelta(seconds=1)
    assert services.sweep(now=later) == {"opened": 0, "closed": 1}
    assert services.sweep(now=later) == {"opened": 0, "closed": 0}
    a.refresh_from_db()
    with pytest.raises(DomainError) as err:
        vote(world.wang_user, a, {1: "agree", 2: "agree"})
    assert err.value.code == "not_open"


def test_another_communitys_admin_cannot_organise(world: Any) -> None:
    with pytest.raises(DomainError) as err:
        services.create_assembly(actor=world.other_admin, compound_id=world.compound.pk, title="越权召集", convener="street_office",
                                 convener_name="某街道", opens_at=timezone.now() + dt.timedelta(days=20),
                                 closes_at=timezone.now() + dt.timedelta(days=25), matters=[{"item": 9, "title": "其他事项"}])
    assert err.value.code == "forbidden"
    a = world.assembly()
    with pytest.raises(DomainError) as err:
        services.freeze_roll(actor=world.other_admin, assembly=a)
    assert err.value.code == "forbidden"


def test_matters_must_name_an_art_278_item(world: Any) -> None:
    with pytest.raises(DomainError) as err:
        world.assembly(matters=[{"item": 10, "title": "不存在的事项"}])
    assert err.value.details["field"] == "matters.1.item"


def test_a_unit_sold_during_the_vote(world: Any, vote: Any, registry: Any, make_user: Any) -> None:
    from linli.accounts.roles import Role

    a = world.voting()
    buyer = registry.resident(grid=world.tree.g_liede1, name="新业主", phone="13900000011")
    buyer_user = make_user(Role.RESIDENT, world.tree.g_liede1, resident=buyer, phone="13900000011", username="buyer")
    # 李 voted: his ballot stands, the buyer of his parking space does not vote
    vote(world.li_user, a, {1: "agree", 2: "agree"})
    parking = services.RollUnit.objects.get(roll__assembly=a, label__contains="P01")
    with pytest.raises(DomainError) as err:
        services.transfer_unit(actor=world.admin, assembly=a, unit=parking, buyer_id=buyer.pk, reason="已办理转移登记")
    assert err.value.code == "already_voted"
    # 王 has not voted: the buyer of one of his two flats becomes a head of his own and votes
    flat = services.RollUnit.objects.get(roll__assembly=a, label__contains="103")
    head = services.transfer_unit(actor=world.admin, assembly=a, unit=flat, buyer_id=buyer.pk, reason="已办理转移登记")
    a.refresh_from_db()
    assert (head.area, a.roll.total_heads, a.roll.total_area) == (Decimal("100.00"), 5, Decimal("478.25"))
    assert world.entry(a, "王业主").area == Decimal("80.00")
    ballot, _r = vote(buyer_user, a, {1: "oppose", 2: "oppose"})
    assert ballot.entry_id == head.pk
    assert RollCorrection.objects.filter(field="owner", after="新业主").exists()


def test_a_seller_whose_head_changed_hands_meanwhile_cannot_vote_for_it(world: Any, vote: Any, sms: Any, registry: Any,
                                                                      monkeypatch: Any) -> None:
    """The co-owned flat 201 (one unit, 陈 designated) is sold while 陈's phone still shows it: the
    re-check under the lock refuses his ballot, and his delegation of it ends with the sale."""
    a = world.assembly(opens_in=dt.timedelta(minutes=-1))
    past = timezone.now() - dt.timedelta(days=16)
    services.freeze_roll(actor=world.admin, assembly=a, now=past - dt.timedelta(days=10))
    a.refresh_from_db()
    co = world.entry(a, "陈共有")
    services.designate_voter(actor=world.admin, entry=co, resident_id=world.chen.pk, reason="共有人书面指定")
    services.lock_roll(actor=world.admin, assembly=a)
    services.call(actor=world.admin, assembly=a, now=past - dt.timedelta(minutes=5))
    services.open_voting(actor=world.admin, assembly=a)
    a.refresh_from_db()
    co.refresh_from_db()
    buyer = registry.resident(grid=world.tree.g_liede1, name="买受人", phone="13900000012")
    unit = co.roll_units.get()
    lock = services._lock_for_ballot

    def sold_just_before_the_lock(assembly: Any) -> Any:  # the sale commits between 陈's checks and his lock
        services.transfer_unit(actor=world.admin, assembly=assembly, unit=unit, buyer_id=buyer.pk, reason="已办理转移登记")
        return lock(assembly)

    monkeypatch.setattr(services, "_lock_for_ballot", sold_just_before_the_lock)
    with pytest.raises(PermissionDenied) as err:
        vote(world.chen_user, a, {1: "agree", 2: "agree"})
    assert err.value.code == "not_on_roll"
    assert not services.Ballot.objects.filter(assembly=a, entry=co).exists()


def test_a_sale_ends_the_sellers_delegation(world: Any, registry: Any) -> None:
    a = world.assembly(opens_in=dt.timedelta(days=20))
    services.freeze_roll(actor=world.admin, assembly=a, now=timezone.now() - dt.timedelta(days=10))
    a.refresh_from_db()
    services.lock_roll(actor=world.admin, assembly=a)
    services.call(actor=world.admin, assembly=a)
    co = world.entry(a, "陈共有")
    services.designate_voter(actor=world.admin, entry=co, resident_id=world.chen.pk, reason="共有人书面指定")
    proxy = services.record_proxy(actor=world.admin, assembly=a, principal=co, holder_id=world.tenant.pk,
                                  document_name="委托书.pdf", document=b"%PDF-1.4\n%%EOF\n")
    buyer = registry.resident(grid=world.tree.g_liede1, name="买受人", phone="13900000012")
    services.transfer_unit(actor=world.admin, assembly=a, unit=co.roll_units.get(), buyer_id=buyer.pk, reason="已办理转移登记")
    proxy.refresh_from_db()
    assert proxy.revoked_at is not None


def test_the_housing_role_is_held_on_a_district_or_the_city_only(world: Any, registry: Any) -> None:
    from linli.accounts import services as acc
    from linli.accounts.roles import Role

    user = acc.create_user(actor=registry.actor, username="housing_x", password="Linli@2026x", display_name="住建")
    with pytest.raises(DomainError) as err:
        acc.assign_role(actor=registry.actor, user=user, role=Role.HOUSING, region=world.tree.liede_sq)
    assert err.value.code == "wrong_level"
    assert acc.assign_role(actor=registry.actor, user=user, role=Role.HOUSING, region=world.tree.tianhe).region_path
