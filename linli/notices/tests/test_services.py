"""Notices' services: the fan-out, messaging, confirmations, delivery records (idempotent),
corrections, withdrawal, coverage, the chain's reminders and the gaps of 四个不漏."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.core import supervision
from linli.core.errors import DomainError
from linli.messaging.models import Delivery, Message
from linli.notices import selectors, services
from linli.notices.models import NoticeHousehold, NoticeVersion
from linli.notices.states import Status

pytestmark = pytest.mark.django_db(transaction=False)


def test_publish_fans_out_one_row_per_household_in_one_statement(place, notice_of, django_capture_on_commit_callbacks):
    draft = notice_of(publish=False)
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as q:
        notice = services.publish(actor=place.admin, notice=draft)
    inserts = [x["sql"] for x in q.captured_queries if "notices_noticehousehold" in x["sql"] and x["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert notice.status == Status.PUBLISHED and notice.households_total == 4
    rows = NoticeHousehold.objects.filter(notice=notice)
    assert {r.household_id for r in rows} == {h.pk for h in place.households}
    assert {r.building_id for r in rows} == {place.b1.pk, place.b2.pk}
    assert all(r.region_path == place.tree.g_liede1.path and r.reached_at is None for r in rows)
    # residents with an account get it in their inbox; the neighbours do not
    got = set(Message.objects.filter(kind="notices.notice").values_list("user_id", flat=True))
    assert got == {place.reader_user.pk, place.leader.pk}
    assert notice.remind_at is not None
    assert NoticeVersion.objects.get(notice=notice).number == 1


def test_urgent_notice_texts_residents_without_an_account(place, notice_of, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice_of(urgency="urgent")
    assert Message.objects.filter(kind="notices.urgent").count() == 2
    assert Delivery.objects.filter(kind="notices.urgent", message__isnull=True, channel="sms").count() == 1  # 赵无号


def test_urgent_kind_cannot_be_muted():
    from linli.messaging import kinds

    assert kinds.get("notices.urgent").mutable is False


def test_an_empty_area_cannot_be_published(place, tree):
    n = services.create_draft(actor=place.admin, title="通知", body="正文内容", node=tree.g_liede2)
    with pytest.raises(DomainError) as e:
        services.publish(actor=place.admin, notice=n)
    assert e.value.code == "no_households"


def test_sibling_admin_cannot_draft_for_another_community(place, tree):
    with pytest.raises(DomainError) as e:
        services.create_draft(actor=place.other_admin, title="通知", body="正文内容", node=tree.liede_sq)
    assert e.value.code == "forbidden"


def test_confirm_marks_the_household_reached_once(place, notice_of):
    notice = notice_of()
    assert services.confirm(actor=place.reader_user, notice=notice) is True
    assert services.confirm(actor=place.reader_user, notice=notice) is False
    row = NoticeHousehold.objects.get(notice=notice, household=place.households[0])
    assert row.how == "read_confirmed" and row.by_id == place.reader_user.pk
    with pytest.raises(DomainError) as e:
        services.confirm(actor=place.other_leader, notice=notice)
    assert e.value.code == "not_addressed"


def test_leader_records_delivery_only_in_his_buildings_and_only_once(place, notice_of):
    notice = notice_of()
    h = place.households
    row, done = services.record_delivery(actor=place.leader, notice=notice, household_id=h[2].pk, how="door_to_door", note="交给老人")
    assert done and row.how == "door_to_door" and row.note == "交给老人" and row.by_id == place.leader.pk
    again, done2 = services.record_delivery(actor=place.leader, notice=notice, household_id=h[2].pk, how="phone")
    assert not done2 and again.how == "door_to_door"
    with pytest.raises(DomainError) as e:  # 2栋 is not his
        services.record_delivery(actor=place.leader, notice=notice, household_id=h[3].pk)
    assert e.value.code == "not_found"
    with pytest.raises(DomainError):
        services.record_delivery(actor=place.other_leader, notice=notice, household_id=h[2].pk)
    with pytest.raises(DomainError) as e:
        services.record_delivery(actor=place.leader, notice=notice, household_id=h[1].pk, how="read_confirmed")
    assert e.value.code == "invalid"
    # the grid worker records for 2栋, where nobody is responsible
    _row, done3 = services.record_delivery(actor=place.grid_worker, notice=notice, household_id=h[3].pk, how="phone")
    assert done3


def test_a_notice_not_must_reach_takes_no_delivery_records(place, notice_of):
    notice = notice_of(must_reach=False)
    with pytest.raises(DomainError) as e:
        services.record_delivery(actor=place.leader, notice=notice, household_id=place.households[1].pk)
    assert e.value.code == "not_must_reach"


def test_coverage_per_grid_and_building_with_gaps(place, notice_of, django_assert_max_num_queries):
    notice = notice_of()
    services.confirm(actor=place.reader_user, notice=notice)
    services.record_delivery(actor=place.leader, notice=notice, household_id=place.households[1].pk)
    with django_assert_max_num_queries(5):
        cov = selectors.coverage(notice, place.admin)
    assert (cov.total, cov.reached, cov.confirmed, cov.percent) == (4, 2, 1, 50)
    assert cov.gaps == 1  # 2栋 has no 楼长 or 居民代表
    by_name = {b.name: (b.reached, b.total, b.gaps) for b in selectors.name_buildings(cov.buildings)}
    assert by_name == {"翠苑 1栋": (2, 3, 0), "翠苑 2栋": (0, 1, 1)}
    assert [(g.name, g.reached, g.total) for g in cov.grids] == [("第1网格", 2, 4)]
    assert {r["household_id"] for r in selectors.unreached(notice, place.admin)} == {place.households[2].pk, place.households[3].pk}
    # a sibling community's admin sees nothing of it
    assert selectors.coverage(notice, place.other_admin).total == 0


def test_leader_list_shows_only_his_chain(place, notice_of, django_assert_max_num_queries):
    notice = notice_of()
    with django_assert_max_num_queries(6):
        lists = selectors.leader_list(place.leader).notices
    assert len(lists) == 1 and lists[0]["total"] == 3
    assert {r["row"].household_id for r in lists[0]["rows"]} == {h.pk for h in place.households[:3]}
    assert selectors.leader_list(place.other_leader).notices == []
    services.record_delivery(actor=place.leader, notice=notice, household_id=place.households[0].pk)
    assert selectors.leader_list(place.leader).notices[0]["reached"] == 1


def test_correction_keeps_the_old_version_marked(place, notice_of):
    notice = notice_of()
    with pytest.raises(DomainError) as e:
        services.correct(actor=place.admin, notice=notice, title="停水通知(更正)", body="改为周日", note="")
    assert e.value.code == "reason_required"
    services.correct(actor=place.admin, notice=notice, title="停水通知(更正)", body="改为周日8时至12时停水。", note="日期有误")
    notice.refresh_from_db()
    assert notice.status == Status.PUBLISHED and notice.version == 2 and notice.title == "停水通知(更正)"
    old, new = NoticeVersion.objects.filter(notice=notice).order_by("number")
    assert old.superseded and old.body.startswith("周六") and not new.superseded and new.note == "日期有误"
    # the households stay as they were
    assert NoticeHousehold.objects.filter(notice=notice).count() == 4


def test_withdraw_needs_a_reason_and_ends_the_notice(place, notice_of):
    notice = notice_of()
    with pytest.raises(DomainError):
        services.withdraw(actor=place.admin, notice=notice, reason=" ")
    services.withdraw(actor=place.admin, notice=notice, reason="通知有误，另行发布")
    notice.refresh_from_db()
    assert notice.status == Status.WITHDRAWN and notice.withdraw_reason == "通知有误，另行发布"
    with pytest.raises(DomainError) as e:
        services.withdraw(actor=place.admin, notice=notice, reason="再次撤回")
    assert e.value.code == "illegal_transition"
    with pytest.raises(DomainError):
        services.confirm(actor=place.reader_user, notice=notice)


def test_reminders_go_up_the_chain(place, notice_of, django_capture_on_commit_callbacks):
    notice = notice_of()
    services.confirm(actor=place.reader_user, notice=notice)
    later = notice.remind_at + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        raised = supervision.sweep(later, names=["notices.notice"])
    assert raised["notices.notice"][3] == 1  # a week late: straight to the community admin
    told = set(Message.objects.filter(kind="notices.reminder").values_list("user_id", flat=True))
    assert told == {place.admin.pk}
    assert services.clock_told([notice], 1)[notice.pk] == [place.leader]
    assert services.clock_told([notice], 2)[notice.pk] == [place.grid_worker]


def test_a_fully_reached_notice_is_not_reminded(place, notice_of):
    notice = notice_of(building_id=place.b1.pk)
    for h in place.households[:3]:
        services.record_delivery(actor=place.leader, notice=notice, household_id=h.pk)
    assert not services.unreached_running().filter(pk=notice.pk).exists()
    assert supervision.sweep(timezone.now() + dt.timedelta(days=9), names=["notices.notice"])["notices.notice"] == {3: 0, 2: 0, 1: 0}


def test_public_notices_for_the_node_above_and_below(place, notice_of, tree):
    n = notice_of()
    street = services.publish(actor=place.street, notice=services.create_draft(
        actor=place.street, title="街道防汛通知", body="做好防汛准备。", node=tree.liede))
    community = [i.title for i in selectors.public_notices(tree.liede_sq.path, 10)]
    assert community == ["街道防汛通知", "停水通知"]
    assert [i.title for i in selectors.public_notices(tree.huabiao.path, 10)] == ["街道防汛通知"]
    assert {i.title for i in selectors.public_notices(tree.liede.path, 10)} == {"街道防汛通知", "停水通知"}
    assert [i.title for i in selectors.search(tree.liede_sq.path, "停水", 10)] == ["停水通知"]
    assert selectors.public_notices(tree.shipai_sq.path, 10) == []
    assert street.pk != n.pk


def test_household_list_notice_is_not_public(place):
    h = place.households
    n = services.publish(actor=place.admin, notice=services.create_draft(
        actor=place.admin, title="个别通知", body="请到社区办理。", household_ids=[h[0].pk, h[3].pk]))
    assert n.households_total == 2 and n.region_path == place.tree.g_liede1.path
    assert selectors.public_notices(place.tree.liede_sq.path, 10) == []


def test_attachments_are_checked_like_materials_and_served_with_the_notice(place, notice_of, client):
    notice = notice_of(publish=False)
    att = services.add_attachment(actor=place.admin, notice=notice, name="停水范围.pdf", data=b"%PDF-1.4 test")
    assert att.content_type == "application/pdf"
    with pytest.raises(DomainError) as e:
        services.add_attachment(actor=place.admin, notice=notice, name="x.exe", data=b"MZ\x90\x00 not a document")
    assert e.value.code == "bad_file"
    with pytest.raises(DomainError) as e:
        services.add_attachment(actor=place.other_admin, notice=notice, name="a.pdf", data=b"%PDF-1.4")
    assert e.value.code == "forbidden"
    assert client.get(f"/notices/{notice.pk}/attachments/{att.pk}/").status_code == 404  # a draft is not public
    services.publish(actor=place.admin, notice=notice)
    r = client.get(f"/notices/{notice.pk}/attachments/{att.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


def test_the_unreached_export_is_inert_in_excel_audited_and_only_for_the_sender_side(place, notice_of):
    import io

    from openpyxl import load_workbook

    from linli.core.models import AuditEvent
    from linli.regions.models import Compound

    Compound.objects.filter(pk=place.compound.pk).update(name="=HYPERLINK(\"http://x\",\"翠苑\")")
    notice = notice_of()
    data = services.export_unreached(actor=place.admin, notice=notice)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert len(rows) == 2 + 4  # title, headings, the four households
    cells = [str(v) for r in rows for v in r if v is not None]
    assert any("HYPERLINK" in c for c in cells) and not any(c.startswith("=") for c in cells)
    assert "王读者" not in " ".join(cells)  # addresses, never names
    assert AuditEvent.objects.filter(action="notice.export", changes__rows=4).count() == 1
    with pytest.raises(DomainError):
        services.export_unreached(actor=place.other_admin, notice=notice)
    with pytest.raises(DomainError):
        services.export_unreached(actor=place.reader_user, notice=notice)
