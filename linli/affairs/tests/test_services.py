import datetime as dt
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.affairs import selectors, services, states
from linli.affairs.models import Application, Certificate, ServiceItem
from linli.affairs.states import Action, Status
from linli.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from linli.core.models import FollowUp as Rectification
from linli.messaging.models import Message

pytestmark = pytest.mark.django_db


def on(day: dt.date):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def test_catalogue_is_seeded_with_materials_and_limits():
    items = ServiceItem.objects.filter(active=True)
    assert items.count() >= 40
    local = items.filter(citywide=False)
    assert 5 <= local.count() < items.count() / 2  # most items are 全市通办, some only where the applicant lives
    assert {i.local_scope for i in local} == {"community", "street"}
    assert items.get(code="YL01").citywide and not items.get(code="HJ03").citywide
    for code in ("YL01", "JZ01", "JZ03", "SY01", "HJ01", "YB01", "JY01", "JY02", "CJ01"):
        item = items.get(code=code)
        assert item.committed_limit_days <= item.legal_limit_days and item.materials.exists()


def test_citywide_acceptance_and_region_isolation(desk):
    """A 泮塘 (荔湾) caseworker accepts for a 猎德 (天河) resident; the matter is 泮塘's, not 猎德's."""
    app = desk.at_pantang(received=[m.pk for m in desk.elder.materials.all()])
    assert app.status == Status.ACCEPTED and app.region_path == desk.tree.pantang.path
    assert app.home_path == desk.tree.liede_sq.path and app.number.startswith("A")
    assert app.due_date == services.due_date(app.accepted_on, 10, 0)
    assert app.materials.filter(received=True).count() == desk.elder.materials.count()
    assert list(selectors.queue(desk.pantang_worker)) == [app]
    assert list(selectors.queue(desk.liede_worker)) == []  # the home community does not see it
    with pytest.raises(NotFound):
        selectors.application_for(desk.liede_worker, app.pk)
    with pytest.raises(PermissionDenied):
        services.process(actor=desk.liede_worker, app=app)
    assert selectors.application_for(desk.user, app.pk) == app  # the applicant follows it
    with pytest.raises(PermissionDenied):  # a window the caseworker does not work at
        services.accept_at_window(actor=desk.liede_worker, centre=desk.pantang_centre, item=desk.elder, resident=desk.resident)
    local_only = ServiceItem.objects.get(code="HJ04")  # 出租屋信息登记: seeded as accepted only where the house is
    assert not local_only.citywide and local_only.local_scope == "community"
    with pytest.raises(DomainError) as err:
        desk.at_pantang(item=local_only)
    assert err.value.code == "not_citywide"


def test_online_application_full_lifecycle_with_rating(desk):
    app = desk.online(note="父亲今年满80岁")
    assert app.status == Status.SUBMITTED and app.region_path == desk.tree.liede_sq.path
    assert Message.objects.filter(user=desk.liede_worker, link__contains=str(app.pk)).exists()
    app = services.accept(actor=desk.liede_worker, app=app)
    app = services.forward(actor=desk.liede_worker, app=app, to="猎德街道社会事务办")
    with pytest.raises(Conflict):  # the department answers first
        services.complete(actor=desk.liede_worker, app=app, outcome="approved", note="核准，次月起发放")
    app = services.return_from_department(actor=desk.liede_worker, app=app, outcome="approved", note="街道审核通过")
    app = services.complete(actor=desk.liede_worker, app=app, outcome="approved", note="核准，次月起发放")
    assert app.status == Status.COMPLETED and app.completed_at is not None
    with pytest.raises(PermissionDenied):
        services.rate(actor=desk.liede_worker, app=app, rating=5)
    app = services.rate(actor=desk.user, app=app, rating=5, comment="很快")
    with pytest.raises(Conflict):
        services.rate(actor=desk.user, app=app, rating=1)  # one rating per matter
    events = [e.action for e in app.events.all()]
    assert events == ["submit", "accept", "forward", "return", "complete", "rate"]
    texts = list(Message.objects.filter(user=desk.user).values_list("text", flat=True))
    assert any("已受理" in t for t in texts) and any("已办结" in t for t in texts)


def test_illegal_transitions_and_bad_input(desk):
    app = desk.online()
    with pytest.raises(Conflict) as err:
        services.complete(actor=desk.liede_worker, app=app, outcome="approved", note="x")
    assert err.value.code == "illegal_transition" and "已提交" in str(err.value.message)
    with pytest.raises(DomainError):
        services.refuse(actor=desk.liede_worker, app=app, reason="  ")
    app = services.refuse(actor=desk.liede_worker, app=app, reason="不符合年龄条件")
    assert app.status == Status.REFUSED
    with pytest.raises(Conflict):
        services.accept(actor=desk.liede_worker, app=app)
    with pytest.raises(DomainError):
        services.accept_at_window(actor=desk.pantang_worker, centre=desk.pantang_centre, item=desk.elder,
                                  applicant_name="路人", applicant_id_number="440106199001011234")  # bad check digit
    offline = ServiceItem.objects.get(code="CJ03")
    with pytest.raises(DomainError) as e2:
        desk.online(item=offline)
    assert e2.value.code == "not_online"


