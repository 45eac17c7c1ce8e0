"""The delivery task against a local fake gateway: the JSON contract, retries with backoff, a
permanent refusal recorded with the gateway's answer, and a worker that died mid-send: the
lease runs out, the sweep puts the delivery back and the resend carries the same key, so the
gateway sends one SMS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.messaging import delivery, services
from linli.messaging.models import Delivery

pytestmark = pytest.mark.django_db


def _one(people, kind, text="社区通知：周六义诊"):
    services.send([people.phone], kind, text=text)
    return Delivery.objects.get(message__user=people.phone, channel="sms")


def _later(monkeypatch, d, seconds):
    at = timezone.now() + dt.timedelta(seconds=seconds)
    monkeypatch.setattr(timezone, "now", lambda: at)
    return at


def test_success_follows_the_json_contract(gateway, kind, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the task runs at commit (immediate backend)
        services.send([people.phone], kind, text="社区通知：周六义诊")
    d = Delivery.objects.get(channel="sms")
    assert len(gateway.posts) == 1
    post = gateway.posts[0]
    assert {k: post[k] for k in ("id", "phone", "text", "sign")} == {
        "id": d.key, "phone": "13900001001", "text": "社区通知：周六义诊", "sign": "邻里"}
    assert post["_auth"] == "Bearer gw-token" and post["_type"].startswith("application/json")
    assert (d.status, d.attempts, d.gateway_id) == ("sent", 1, f"gw-{d.key[:8]}") and d.sent_at is not None
    delivery.run([d.pk])  # a second task with the same id: nothing leaves again
    assert len(gateway.posts) == 1


def test_a_server_error_and_a_timeout_are_retried_with_backoff(gateway, kind, people, monkeypatch):
    d = _one(people, kind)
    gateway.script = ["500", "timeout"]
    assert delivery.run([d.pk]) == {"retry": 1}
    d.refresh_from_db()
    assert (d.status, d.attempts) == ("queued", 1) and "500" in d.last_error and "upstream busy" in d.last_error
    first_wait = d.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=55) < first_wait <= dt.timedelta(seconds=60)
    assert delivery.run([d.pk]) == {}  # not due yet: nothing sent
    assert len(gateway.posts) == 1
    _later(monkeypatch, d, 61)
    assert delivery.sweep()["queued"] == 1  # the sweep hands the due retry to a task (after commit)
    assert delivery.run([d.pk]) == {"retry": 1}  # the timeout
    d.refresh_from_db()
    assert d.attempts == 2 and d.last_error.startswith("timeout")
    assert d.next_attempt_at - timezone.now() > dt.timedelta(seconds=290)  # 5 minutes the second time
    _later(monkeypatch, d, 301)
    assert delivery.run([d.pk]) == {"sent": 1}
    d.refresh_from_db()
    assert d.status == "sent" and d.attempts == 3 and len(gateway.texts) == 1


def test_a_refusal_is_permanent_and_keeps_the_gateways_answer(gateway, kind, people):
    d = _one(people, kind)
    gateway.script = ["400"]
    assert delivery.run([d.pk]) == {"failed": 1}
    d.refresh_from_db()
    assert (d.status, d.attempts) == ("failed", 1) and d.last_error.startswith("400") and "invalid phone number" in d.last_error
    assert delivery.sweep() == {"expired": 0, "failed": 0, "queued": 0}  # never picked up again
    assert delivery.run([d.pk]) == {} and len(gateway.posts) == 1


def test_the_last_attempt_fails_the_delivery(gateway, kind, people, monkeypatch, settings):
    settings.LINLI_MESSAGING_MAX_ATTEMPTS = 2
    d = _one(people, kind)
    gateway.script = ["500", "500"]
    delivery.run([d.pk])
    _later(monkeypatch, d, 61)
    assert delivery.run([d.pk]) == {"failed": 1}
    d.refresh_from_db()
    assert d.status == "failed" and d.attempts == 2 and "500" in d.last_error


def test_a_worker_that_died_mid_send_never_makes_a_second_sms(gateway, kind, people, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    from linli.core import sms

    d = _one(people, kind)
    claimed = delivery._claim([d.pk])  # a worker claims it, the gateway accepts it … and the worker dies
    sms.backend().send(key=claimed[0].key, phone="13900001001", text="社区通知：周六义诊")
    d.refresh_from_db()
    assert d.status == "sending" and d.lease_until > timezone.now()
    assert delivery.sweep()["expired"] == 0  # the lease still runs: nobody touches it
    assert delivery.run([d.pk]) == {}  # nor does another task
    _later(monkeypatch, d, 24 * 3600)
    with django_capture_on_commit_callbacks(execute=True):  # the sweep puts it back and the task runs
        assert delivery.sweep() == {"expired": 1, "failed": 0, "queued": 1}
    d.refresh_from_db()
    assert d.status == "sent" and d.attempts == 2
    assert [p["id"] for p in gateway.posts] == [d.key, d.key]  # sent twice under one key …
    assert list(gateway.texts) == [d.key]  # … one SMS
    # the dead worker's late answer cannot overwrite what the second one recorded
    assert delivery._finish(claimed[0], status="failed") is False


def test_a_lost_task_is_handed_out_again(gateway, kind, people, monkeypatch, django_capture_on_commit_callbacks):
    d = _one(people, kind)  # enqueued at commit … which never came here (the task is lost)
    assert delivery.sweep()["queued"] == 0  # just handed to a task: give it time
    _later(monkeypatch, d, 16 * 60)
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.sweep()["queued"] == 1
    d.refresh_from_db()
    assert d.status == "sent" and len(gateway.texts) == 1


def test_a_phone_without_an_account_is_texted(gateway, kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = services.send_to_phone("13912345678", kind, "您反映的问题已立案")
    d.refresh_from_db()
    assert d.status == "sent" and gateway.posts[0]["phone"] == "13912345678" and gateway.posts[0]["id"] == d.key


def test_email_goes_through_djangos_mail(kind, people, settings, django_capture_on_commit_callbacks):
    from django.core import mail

    from .conftest import IMMEDIATE

    settings.TASKS = IMMEDIATE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    people.other.email = "li@example.cn"
    people.other.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.send([people.other], kind, text="周六义诊")
    assert [m.to for m in mail.outbox] == [["li@example.cn"]]
    d = Delivery.objects.get(channel="email")
    assert d.status == "sent"
    # sent again (a worker that died after the mail server took it): the same Message-ID
    assert mail.outbox[0].message()["Message-ID"] == f"<{d.key}@linli.local>"


def test_a_retry_that_falls_in_quiet_hours_waits_for_their_end(gateway, kind, people, monkeypatch):
    from linli.messaging.models import QuietHours

    d = _one(people, kind)
    gateway.script = ["500"]
    assert delivery.run([d.pk]) == {"retry": 1}
    # the person sets quiet hours covering the rest of the day after the text was queued
    now = timezone.localtime()
    QuietHours.objects.create(user=people.phone, start=dt.time(0, 0), end=dt.time(23, 59))
    at = _later(monkeypatch, d, 61)
    if timezone.localtime(at).time() >= dt.time(23, 59):  # the one minute outside them
        return
    assert delivery.run([d.pk]) == {"held": 1}
    d.refresh_from_db()
    assert (d.status, d.attempts) == ("queued", 1) and len(gateway.posts) == 1  # nothing left, no try counted
    assert timezone.localtime(d.next_attempt_at).time() == dt.time(23, 59)
    assert timezone.localtime(d.next_attempt_at).date() in (now.date(), timezone.localtime(at).date())
