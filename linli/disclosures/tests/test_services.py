"""Services of public disclosure: the period from the calendar, corrections, objections inside
and outside the period, answers, the closing sweep, the clock and the messages."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.core.errors import DomainError
from linli.core.models import AuditEvent, CalendarDay
from linli.disclosures import kinds, services
from linli.disclosures.models import Disclosure, Objection
from linli.disclosures.states import Result, Status

pytestmark = pytest.mark.django_db

FRIDAY = timezone.make_aware(dt.datetime(2026, 12, 4, 10, 0))


def test_period_end_comes_from_the_calendar_for_working_day_kinds(world):
    from linli.core.calendar import invalidate

    CalendarDay.objects.create(date=dt.date(2026, 12, 7), is_workday=False, name="假日")  # Monday off
    invalidate()
    d = world.publish(kind="disclosures.finance", now=FRIDAY)  # 5 working days
    # Tue 8, Wed 9, Thu 10, Fri 11, (weekend), Mon 14
    assert (d.starts_on, d.ends_on, d.status) == (dt.date(2026, 12, 4), dt.date(2026, 12, 14), Status.OPEN)


def test_period_end_in_calendar_days(world):
    d = world.publish(kind="disclosures.general", now=FRIDAY)
    assert d.ends_on == dt.date(2026, 12, 11)  # 7 days, weekends and holidays counted
    assert world.publish(kind="disclosures.voter_list", now=FRIDAY).ends_on == dt.date(2026, 12, 24)


def test_a_correction_is_a_new_version_and_restarts_the_period(world):
    d = world.publish(now=timezone.now() - dt.timedelta(days=3))
    old_end = d.ends_on
    new = services.correct(actor=world.worker, disclosure=d, title=d.title, content="经核实，分摊比例按面积计算，费用另行公示。",
                           note="按异议更正分摊方式")
    d.refresh_from_db()
    assert d.status == Status.SUPERSEDED and d.content.startswith("经业主大会")  # the old text kept, readable
    assert (new.version, new.series_id, new.status) == (2, d.pk, Status.OPEN)
    assert new.starts_on == timezone.localdate() and new.ends_on > old_end
    assert AuditEvent.objects.filter(action="disclosure.correct", target_id=str(d.pk)).exists()
    with pytest.raises(DomainError) as exc:  # the superseded one is not corrected again
        services.correct(actor=world.worker, disclosure=d, title="x" * 5, content="更正内容内容", note="再次更正")
    assert exc.value.code == "illegal_transition"


def test_objections_only_during_the_period_and_only_from_the_area(world):
    over = world.publish(now=timezone.now() - dt.timedelta(days=30))
    with pytest.raises(DomainError) as exc:
        world.object(over)
    assert (exc.value.code, exc.value.status) == ("not_in_period", 409)
    d = world.publish()
    with pytest.raises(DomainError) as exc:
        world.object(d, actor=world.outsider)  # a resident of the sibling community
    assert (exc.value.code, exc.value.status) == ("not_of_area", 403)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(DomainError) as exc:
        world.object(d, actor=AnonymousUser())
    assert exc.value.code == "not_of_area"
    with pytest.raises(DomainError) as exc:
        world.object(d, actor=world.worker)  # staff answer, they do not object
    assert exc.value.status == 403
    o = world.object(d)
    assert o.objector == world.resident and o.contact_phone == "13912345678"
    assert o.due_on == kinds.get(d.kind).answer_due(timezone.localdate())


def test_anyone_objects_to_a_public_kind_with_a_phone(world):
    from django.contrib.auth.models import AnonymousUser

    d = world.publish(kind="disclosures.general")
    with pytest.raises(DomainError) as exc:
        world.object(d, actor=AnonymousUser())
    assert exc.value.details["field"] == "phone"
    o = world.object(d, actor=AnonymousUser(), phone="13800001111", name="路人甲", id_number=world.id_number, ip="1.2.3.4")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT contact_phone, contact_id_number FROM disclosures_objection WHERE id = %s", [o.pk])
        stored = cur.fetchone()
    assert "13800001111" not in stored[0] and world.id_number not in stored[1]  # encrypted at rest
    assert o.objector is None


def test_text_shown_publicly_may_not_carry_an_id_number_or_phone(world):
    with pytest.raises(DomainError) as exc:
        world.publish(content=f"张三 {world.id_number} 领取补贴")
    assert exc.value.code == "personal_data"
    d = world.publish()
    with pytest.raises(DomainError) as exc:
        world.object(d, text="请打电话 13912345678 联系我")
    assert exc.value.code == "personal_data"


def test_a_digest_whose_digits_look_like_a_phone_is_not_personal_data(world):
    # A record digest such as an assembly's result carries runs of digits inside hex; one of them may
    # read like a mobile number. It is not one, and publishing must not be refused for it.
    digest = "c41ebd0ea14086527503caac10a2c9759ed825e11c2816be6821d22def26922f"
    d = world.publish(content=f"表决记录摘要 {digest}，业主可凭回执码核对。")
    assert digest in d.content
    with pytest.raises(DomainError) as exc:
        world.publish(content="电话13912345678联系")  # a real number next to Chinese text is still caught
    assert exc.value.code == "personal_data"


@pytest.mark.usefixtures("real_write_limits")
def test_objections_are_rate_limited(world):
    d = world.publish()
    for _i in range(5):
        world.object(d)
    with pytest.raises(DomainError) as exc:
        world.object(d)
    assert exc.value.code == "rate_limited" and exc.value.status == 429


def test_answer_once_by_staff_of_the_area_and_the_objector_is_told(world, django_capture_on_commit_callbacks):
    from linli.messaging.models import Message

    d = world.publish()
    with django_capture_on_commit_callbacks(execute=True):
        o = world.object(d)
    assert Message.objects.filter(user=world.worker, kind="disclosures.objection").exists()
    with pytest.raises(DomainError) as exc:
        services.answer_objection(actor=world.sibling, objection=o, answer="答复内容如下", outcome="rejected")
    assert exc.value.code == "forbidden"
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_objection(actor=world.admin, objection=o, answer="分摊方式经业主大会表决通过", outcome="rejected")
    o.refresh_from_db()
    assert (o.status, o.outcome, o.answered_by) == ("answered", "rejected", world.admin)
    assert Message.objects.filter(user=world.resident, kind="disclosures.answer").exists()
    with pytest.raises(DomainError) as exc:
        services.answer_objection(actor=world.worker, objection=o, answer="再答复一次", outcome="upheld")
    assert exc.value.code == "illegal_transition"


def test_withdraw_needs_a_reason(world):
    d = world.publish()
    with pytest.raises(DomainError) as exc:
        services.withdraw(actor=world.worker, disclosure=d, reason="撤")
    assert exc.value.code == "reason_required"
    services.withdraw(actor=world.worker, disclosure=d, reason="决议尚未签字确认")
    d.refresh_from_db()
    assert (d.status, d.withdraw_reason) == (Status.WITHDRAWN, "决议尚未签字确认")


def test_the_sweep_closes_ended_periods_with_their_result(world):
    long_ago = timezone.now() - dt.timedelta(days=30)
    quiet = world.publish(now=long_ago)
    objected = world.publish(now=long_ago)
    Objection.objects.create(disclosure=objected, region_path=objected.region_path, text="有异议", due_on=dt.date.today())
    running = world.publish()
    assert services.close_due() == 2
    assert services.close_due() == 0  # idempotent
    quiet.refresh_from_db()
    objected.refresh_from_db()
    running.refresh_from_db()
    assert (quiet.status, quiet.result) == (Status.CLOSED, Result.NO_OBJECTION)
    assert (objected.status, objected.result) == (Status.CLOSED, Result.PENDING)
    assert running.status == Status.OPEN
    o = objected.objections.get()
    services.answer_objection(actor=world.worker, objection=o, answer="经核实异议成立，将更正", outcome="upheld")
    objected.refresh_from_db()
    assert objected.result == Result.UPHELD  # a late answer updates the result
    new = services.correct(actor=world.worker, disclosure=objected, title=objected.title, content="更正后的公示内容全文",
                           note="异议成立，更正")
    assert new.status == Status.OPEN and new.version == 2


def test_close_by_hand_only_after_the_period(world):
    d = world.publish()
    with pytest.raises(DomainError) as exc:
        services.close(actor=world.worker, disclosure=d)
    assert exc.value.code == "period_running"
    old = world.publish(now=timezone.now() - dt.timedelta(days=30))
    services.close(actor=world.worker, disclosure=old)
    assert Disclosure.objects.get(pk=old.pk).status == Status.CLOSED


def test_the_periodic_task_is_registered():
    from linli.core import registry

    assert "linli.disclosures.tasks.close_ended_disclosures" in registry.periodic_tasks()


def test_unanswered_objections_are_on_the_supervision_clock(world):
    from linli.core import supervision
    from linli.core.models import Escalation

    d = world.publish()
    o = world.object(d)
    Objection.objects.filter(pk=o.pk).update(due_on=dt.date.today() - dt.timedelta(days=10))
    clock = supervision.clock_for(Objection)
    assert clock.name == "disclosures.objection"
    supervision.sweep()
    o.refresh_from_db()
    assert o.escalation_level == 2
    assert Escalation.objects.filter(object_id=o.pk, level=2).exists()


def test_publish_scope_and_sources(world, tree):
    with pytest.raises(DomainError) as exc:
        world.publish(actor=world.sibling)  # 华标's admin publishes nothing to 猎德
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError) as exc:
        world.publish(kind="nope")
    assert exc.value.code == "unknown_kind"
    d = world.publish(actor=world.street, region=tree.liede, source=tree.liede, source_url="/assemblies/3/")
    assert (d.source_label, d.source_id, d.source_url) == (str(tree.liede), str(tree.liede.pk), "/assemblies/3/")
    assert d.source == tree.liede
    with pytest.raises(DomainError):
        world.publish(source_url="https://evil.example/")


def test_attachments_are_checked_like_other_uploads(world):
    with pytest.raises(DomainError) as exc:
        world.publish(files=[("a.exe", b"MZ\x90\x00not a document")])
    assert exc.value.code == "bad_file"
    d = world.publish(files=[("决议.pdf", b"%PDF-1.4 test")])
    att = d.attachments.get()
    assert (att.name, att.content_type) == ("决议.pdf", "application/pdf")


@pytest.mark.django_db(transaction=False)
def test_the_demo_seeds_disclosures_once():
    import io

    from django.core.management import call_command

    call_command("seed_demo", residents=300, quiet=True, stdout=io.StringIO())
    # the demo assembly's roll disclosure and the demo election's voter list
    Disclosure.objects.filter(kind__startswith="assemblies.").delete()
    Disclosure.objects.filter(kind__startswith="elections.").delete()
    Disclosure.objects.filter(kind__startswith="consultation.").delete()  # the demo topics' results
    Disclosure.objects.filter(kind__startswith="projects.").delete()  # the demo 微实事 chosen list
    assert Disclosure.objects.count() == 4  # three series, one corrected
    answered = Objection.objects.get()
    assert answered.status == "answered" and answered.disclosure.title.startswith("翠苑小区")
    assert Disclosure.objects.filter(status=Status.SUPERSEDED).count() == 1
    call_command("seed_disclosures_demo", stdout=io.StringIO())
    assert Disclosure.objects.count() == 4


def test_the_portal_section_and_search(world, tree):
    from linli.core import registry
    from linli.core.registry import PortalItem
    from linli.disclosures import selectors

    community = world.publish(kind="disclosures.general", title="猎德社区停水公示")
    street = world.publish(kind="disclosures.general", actor=world.street, region=tree.liede, title="猎德街道路改造公示")
    world.publish(title="猎德社区业主决议公示")  # residents only: never on the public portal
    sibling = world.publish(kind="disclosures.general", actor=world.sibling, region=tree.huabiao, title="华标社区绿化公示")
    section = next(s for s in registry.portal_sections() if s.key == "disclosures")
    at_community = section.items(tree.liede_sq.path, 10)
    assert all(isinstance(i, PortalItem) for i in at_community)
    assert {i.title for i in at_community} == {community.title, street.title}  # itself and the street above
    assert {i.title for i in section.items(tree.liede.path, 10)} == {community.title, street.title, sibling.title}
    item = next(i for i in at_community if i.title == community.title)
    assert (item.url, item.when, item.badge) == (f"/disclosures/{community.pk}/", community.ends_on, "公示中")
    assert section.items(tree.liede_sq.path, 1)[0].title in {community.title, street.title}
    search = next(s for s in registry.portal_searches() if s.key == "disclosures")
    assert [i.title for i in search.search(tree.liede_sq.path, "停水", 10)] == [community.title]
    assert search.search(tree.liede_sq.path, "业主决议", 10) == []
    assert search.search(tree.liede_sq.path, "", 10) == []
    services.close_due()
    Disclosure.objects.filter(pk=community.pk).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    services.close_due()
    assert next(i for i in selectors.public_disclosures(tree.liede_sq.path, 10) if i.title == community.title).badge == "已结束"


def test_a_withdrawn_disclosures_objections_leave_the_clock(world):
    from linli.core import supervision

    d = world.publish()
    o = world.object(d)
    Objection.objects.filter(pk=o.pk).update(due_on=dt.date.today() - dt.timedelta(days=10))
    services.withdraw(actor=world.worker, disclosure=d, reason="公示内容有误，撤回重发")
    supervision.sweep()
    o.refresh_from_db()
    assert o.escalation_level == 0  # nobody is urged over an objection to a withdrawn text