def test_correction_stops_the_clock_over_national_day(desk):
    """Accepted Mon 2025-09-29 with 10 working days; correction requested Tue 9-30, supplied Thu
    10-09: the wait spans 国庆 (10-01..10-08) and 10-09 is a working day. Only working days of the
    wait are added: 9-30→10-09 is 1 working day (10-09), plus the make-up Saturday 10-11 is not in it."""
    with on(dt.date(2025, 9, 29)):
        app = desk.at_pantang(item=desk.elder)
    assert app.due_date == dt.date(2025, 10, 20)  # 9-30, 10-09..10-11(sat, make-up), 10-13..10-17, 10-20
    card = app.materials.first()
    with on(dt.date(2025, 9, 30)):
        app = services.request_correction(actor=desk.pantang_worker, app=app, materials=[card.pk], extra=["委托书原件"])
    assert app.status == Status.CORRECTION and app.paused_since == dt.date(2025, 9, 30)
    assert app.materials.filter(requested=True).count() == 2
    assert app not in selectors.queue(desk.pantang_worker, flt="overdue")
    with on(dt.date(2025, 10, 9)):
        app = services.supply(actor=desk.user, app=app, material=card, data=b"%PDF-1.4 test")
        assert app.status == Status.CORRECTION  # one still missing
        extra = app.materials.get(name="委托书原件")
        app = services.supply(actor=desk.pantang_worker, app=app, material=extra)  # paper copy at the window
    assert app.status == Status.ACCEPTED and app.paused_days == 1
    assert app.due_date == dt.date(2025, 10, 21)
    assert [e.action for e in app.events.all()][-1] == "supply"
    assert app.events.last().action_label == "补正完成"


def test_supply_is_only_for_the_applicant_or_the_window(desk, make_user, tree):
    from linli.accounts.roles import Role

    app = desk.online()
    app = services.accept(actor=desk.liede_worker, app=app)
    card = app.materials.first()
    app = services.request_correction(actor=desk.liede_worker, app=app, materials=[card.pk])
    stranger = make_user(Role.RESIDENT, tree.g_liede1)
    with pytest.raises(PermissionDenied):
        services.supply(actor=stranger, app=app, material=card, data=b"%PDF-1.4")
    with pytest.raises(DomainError):
        services.supply(actor=desk.user, app=app, material=card, data=b"MZ\x90\x00 not a document")


def test_bad_rating_opens_rectification_and_reply_reaches_applicant(desk):
    app = desk.decide(services.accept(actor=desk.liede_worker, app=desk.online()), actor=desk.liede_worker, outcome="denied")
    app = services.complete(actor=desk.liede_worker, app=app, outcome="denied", note="年龄未满80周岁")
    services.rate(actor=desk.user, app=app, rating=2, comment="跑了两趟")
    rect = Rectification.objects.for_target(app).get()
    assert rect.region_path == desk.tree.liede_sq.path and rect.due_date > dt.date.today()
    assert list(selectors.rectifications_for(desk.liede_admin)) == [rect]
    assert list(selectors.rectifications_for(desk.pantang_admin)) == []
    with pytest.raises(PermissionDenied):
        services.reply_rectification(actor=desk.pantang_admin, rect=rect, reply="x")
    services.reply_rectification(actor=desk.liede_admin, rect=rect, reply="已约谈窗口人员，材料清单已在网上公示")
    assert Message.objects.filter(user=desk.user, text__contains="社区回复").exists()
    f = selectors.figures(desk.liede_admin)
    assert (f.received, f.completed, f.bad_ratings, f.average_rating) == (1, 1, 1, 2.0)


def sweep(day: dt.date) -> dict[int, int]:
    """The supervision clock over applications on ``day`` (at noon): how many raised to each level."""
    from django.utils import timezone

    from linli.core import supervision

    noon = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
    return supervision.sweep(now=noon, names=["affairs.application"])["affairs.application"]


def test_escalation_sweep_is_idempotent(desk):
    with on(dt.date(2026, 3, 2)):
        app = desk.at_pantang(item=desk.insurance)  # due 3-03
    assert sweep(dt.date(2026, 3, 3)) == {2: 0, 1: 0}
    assert sweep(dt.date(2026, 3, 4)) == {2: 0, 1: 1}
    assert sweep(dt.date(2026, 3, 4)) == {2: 0, 1: 0}
    assert Message.objects.filter(user=desk.pantang_admin, text__contains=app.number).count() == 1
    assert sweep(dt.date(2026, 3, 9)) == {2: 1, 1: 0}
    app.refresh_from_db()
    assert app.escalation_level == 2
    assert list(selectors.queue(desk.pantang_worker, flt="overdue")) == [app]  # due 2026-03-03, long past


def test_item_change_never_alters_accepted_applications(desk):
    app = desk.at_pantang()
    before = list(app.materials.values_list("name", flat=True))
    item = ServiceItem.objects.get(pk=desk.elder.pk)
    item.committed_limit_days = 5
    item.version = services.next_item_version(item)
    item.save()
    item.materials.all().delete()
    app.refresh_from_db()
    assert item.version == app.item_version + 1
    assert app.limit_days == 10 and list(app.materials.values_list("name", flat=True)) == before


RESIDENCE = {"since": "2020-01", "address": "猎德花园3栋501", "tenure": "租住"}


