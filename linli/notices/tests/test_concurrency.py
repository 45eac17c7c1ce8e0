"""Real concurrent clients on PostgreSQL: two people of the chain record the same household at
the same moment (and a member confirms reading at once): one record, never two."""


import pytest

from linli.accounts.roles import Role
from linli.core.models import AuditEvent
from linli.core.tests.concurrency import race, race_n
from linli.notices import services
from linli.notices.models import NoticeBuilding, NoticeHousehold

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_leaders_recording_one_household_leave_one_record(place, notice_of, registry, make_user):
    from linli.regions import services as rs

    rep = registry.resident(household=place.households[2], name="钱代表", phone="13800000004")
    rep_user = make_user(Role.REPRESENTATIVE, place.tree.g_liede1, resident=rep, username="rep")
    rs.assign_duty(actor=registry.actor, kind="representative", resident=rep, building=place.b1)
    for round_ in range(5):
        notice = notice_of()
        hh = place.households[1].pk
        outcomes = race([
            lambda: services.record_delivery(actor=place.leader, notice=notice, household_id=hh, how="door_to_door")[1],
            lambda: services.record_delivery(actor=rep_user, notice=notice, household_id=hh, how="phone")[1],
        ])
        assert sorted(outcomes) == [False, True], round_
        row = NoticeHousehold.objects.get(notice=notice, household_id=hh)
        assert row.reached_at is not None and row.by_id in (place.leader.pk, rep_user.pk)
        assert row.how == ("door_to_door" if row.by_id == place.leader.pk else "phone")
        assert AuditEvent.objects.filter(action="notice.deliver", target_id=str(notice.pk)).count() == 1
        assert _counts(notice) == {place.b1.pk: (1, 0), place.b2.pk: (0, 0)}


def test_a_confirmation_and_a_delivery_at_once_reach_the_household_once(place, notice_of):
    notice = notice_of()
    hh = place.households[0].pk  # the reader's household, in 1栋 of the leader
    race([
        lambda: services.confirm(actor=place.reader_user, notice=notice),
        lambda: services.record_delivery(actor=place.leader, notice=notice, household_id=hh)[1],
    ])
    row = NoticeHousehold.objects.get(notice=notice, household_id=hh)
    assert row.reached_at is not None and row.how in ("read_confirmed", "door_to_door")
    assert NoticeHousehold.objects.filter(notice=notice, reached_at__isnull=False).count() == 1
    assert _counts(notice) == {place.b1.pk: (1, int(row.how == "read_confirmed")), place.b2.pk: (0, 0)}


def test_the_building_counts_follow_concurrent_recordings(place, notice_of):
    """Three households of one building recorded at once, each twice: the building's count
    says three, the page's figures match the households' rows."""
    from linli.notices import selectors

    for _round in range(3):
        notice = notice_of()
        hhs = [h.pk for h in place.households[:3]]
        outcomes = race_n(6, lambda i: services.record_delivery(actor=place.leader, notice=notice, household_id=hhs[i % 3])[1])
        assert sorted(outcomes) == [False] * 3 + [True] * 3
        assert _counts(notice) == {place.b1.pk: (3, 0), place.b2.pk: (0, 0)}
        cov = selectors.coverage(notice, place.admin)
        assert (cov.reached, cov.total) == (NoticeHousehold.objects.filter(notice=notice, reached_at__isnull=False).count(), 4)


def _counts(notice):  # type: ignore[no-untyped-def]
    return {b: (r, c) for b, r, c in NoticeBuilding.objects.filter(notice=notice).values_list("building_id", "reached", "confirmed")}
