"""Work-order notices leave through messaging: e-mail from the delivery task after commit, with
the real message; a failing gateway loses neither the in-app message nor the other recipients."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from linli.messaging.models import Delivery, Message

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "ENQUEUE_ON_COMMIT": False}}


def test_email_is_sent_after_commit_from_the_task(loop, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = IMMEDIATE
    loop.resident.email = "baoshi@example.cn"
    loop.resident.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = loop.submit()
    assert mail.outbox == [] and Message.objects.filter(user=loop.resident).count() == 1  # nothing before commit
    for cb in callbacks:
        cb()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["baoshi@example.cn"] and order.number in mail.outbox[0].body


class _Gateway(BaseHTTPRequestHandler):
    received: list[dict] = []
    fail_for: str = ""

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body["auth"] = self.headers.get("Authorization")
        if body["phone"] == self.fail_for:
            self.send_response(503)
        else:
            _Gateway.received.append(body)
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_sms_gateway_gets_each_text_and_a_refusal_stays_for_retry(loop, settings, make_user, tree,
                                                                  django_capture_on_commit_callbacks):
    from linli.accounts.roles import Role
    from linli.workorders import services

    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.LINLI_SMS_BACKEND = "linli.core.sms.HttpGatewaySms"
        settings.LINLI_SMS_URL = f"http://127.0.0.1:{server.server_port}/send"
        settings.LINLI_SMS_TOKEN = "gw-secret"
        settings.TASKS = IMMEDIATE
        _Gateway.received.clear()
        other = make_user(Role.RESIDENT, tree.g_liede1, phone="13900002222")
        _Gateway.fail_for = "13900002222"  # the gateway refuses this one
        order = loop.submit()
        with django_capture_on_commit_callbacks(execute=True):
            services.notify([other, loop.resident], order, "测试短信")
        assert [(m["phone"], m["text"], m["auth"]) for m in _Gateway.received if m["text"] == "测试短信"] == [
            ("13900001111", "测试短信", "Bearer gw-secret")]
        assert Message.objects.filter(text="测试短信").count() == 2  # both still have it in the app
        refused = Delivery.objects.get(message__user=other, message__text="测试短信")
        assert (refused.status, refused.attempts) == ("queued", 1) and "503" in refused.last_error  # tried again later
    finally:
        server.shutdown()


def test_the_work_order_notifications_list_keeps_its_shape(client, loop):
    order = loop.submit()
    client.force_login(loop.resident)
    items = client.get("/api/v1/workorders/notifications").json()["items"]
    assert len(items) == 1 and set(items[0]) == {"id", "text", "order_id", "created_at", "read_at"}
    assert items[0]["order_id"] == order.pk