def test_certificates_only_from_the_list_verified_and_revoked(desk, client):
    with pytest.raises(DomainError) as err:
        services.request_certificate(actor=desk.user, kind="无犯罪记录证明", purpose="求职")
    assert err.value.code == "not_on_list" and "/affairs/certificates/" in str(err.value.message)
    cert = services.request_certificate(actor=desk.user, kind="居住证明", purpose="子女入学")
    with pytest.raises(PermissionDenied):
        services.issue_certificate(actor=desk.pantang_worker, cert=cert, facts=RESIDENCE, issuer_name="泮塘社区居委会")
    cert = services.issue_certificate(actor=desk.liede_worker, cert=cert, facts=RESIDENCE, issuer_name="猎德社区居民委员会")
    assert cert.serial.startswith("ZM") and "申请人甲" in cert.body and cert.resident.id_number not in cert.body
    page = client.get(f"/affairs/verify/{cert.verify_code}/").content.decode()
    assert cert.serial in page and "有效" in page and cert.resident.id_number not in page
    services.revoke_certificate(actor=desk.liede_worker, cert=cert, reason="居住信息有误")
    page = client.get(f"/affairs/verify/{cert.verify_code}/").content.decode()
    assert "已撤销" in page and "居住信息有误" in page
    assert client.get("/affairs/verify/NOSUCHCODE/").status_code == 404
    other = services.request_certificate(actor=desk.user, kind="ZM02", purpose="继承")
    other = services.refuse_certificate(actor=desk.liede_worker, cert=other, reason="可凭户口簿证明，无需社区出具")
    assert other.state == Certificate.State.REFUSED


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seq=st.lists(st.sampled_from([a.value for a in Action]), max_size=12))
def test_state_machine_never_completes_without_acceptance(seq):
    status = Status.SUBMITTED
    accepted = False
    for action in seq:
        nxt = states.next_status(status, action)
        if nxt is None:
            continue
        if action == Action.ACCEPT:
            accepted = True
        if nxt == Status.COMPLETED:
            assert accepted
        if status in states.FINAL:
            raise AssertionError("left a final state")
        status = nxt
    assert status in Status.values


def test_services_follow_the_state_machine(desk):
    """Driving the real services with every action from every reachable state: what the table
    allows succeeds, anything else is refused without a change."""
    reached = {Status.SUBMITTED}
    for action in [a.value for a in Action]:
        app = desk.online(confirm_duplicate=True)
        before = app.status
        data = {"reason": "理由", "to": "街道", "outcome": "approved", "note": "结果",
                "materials": [app.materials.first().pk]}
        allowed = states.next_status(before, action) is not None and action != Action.SUPPLY
        try:
            app = services.perform(actor=desk.liede_worker if action != Action.WITHDRAW else desk.user, app=app,
                                   action=action, data=data)
            assert allowed, action
            reached.add(app.status)
        except (Conflict, DomainError):
            assert not allowed or action == Action.SUPPLY, action
            assert Application.objects.get(pk=app.pk).status == before
    assert {Status.ACCEPTED, Status.REFUSED, Status.WITHDRAWN} <= reached


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(accepted=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 11, 30)),
       limit=st.integers(min_value=1, max_value=30), pause_at=st.integers(min_value=0, max_value=20),
       pause_for=st.integers(min_value=0, max_value=25))
def test_paused_clock_counts_exactly_the_committed_working_days(desk, accepted, limit, pause_at, pause_for):
    """Whatever the holidays and make-up days, the promised date leaves exactly `limit` working
    days of running clock: the working days spent waiting for a correction are added, no more."""
    from linli.core import calendar

    paused_since = accepted + dt.timedelta(days=pause_at)
    resumed = paused_since + dt.timedelta(days=pause_for)
    paused = calendar.working_days_between(paused_since, resumed)
    due = services.due_date(accepted, limit, paused)
    assert calendar.is_working_day(due)
    assert calendar.working_days_between(accepted, due) - paused == limit
    assert due >= services.due_date(accepted, limit, 0)
    if paused == 0:  # a wait entirely over a weekend or a holiday moves nothing
        assert due == services.due_date(accepted, limit, 0)


# ---------------------------------------------------------------- audit gaps

def test_online_acceptance_records_the_accepting_window(desk, registry, make_user):
    """An online application accepted by a caseworker gets the window of the accepting community,
    so the receipt names it and the per-window figures count it."""
    from linli.affairs.models import ServiceCentre

    app = services.accept(actor=desk.liede_worker, app=desk.online())
    assert app.centre == desk.liede_centre
    assert "猎德社区党群服务中心" in app.events.get(action="accept").note
    rows = {r["centre_id"]: r for r in selectors.figures_by_centre(desk.liede_admin)}
    assert rows[desk.liede_centre.pk]["received"] == 1
    # a second window in the community: the caseworker says which one; another community's is refused
    station = ServiceCentre.objects.create(name="猎德社区便民服务站", region=desk.tree.g_liede2, address="猎德路9号")
    second = desk.online(confirm_duplicate=True)
    with pytest.raises(DomainError) as err:
        services.accept(actor=desk.liede_worker, app=second)
    assert err.value.details["field"] == "centre" and Application.objects.get(pk=second.pk).status == Status.SUBMITTED
    with pytest.raises(DomainError):
        services.accept(actor=desk.liede_worker, app=second, centre=desk.pantang_centre)
    assert services.accept(actor=desk.liede_worker, app=second, centre=station).centre == station
    # a community without any registered window cannot silently accept without one
    neighbour = registry.resident(household=registry.household(desk.tree.g_huabiao), name="华标居民")
    user = make_user("resident", desk.tree.g_huabiao, phone="13900004444", resident=neighbour)
    far = services.apply_online(actor=user, item=desk.elder, files={
        m.pk: b"%PDF-1.4 x" for m in desk.elder.materials.all() if m.required})
    with pytest.raises(DomainError) as err:
        services.accept(actor=desk.street_admin, app=far)
    assert err.value.code == "no_centre"


