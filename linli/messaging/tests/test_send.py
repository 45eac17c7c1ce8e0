"""send(): inbox rows, deliveries for the channels a kind has and a person has not muted and can
be reached on, quiet hours, legal notices, texts to a phone without an account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.messaging import kinds, services
from linli.messaging.models import Delivery, Message, Preference, QuietHours

pytestmark = pytest.mark.django_db


class _Fake:
    """Stands in for the delivery task: records what would be enqueued."""

    def __init__(self, enqueue):
        self.enqueue = enqueue


def test_send_writes_the_inbox_and_the_deliveries(kind, people, django_capture_on_commit_callbacks, settings):
    people.other.email = "a@example.cn"
    people.other.save()
    people.phone.is_active = False
    people.phone.save()
    with django_capture_on_commit_callbacks() as callbacks:
        n = services.send([people.phone, people.other, people.nophone, None], kind, text="停水通知", link="/x/")
    assert n == 3 and Message.objects.filter(kind=kind, text="停水通知", link="/x/").count() == 3
    got = sorted((d.message.user_id, d.channel, d.status) for d in Delivery.objects.select_related("message"))
    assert got == [(people.other.pk, "email", "queued"), (people.other.pk, "sms", "queued")]  # inactive, no phone: inbox only
    assert len(callbacks) == 1  # one enqueue step after commit
    assert len({d.key for d in Delivery.objects.all()}) == 2


def test_an_unregistered_kind_raises(people):
    with pytest.raises(kinds.UnknownKind):
        services.send([people.phone], "nobody.registered", text="x")


def test_tasks_go_in_chunks(kind, make_user, tree, settings, django_capture_on_commit_callbacks, monkeypatch):
    from linli.messaging import tasks

    settings.LINLI_MESSAGING_TASK_CHUNK = 2
    users = [make_user(None, phone=f"1390000200{i}") for i in range(5)]
    enqueued = []
    monkeypatch.setattr(tasks, "deliver", _Fake(lambda **kw: enqueued.append(kw["ids"])))
    with django_capture_on_commit_callbacks(execute=True):
        services.send(users, "test.alarm", text="紧急通知")
    assert [len(c) for c in enqueued] == [2, 2, 1]
    assert sorted(i for c in enqueued for i in c) == sorted(Delivery.objects.values_list("pk", flat=True))


def test_a_muted_channel_gets_nothing_but_legal_notices_still_go(kind, people):
    Preference.objects.create(user=people.phone, kind=kind, channel="sms", enabled=False)
    Preference.objects.create(user=people.phone, kind="test.legal", channel="sms", enabled=False)  # not honoured
    services.send([people.phone, people.other], kind, text="活动通知")
    services.send([people.phone], "test.legal", text="决定告知")
    assert not Delivery.objects.filter(message__user=people.phone, kind=kind).exists()
    assert Delivery.objects.filter(message__user=people.other, kind=kind, channel="sms").exists()
    assert Delivery.objects.filter(message__user=people.phone, kind="test.legal", channel="sms").exists()
    assert Message.objects.filter(user=people.phone).count() == 2  # the inbox keeps both


def test_preferences_refuse_to_mute_a_legal_notice(kind, people):
    from linli.core.errors import DomainError

    with pytest.raises(DomainError) as err:
        services.set_preferences(actor=people.phone, enabled={("test.legal", "sms"): False}, quiet=None)
    assert err.value.code == "not_mutable"
    services.set_preferences(actor=people.phone, enabled={(kind, "email"): False}, quiet=(dt.time(22), dt.time(7)))
    assert Preference.objects.get(user=people.phone, kind=kind, channel="email").enabled is False
    assert QuietHours.objects.get(user=people.phone).start == dt.time(22)


@pytest.mark.parametrize(("now", "start", "end", "until"), [
    ("23:30", "22:00", "07:00", "+1 07:00"), ("06:00", "22:00", "07:00", "+0 07:00"), ("12:00", "22:00", "07:00", None),
    ("13:00", "12:00", "14:00", "+0 14:00"), ("14:00", "12:00", "14:00", None), ("22:00", "22:00", "07:00", "+1 07:00"),
])
def test_quiet_until(now, start, end, until):
    day = dt.date(2026, 12, 3)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(now)))
    got = services.quiet_until(at, dt.time.fromisoformat(start), dt.time.fromisoformat(end))
    if until is None:
        assert got is None
    else:
        plus, hm = until.split()
        assert got == timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=int(plus)), dt.time.fromisoformat(hm)))


def test_quiet_hours_hold_a_plain_sms_and_let_an_urgent_one_go(kind, people, monkeypatch, django_capture_on_commit_callbacks):
    from linli.messaging import tasks

    night = timezone.make_aware(dt.datetime(2026, 12, 3, 23, 30))
    monkeypatch.setattr(timezone, "now", lambda: night)
    QuietHours.objects.create(user=people.phone, start=dt.time(22), end=dt.time(7))
    enqueued = []
    monkeypatch.setattr(tasks, "deliver", _Fake(lambda **kw: enqueued.extend(kw["ids"])))
    with django_capture_on_commit_callbacks(execute=True):
        services.send([people.phone, people.other], kind, text="明天停水")
        services.send([people.phone], "test.alarm", text="燃气泄漏，请撤离")
    held = Delivery.objects.get(message__user=people.phone, message__text="明天停水", channel="sms")
    assert held.next_attempt_at == timezone.make_aware(dt.datetime(2026, 12, 4, 7, 0)) and held.pk not in enqueued
    urgent = Delivery.objects.get(message__text="燃气泄漏，请撤离")
    assert urgent.next_attempt_at == night and urgent.pk in enqueued
    assert Delivery.objects.get(message__user=people.other, channel="sms").pk in enqueued  # no quiet hours of their own
    # the sweep hands the held text to a task once the quiet hours are over
    from linli.messaging.delivery import sweep

    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    assert held.pk not in enqueued
    morning = timezone.make_aware(dt.datetime(2026, 12, 4, 7, 0))
    monkeypatch.setattr(timezone, "now", lambda: morning)
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    assert held.pk in enqueued


def test_a_phone_without_an_account_never_enters_the_queue_in_clear(kind, monkeypatch, django_capture_on_commit_callbacks):
    from linli.messaging import tasks

    enqueued = []
    monkeypatch.setattr(tasks, "deliver", _Fake(lambda **kw: enqueued.append(kw)))
    with django_capture_on_commit_callbacks(execute=True):
        d = services.send_to_phone("13912345678", kind, "您的诉求已立案")
    assert enqueued == [{"ids": [d.pk]}]
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM messaging_delivery WHERE id = %s", [d.pk])
        stored = cur.fetchone()[0]
    assert "13912345678" not in stored and Delivery.objects.get(pk=d.pk).phone == "13912345678"


def test_a_send_costs_the_same_statements_for_three_people_or_thirty(kind, make_user, django_assert_num_queries):
    """The inbox rows, one read of everyone's reach, mutes and quiet hours, the deliveries: a
    send's statements do not grow with its recipients (nor with their mutes and quiet hours)."""
    users = [make_user(None, phone=f"1390000{i:04d}") for i in range(30)]
    for u in users[::3]:
        Preference.objects.create(user=u, kind=kind, channel="sms", enabled=False)
    for u in users[1::3]:
        QuietHours.objects.create(user=u, start=dt.time(0, 0), end=dt.time(23, 59))
    services.send(users[:1], kind, text="预热")  # the content-type cache and the kind's statement
    with django_assert_num_queries(3):
        services.send(users[:3], kind, text="停水通知")
    with django_assert_num_queries(3):
        services.send(users, kind, text="停水通知")
    sent = Delivery.objects.filter(message__text="停水通知", channel="sms")
    assert sent.count() == 2 + 20  # the muted third gets its inbox row only
    held = sent.filter(queued_at__isnull=True).count()
    assert held in (1 + 10, 0)  # quiet all day but the minute before midnight
