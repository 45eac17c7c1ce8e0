"""The inbox API: one's own messages only, filters, read marks, preferences; another person's
id is a 404; the old work-order notifications list keeps its shape."""

from __future__ import annotations

import pytest

from linli.messaging import services
from linli.messaging.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(kind, people):
    services.send([people.phone], kind, text="第一条", link="/a/")
    services.send([people.phone], "test.legal", text="第二条")
    services.send([people.other], kind, text="别人的")
    return people


def test_list_filters_and_read_marks(client, inbox):
    client.force_login(inbox.phone)
    body = client.get("/api/v1/messages").json()
    assert body["count"] == 2 and {m["text"] for m in body["items"]} == {"第一条", "第二条"}
    assert set(body["items"][0]) >= {"id", "kind", "text", "link", "urgent", "target_type", "target_id", "created_at", "read_at"}
    assert [m["text"] for m in client.get("/api/v1/messages?kind=test.legal").json()["items"]] == ["第二条"]
    first = Message.objects.get(text="第一条")
    resp = client.post(f"/api/v1/messages/{first.pk}/read")
    assert resp.status_code == 200 and resp.json()["read_at"]
    assert [m["text"] for m in client.get("/api/v1/messages?unread=true").json()["items"]] == ["第二条"]
    assert client.post("/api/v1/messages/read-all").json() == {"marked": 1}
    assert client.get("/api/v1/messages?unread=true").json()["count"] == 0


def test_another_persons_message_is_a_404(client, inbox):
    client.force_login(inbox.phone)
    theirs = Message.objects.get(text="别人的")
    resp = client.post(f"/api/v1/messages/{theirs.pk}/read")
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"
    assert Message.objects.get(pk=theirs.pk).read_at is None
    client.post("/api/v1/messages/read-all")
    assert Message.objects.get(pk=theirs.pk).read_at is None
    assert "别人的" not in client.get("/api/v1/messages").content.decode()
    assert client.post(f"/messages/{theirs.pk}/read/").status_code == 404  # the page too


def test_preferences_get_and_put(client, inbox):
    client.force_login(inbox.phone)
    body = client.get("/api/v1/messages/preferences").json()
    legal = next(k for k in body["kinds"] if k["kind"] == "test.legal")
    assert legal["channels"] == [{"channel": "sms", "enabled": True, "mutable": False}]
    resp = client.put("/api/v1/messages/preferences", {"choices": [{"kind": "test.notice", "channel": "sms", "enabled": False}],
                                                       "quiet_start": "22:00", "quiet_end": "07:00"}, content_type="application/json")
    assert resp.status_code == 200, resp.content
    notice = next(k for k in resp.json()["kinds"] if k["kind"] == "test.notice")
    assert {c["channel"]: c["enabled"] for c in notice["channels"]} == {"sms": False, "email": True}
    assert resp.json()["quiet_start"] == "22:00:00"
    refused = client.put("/api/v1/messages/preferences", {"choices": [{"kind": "test.legal", "channel": "sms", "enabled": False}]},
                         content_type="application/json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "not_mutable"


def test_anonymous_is_refused(client):
    assert client.get("/api/v1/messages").status_code == 401