def test_an_online_application_missing_a_required_material_is_not_accepted(desk):
    """Accepting online checks the materials again: one that never came (or that the window did
    not tick off) stops the acceptance with its name, and the application stays as it was; the
    window then asks for it once (一次性告知), or ticks it as handed in on paper."""
    required = [m for m in desk.elder.materials.all() if m.required]
    app = desk.online(files={})
    with pytest.raises(DomainError) as err:
        services.accept(actor=desk.liede_worker, app=app)
    assert err.value.code == "materials_missing" and err.value.details["missing"] == [m.name for m in required]
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED and app.accepted_on is None and not app.events.filter(action="accept").exists()
    ticked = list(app.materials.filter(required=True).values_list("pk", flat=True))  # handed in at the window
    assert services.accept(actor=desk.liede_worker, app=app, received=ticked).status == Status.ACCEPTED


def test_correction_is_notified_only_once(desk):
    """一次性告知: after the applicant supplied what was asked, a second correction is refused."""
    app = services.accept(actor=desk.liede_worker, app=desk.online())
    card = app.materials.first()
    app = services.request_correction(actor=desk.liede_worker, app=app, materials=[card.pk])
    app = services.supply(actor=desk.user, app=app, material=card, data=b"%PDF-1.4 x")
    assert app.status == Status.ACCEPTED and app.correction_notified
    app = services.process(actor=desk.liede_worker, app=app)
    other = app.materials.exclude(pk=card.pk).first()
    with pytest.raises(Conflict) as err:
        services.request_correction(actor=desk.liede_worker, app=app, materials=[other.pk])
    assert err.value.code == "correction_once" and "一次性告知" in str(err.value.message)
    app.refresh_from_db()
    assert app.status == Status.IN_PROGRESS and not app.materials.filter(requested=True).exists()
    assert [e.action for e in app.events.all()].count("request_correction") == 1
    app = desk.decide(app, actor=desk.liede_worker)  # 高龄津贴 is decided by the street
    done = services.complete(actor=desk.liede_worker, app=app, outcome="approved", note="ok")
    with pytest.raises(Conflict) as err:  # a closed matter: the state refuses first
        services.request_correction(actor=desk.liede_worker, app=done, materials=[other.pk])
    assert err.value.code == "illegal_transition"


def test_issue_rechecks_that_the_kind_is_still_on_the_list(desk):
    from linli.affairs.models import CertificateKind

    cert = services.request_certificate(actor=desk.user, kind="ZM06", purpose="遗属待遇")
    CertificateKind.objects.filter(code="ZM06").update(active=False)  # taken off the list meanwhile
    with pytest.raises(Conflict) as err:
        services.issue_certificate(actor=desk.liede_worker, cert=cert, facts={}, issuer_name="猎德社区居民委员会")
    assert err.value.code == "not_on_list" and "/affairs/certificates/" in str(err.value.message)
    assert "未再婚" in str(err.value.message)
    cert.refresh_from_db()
    assert cert.state == Certificate.State.REQUESTED and cert.serial is None
    cert = services.refuse_certificate(actor=desk.liede_worker, cert=cert, reason="已移出清单，改为个人承诺")
    assert cert.state == Certificate.State.REFUSED


def test_withdraw_and_revocation_notify_the_other_side(desk):
    app = desk.online()
    services.withdraw(actor=desk.user, app=app, reason="材料不全，改天再来")
    assert Message.objects.filter(user=desk.liede_worker, text__contains="撤回", link__contains=str(app.pk)).exists()
    assert not Message.objects.filter(user=desk.user, text__contains="撤回").exists()
    at_window = desk.at_pantang()
    at_window.applicant_user = desk.user
    at_window.save()
    services.withdraw(actor=desk.pantang_worker, app=at_window, reason="申请人电话要求撤回")
    assert Message.objects.filter(user=desk.user, text__contains="已由窗口撤回").exists()
    cert = services.request_certificate(actor=desk.user, kind="ZM01", purpose="入学")
    cert = services.issue_certificate(actor=desk.liede_worker, cert=cert, facts=RESIDENCE, issuer_name="猎德社区居民委员会")
    services.revoke_certificate(actor=desk.liede_worker, cert=cert, reason="居住信息有误")
    note = Message.objects.get(user=desk.user, text__contains="已被撤销")
    assert cert.serial in note.text and "居住信息有误" in note.text and note.link == f"/affairs/certificates/{cert.pk}/"


