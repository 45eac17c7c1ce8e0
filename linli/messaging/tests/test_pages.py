"""The inbox and settings pages: one's own messages, unread count, filters, read marks (POST
with CSRF), legal notices shown on and disabled."""

from __future__ import annotations

import pytest
from django.test import Client

from linli.messaging import services
from linli.messaging.models import Message, Preference, QuietHours

pytestmark = pytest.mark.django_db


def test_inbox_filters_and_marks_read(client, kind, people):
    services.send([people.phone], kind, text="停水通知", link="/orders/")
    services.send([people.phone], "test.legal", text="决定告知")
    services.send([people.other], kind, text="别人的通知")
    client.force_login(people.phone)
    page = client.get("/messages/").content.decode()
    assert "停水通知" in page and "决定告知" in page and "别人的通知" not in page and "2 条未读" in page
    assert "停水通知" not in client.get("/messages/?kind=test.legal").content.decode()
    note = Message.objects.get(text="停水通知")
    assert client.post(f"/messages/{note.pk}/read/", {"open": "1"})["Location"] == "/orders/"
    assert "停水通知" not in client.get("/messages/?unread=1").content.decode()
    client.post("/messages/read-all/")
    assert not Message.objects.filter(user=people.phone, read_at__isnull=True).exists()


def test_read_marks_need_the_csrf_token(kind, people):
    services.send([people.phone], kind, text="停水通知")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people.phone)
    assert strict.post("/messages/read-all/").status_code == 403
    assert strict.get("/messages/read-all/").status_code == 405


def test_settings_page(client, kind, people):
    client.force_login(people.phone)
    page = client.get("/messages/settings/").content.decode()
    assert 'value="test.legal:sms" checked disabled' in page and "法定告知，不能关闭" in page
    resp = client.post("/messages/settings/", {"on": ["test.notice:email"], "quiet_start": "22:30", "quiet_end": "07:00"})
    assert resp.status_code == 302
    assert Preference.objects.get(user=people.phone, kind="test.notice", channel="sms").enabled is False
    assert Preference.objects.get(user=people.phone, kind="test.notice", channel="email").enabled is True
    assert not Preference.objects.filter(kind="test.legal").exists()
    assert str(QuietHours.objects.get(user=people.phone).start) == "22:30:00"
    bad = client.post("/messages/settings/", {"quiet_start": "22:30"})
    assert bad.status_code == 400 and "同时填写" in bad.content.decode()
    client.post("/messages/settings/", {"on": ["test.notice:email", "test.notice:sms"]})
    assert not QuietHours.objects.filter(user=people.phone).exists()