def test_forwarding_is_tracked_with_working_day_due_date_and_return(desk):
    """转办: department, when sent, the working day it answers by (over a holiday), the return with
    its outcome; the return resumes handling; overdue forwardings are listed."""
    from linli.affairs.models import Forwarding

    with on(dt.date(2025, 9, 29)):  # Monday before 国庆
        app = desk.at_pantang()
        app = services.forward(actor=desk.pantang_worker, app=app, to="荔湾区民政局", days=3, note="请核对户籍")
    fwd = Forwarding.objects.get(application=app)
    assert fwd.department == "荔湾区民政局" and fwd.days == 3 and fwd.is_open and fwd.region_path == app.region_path
    assert fwd.due_date == dt.date(2025, 10, 10)  # 9-30, (10-01..10-08 holiday), 10-09, 10-10
    assert app.status == Status.FORWARDED and app.forwarded_to == "荔湾区民政局"
    assert "2025-10-10" in app.events.get(action="forward").note
    assert Message.objects.filter(user=desk.user, text__contains="已转 荔湾区民政局").exists()
    with on(dt.date(2025, 10, 13)):
        assert list(selectors.queue(desk.pantang_worker, flt="forward_overdue")) == [app]
        assert fwd.overdue
    with pytest.raises(DomainError):
        services.return_from_department(actor=desk.pantang_worker, app=app, outcome="done", note="x")
    with pytest.raises(DomainError):
        services.return_from_department(actor=desk.pantang_worker, app=app, outcome="approved", note=" ")
    with pytest.raises(PermissionDenied):  # the applicant's home community is not the handling window
        services.return_from_department(actor=desk.liede_worker, app=app, outcome="approved", note="ok")
    app = services.return_from_department(actor=desk.pantang_worker, app=app, outcome="returned", note="户籍信息需更正后再报")
    fwd.refresh_from_db()
    assert app.status == Status.IN_PROGRESS and not fwd.is_open and fwd.outcome == "returned"
    assert fwd.returned_by == desk.pantang_worker and fwd.outcome_note == "户籍信息需更正后再报"
    assert app.events.last().action == "return" and app.events.last().action_label == "部门反馈"
    assert Message.objects.filter(user=desk.user, text__contains="荔湾区民政局 反馈").exists()
    assert list(selectors.queue(desk.pantang_worker, flt="forward_overdue")) == []
    with pytest.raises(Conflict):  # nothing is waiting for a department any more
        services.return_from_department(actor=desk.pantang_worker, app=app, outcome="approved", note="ok")
    for bad in (0, 61, "x"):
        with pytest.raises(DomainError) as err:
            services.forward(actor=desk.pantang_worker, app=app, to="区民政局", days=bad)
        assert err.value.details["field"] == "days"
    app = services.forward(actor=desk.pantang_worker, app=app, to="荔湾区民政局")  # sent again after the correction
    assert Forwarding.objects.filter(application=app).count() == 2
    assert Forwarding.objects.get(application=app, returned_at__isnull=True).days == services.FORWARD_DAYS


def test_withdrawing_a_forwarded_matter_closes_its_forwarding(desk):
    from linli.affairs.models import Forwarding

    app = services.accept(actor=desk.liede_worker, app=desk.online())
    app = services.forward(actor=desk.liede_worker, app=app, to="猎德街道社会事务办")
    app = services.request_correction(actor=desk.liede_worker, app=app, materials=[app.materials.first().pk])
    services.withdraw(actor=desk.user, app=app, reason="不办了")
    fwd = Forwarding.objects.get(application=app)
    assert fwd.outcome == "cancelled" and not fwd.is_open


def test_local_items_are_accepted_only_in_the_applicants_community_or_street(desk):
    """HJ04 (community scope) and QT02 人民调解 (street scope) for a resident of 猎德社区."""
    from linli.affairs.models import ServiceCentre

    huabiao_centre = ServiceCentre.objects.create(name="华标社区党群服务中心", region=desk.tree.huabiao, address="华标路3号")
    rental, mediation = ServiceItem.objects.get(code="HJ04"), ServiceItem.objects.get(code="QT02")
    assert mediation.local_scope == "street" and not mediation.citywide

    def at(worker, centre, item):
        return services.accept_at_window(actor=worker, centre=centre, item=item, resident=desk.resident,
                                         received=desk.all_materials(item))

    assert at(desk.liede_worker, desk.liede_centre, rental).home_path == desk.tree.liede_sq.path
    with pytest.raises(DomainError) as err:  # same street, another community
        at(desk.huabiao_worker, huabiao_centre, rental)
    assert err.value.code == "not_citywide"
    assert at(desk.huabiao_worker, huabiao_centre, mediation).region_path == desk.tree.huabiao.path  # same street: fine
    with pytest.raises(DomainError) as err:  # another district
        at(desk.pantang_worker, desk.pantang_centre, mediation)
    assert err.value.code == "not_citywide" and "街道" in str(err.value.message)


def test_applicant_entered_by_hand_names_their_home_community(desk):
    """Not in the registry: the caseworker picks where the applicant lives, and that decides
    whether an item that is not city-wide may be accepted at this window."""
    import datetime as _dt

    from linli.core import idcard

    number = idcard.make("440106", _dt.date(1975, 3, 8), 123)
    rental = ServiceItem.objects.get(code="HJ04")  # own community only

    def enter(item, home="", **kw):
        return services.accept_at_window(actor=desk.liede_worker, centre=desk.liede_centre, item=item, applicant_name="李四",
                                         applicant_id_number=number, home_community=home, received=desk.all_materials(item), **kw)

    with pytest.raises(DomainError) as err:
        enter(rental)
    assert err.value.code == "home_required" and err.value.details["field"] == "home_community"
    with pytest.raises(DomainError) as err:
        enter(rental, desk.tree.pantang.code)
    assert err.value.code == "not_citywide"
    for bad in (desk.tree.liede.code, "4401060010019999", "abc"):  # a street, no such node, nonsense
        with pytest.raises(DomainError) as err:
            enter(rental, bad)
        assert err.value.details["field"] == "home_community"
    app = enter(rental, desk.tree.liede_sq.code)
    assert app.home_path == desk.tree.liede_sq.path and app.resident is None
    assert enter(ServiceItem.objects.get(code="QT02"), desk.tree.huabiao.code).home_path == desk.tree.huabiao.path  # same street
    assert enter(desk.elder).home_path == ""  # city-wide: not required
    assert enter(desk.elder, desk.tree.pantang.code, confirm_duplicate=True).home_path == desk.tree.pantang.path


def test_figures_per_region_one_level_down_scoped_to_the_viewer(desk, make_user):
    from linli.accounts.roles import Role
    from linli.affairs.models import ServiceCentre

    huabiao_centre = ServiceCentre.objects.create(name="华标社区党群服务中心", region=desk.tree.huabiao, address="华标路3号")
    def at(worker, centre, item, **kw):
        return services.accept_at_window(actor=worker, centre=centre, item=item, resident=desk.resident,
                                         received=desk.all_materials(item), **kw)

    done = desk.decide(at(desk.liede_worker, desk.liede_centre, desk.elder), actor=desk.liede_worker)
    services.rate(actor=desk.user, app=services.complete(actor=desk.liede_worker, app=done, outcome="approved", note="ok"),
                  rating=2)
    at(desk.liede_worker, desk.liede_centre, desk.insurance)
    at(desk.huabiao_worker, huabiao_centre, desk.elder)
    desk.at_pantang(confirm_duplicate=True)  # another district
    rows = {r.name: r for r in selectors.figures_by_region(desk.street_admin)}
    assert list(rows) == ["猎德社区", "华标社区"] and {r.level for r in rows.values()} == {"community"}
    assert (rows["猎德社区"].received, rows["猎德社区"].completed, rows["猎德社区"].bad_ratings) == (2, 1, 1)
    assert rows["猎德社区"].on_time_rate == 1.0 and rows["华标社区"].received == 1 and rows["华标社区"].completed == 0
    district_admin = make_user(Role.DISTRICT_ADMIN, desk.tree.tianhe)
    rows = {r.name: r for r in selectors.figures_by_region(district_admin)}
    assert list(rows) == ["猎德街", "石牌街"] and rows["猎德街"].received == 3 and rows["石牌街"].received == 0
    assert [r.name for r in selectors.figures_by_region(district_admin, path=desk.tree.liede.path)] == ["猎德社区", "华标社区"]
    assert [r.received for r in selectors.figures_by_region(desk.liede_admin)] == [2]
    assert selectors.figures_by_region(desk.street_admin, path=desk.tree.changhua.path) == []  # outside: nothing
    with pytest.raises(NotFound):
        selectors.figures_area(desk.street_admin, desk.tree.tianhe.code)  # above the viewer's area
    with pytest.raises(NotFound):
        selectors.figures_area(desk.street_admin, "x'; drop")


# ---------------------------------------------------------------- issue 11

def test_online_application_keeps_the_uploaded_materials(desk):
    """The apply page keys each file by the catalogue material; the application's own copy gets it."""
    card, hukou = list(desk.elder.materials.order_by("sort", "id"))[:2]
    app = desk.online(files={card.pk: b"%PDF-1.4 id card", hukou.pk: b"%PDF-1.4 hukou"})
    stored = {m.name: m for m in app.materials.all()}
    assert stored[card.name].file and stored[card.name].received and stored[hukou.name].file
    assert stored[card.name].file.open("rb").read().startswith(b"%PDF")
    assert sum(1 for m in stored.values() if m.file) == 2
    other = ServiceItem.objects.get(code="YB01").materials.first()
    with pytest.raises(DomainError) as err:  # a material of another item
        desk.online(item=desk.insurance, files={card.pk: b"%PDF-1.4 x"})
    assert err.value.details["field"] == "files"
    assert desk.online(item=desk.insurance, files={other.pk: b"%PDF-1.4 x"}).materials.filter(received=True).count() == 1


def test_window_refuses_missing_mandatory_materials_unless_deferral_is_allowed_and_reasoned(desk):
    rental = ServiceItem.objects.get(code="HJ03")  # 流动人口信息登记: on the spot, no 容缺
    assert desk.elder.deferral_allowed and not rental.deferral_allowed and not desk.insurance.deferral_allowed
    card, hukou, bank = [m.pk for m in desk.elder.materials.filter(required=True).order_by("sort", "id")]
    with pytest.raises(DomainError) as err:
        desk.at_pantang(received=[card, hukou])
    assert err.value.code == "materials_missing" and "本人银行账户" in str(err.value.message)
    assert err.value.details["field"] == "deferral_reason" and "容缺受理" in str(err.value.message)
    assert not Application.objects.exists()
    app = desk.at_pantang(received=[card, hukou], deferral_reason="银行卡在家属处，申请人承诺3个工作日内补交")
    assert app.deferral_reason.startswith("银行卡") and app.status == Status.ACCEPTED
    owed = app.materials.get(deferred=True)
    assert "银行账户" in owed.name and not owed.received
    assert "容缺受理" in app.events.get(action="accept").note
    app = desk.decide(app)
    with pytest.raises(Conflict) as err:  # the deferred material comes in before the decision is given out
        services.complete(actor=desk.pantang_worker, app=app, outcome="approved", note="ok")
    assert err.value.code == "materials_owed"
    app = services.supply(actor=desk.user, app=app, material=owed, data=b"%PDF-1.4 bank card")  # the applicant uploads it
    assert services.complete(actor=desk.pantang_worker, app=app, outcome="approved", note="ok").status == Status.COMPLETED
    # an item without 容缺受理: refused, whatever the reason
    other = desk.resident
    with pytest.raises(DomainError) as err:
        services.accept_at_window(actor=desk.liede_worker, centre=desk.liede_centre, item=rental, resident=other,
                                  received=[], deferral_reason="下次带来")
    assert err.value.code == "materials_missing" and "不能容缺受理" in str(err.value.message)
    assert err.value.details["field"] == "received"


def test_second_matter_for_the_same_item_warns_links_and_needs_confirmation(desk):
    first = desk.at_pantang()
    with pytest.raises(Conflict) as err:
        desk.at_pantang()
    assert err.value.code == "duplicate" and first.number in str(err.value.message)
    assert err.value.details["existing_id"] == first.pk and err.value.details["existing_url"] == f"/affairs/desk/{first.pk}/"
    assert Application.objects.count() == 1
    # another window sees the warning too, without a link it could not open
    with pytest.raises(Conflict) as err:
        services.accept_at_window(actor=desk.liede_worker, centre=desk.liede_centre, item=desk.elder, resident=desk.resident,
                                  received=desk.all_materials(desk.elder))
    assert err.value.details["existing_url"] == "" and "泮塘社区党群服务中心" in str(err.value.message)
    second = desk.at_pantang(confirm_duplicate=True)
    assert "确认再次受理" in second.events.get(action="accept").note
    assert desk.at_pantang(item=desk.insurance).status == Status.ACCEPTED  # another item: no warning
    # online: the resident is warned and linked to their own matter
    with pytest.raises(Conflict) as err:
        desk.online()
    assert err.value.details["existing_url"] == f"/affairs/my/{first.pk}/"
    assert desk.online(confirm_duplicate=True).status == Status.SUBMITTED
    services.withdraw(actor=desk.pantang_worker, app=first)
    services.withdraw(actor=desk.pantang_worker, app=second)
    services.withdraw(actor=desk.user, app=Application.objects.get(channel="online"))
    assert desk.at_pantang().status == Status.ACCEPTED  # nothing in progress any more


def test_items_finished_by_the_street_or_a_department_are_forwarded_not_decided(desk):
    """高龄津贴 is finished by the street where the applicant lives (猎德街), 医疗救助 by the district's
    医保局; the community window forwards them there and gives out their decision."""
    app = desk.at_pantang()
    assert app.finish_at == "street"
    for outcome in ("approved", "denied"):
        with pytest.raises(PermissionDenied) as err:
            services.complete(actor=desk.pantang_worker, app=app, outcome=outcome, note="窗口自行决定")
        assert err.value.code == "decided_elsewhere" and "猎德街道办事处" in str(err.value.message)
    assert services.finish_office(app) == "猎德街道办事处"
    app = services.forward(actor=desk.pantang_worker, app=app, to="")  # the office the catalogue names
    assert app.forwarded_to == "猎德街道办事处"
    app = services.return_from_department(actor=desk.pantang_worker, app=app, outcome="returned", note="请核实户籍")
    with pytest.raises(PermissionDenied):  # sent back to the window: still not the window's decision
        services.complete(actor=desk.pantang_worker, app=app, outcome="approved", note="x")
    app = services.forward(actor=desk.pantang_worker, app=app, to="猎德街道办事处")
    app = services.return_from_department(actor=desk.pantang_worker, app=app, outcome="denied", note="未满80周岁")
    with pytest.raises(DomainError) as err:
        services.complete(actor=desk.pantang_worker, app=app, outcome="approved", note="x")
    assert err.value.code == "outcome_mismatch"
    app = services.complete(actor=desk.pantang_worker, app=app, outcome="", note="经街道审核，年龄不符合条件")
    assert app.outcome == "denied"
    medical = ServiceItem.objects.get(code="JZ05")
    assert medical.finish_at == "department"
    app = desk.at_pantang(item=medical)
    assert services.finish_office(app) == "天河区医保局"
    with pytest.raises(PermissionDenied):
        services.perform(actor=desk.pantang_worker, app=app, action="complete", data={"outcome": "approved", "note": "x"})
    # an item the community finishes is decided at the window
    done = desk.at_pantang(item=ServiceItem.objects.get(code="YL03"))
    assert services.complete(actor=desk.pantang_worker, app=done, outcome="approved", note="已制证").status == Status.COMPLETED


# every seeded kind, filled in as a caseworker would
KIND_FACTS = {
    "ZM01": {"since": "2015-03", "address": "猎德花园3栋2单元501", "tenure": "租住"},
    "ZM02": {"address": "猎德花园3栋501", "relative_name": "龚美玲", "relative_id": "440106198001011230", "relation": "母子"},
    "ZM03": {"deceased_name": "龚国强", "deceased_id": "440106194501011239", "address": "猎德花园3栋501", "died_on": "2026-10-03",
             "cause": "年老体衰。", "relation": "子女"},
    "ZM04": {"address": "猎德花园3栋501", "ward_name": "龚小明", "ward_id": "440106201001011235", "relation": "父母",
             "ward_kind": "精神障碍患者"},
    "ZM05": {"address": "猎德花园3栋501", "members": "4", "income": "2300", "cause": "主要劳动力患重病，", "assistance": ""},
    "ZM06": {"address": "猎德花园3栋501", "spouse_name": "龚国强", "spouse_died_on": "2019-06-30"},
}


def _reads_as_one_text(body, template):
    import re

    assert "{" not in body and "}" not in body, body  # no blank left
    assert not re.search(r"[，。；、,.;：]{2,}", body), body  # no doubled punctuation
    assert body.endswith("。") and body.count("。") == 1, body  # one sentence
    literal = re.sub(r"\{\w+\}", "\x00", template)
    for size in range(3, 12):  # no fragment written twice, unless the template itself has it twice
        for i in range(len(body) - size + 1):
            piece = body[i:i + size]
            if not re.search(r"[*0-9]", piece) and body.count(piece) > 1:  # masked ID numbers share digits
                assert literal.count(piece) >= body.count(piece), (piece, body)


def test_every_seeded_certificate_kind_is_issued_as_one_sentence(desk):
    from linli.affairs.catalogue import CERTIFICATE_KINDS
    from linli.affairs.certificates import check_kind, fields_of
    from linli.affairs.models import CertificateKind

    assert set(KIND_FACTS) == {k[0] for k in CERTIFICATE_KINDS}
    for kind in CertificateKind.objects.all():
        assert check_kind(kind.template, kind.fields) == [], kind.code
        labels = [f.label for f in fields_of(kind)]
        assert len(labels) >= 3 and len(set(labels)) == len(labels) and all(labels)
        cert = services.request_certificate(actor=desk.user, kind=kind.code, purpose="办事")
        preview = services.preview_certificate(actor=desk.liede_worker, cert=cert, facts=KIND_FACTS[kind.code])
        cert = services.issue_certificate(actor=desk.liede_worker, cert=cert, facts=KIND_FACTS[kind.code],
                                          issuer_name="猎德社区居民委员会")
        assert cert.body == preview and cert.body.startswith("兹证明")
        _reads_as_one_text(cert.body, kind.template)
        assert "申请人甲" in cert.body and desk.resident.id_number not in cert.body
        assert "440106" not in cert.body.replace(desk.resident.id_number[:6], "", 1) or "*" in cert.body
    bodies = {c.kind.code: c.body for c in Certificate.objects.select_related("kind")}
    assert "自2015年3月起在本社区猎德花园3栋2单元501实际居住至今，居住方式为租住。" in bodies["ZM01"]
    assert "于2026年10月3日在家中因年老体衰死亡" in bodies["ZM03"] and "440106194501011239" not in bodies["ZM03"]
    assert "系精神障碍患者龚小明(身份证号" in bodies["ZM04"]
    assert "因主要劳动力患重病家庭生活困难。" in bodies["ZM05"]  # the optional assistance left out, nothing dangling


def test_certificate_fields_are_checked_one_by_one(desk):
    cert = services.request_certificate(actor=desk.user, kind="ZM03", purpose="办理丧葬")
    with pytest.raises(DomainError) as err:
        services.issue_certificate(actor=desk.liede_worker, cert=cert, issuer_name="猎德社区居民委员会",
                                   facts={"deceased_name": "龚国强", "deceased_id": "440106194501011234", "address": "",
                                          "died_on": "2999-01-01", "cause": "病故", "relation": "邻居"})
    errors = err.value.details["errors"]
    assert set(errors) == {"deceased_id", "address", "died_on", "relation"}
    assert errors["deceased_id"] == "死者身份证号不正确" and errors["address"] == "请填写居住地址"
    assert errors["died_on"] == "死亡日期不能晚于今天" and errors["relation"] == "请从选项中选择申请人与死者关系"
    assert err.value.details["field"] == "facts.deceased_id"
    cert.refresh_from_db()
    assert cert.state == Certificate.State.REQUESTED and cert.serial is None
    with pytest.raises(DomainError) as err:
        services.preview_certificate(actor=desk.liede_worker, cert=cert, facts={**KIND_FACTS["ZM03"], "died_on": "3 Oct"})
    assert "格式不正确" in err.value.details["errors"]["died_on"]
    with pytest.raises(PermissionDenied):  # another community's caseworker
        services.preview_certificate(actor=desk.pantang_worker, cert=cert, facts=KIND_FACTS["ZM03"])


def test_certificate_kind_template_and_fields_must_agree():
    from linli.affairs.certificates import check_kind

    fields = [{"name": "since", "label": "起始年月", "type": "month", "required": True}]
    assert check_kind("兹证明{name}自{since}起居住。", fields) == []
    assert any("{detail}" in p for p in check_kind("兹证明{name}{detail}。", fields))
    assert any("since" in p for p in check_kind("兹证明{name}。", fields))
    assert check_kind("{name}{x}", [{"name": "x", "type": "color"}])
    assert check_kind("{name}{x}", [{"name": "x", "required": False}])  # optional, but no phrase
    from django.core.exceptions import ValidationError

    from linli.affairs.models import CertificateKind

    kind = CertificateKind(code="ZM99", name="测试证明", purpose="测试", checks="核实", template="兹证明{name}{since}{x}。",
                           fields=fields)
    with pytest.raises(ValidationError) as err:  # what the admin form shows
        kind.full_clean()
    assert "{x}" in str(err.value)
