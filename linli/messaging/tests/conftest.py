"""A local fake SMS gateway: a real HTTP server in a thread, answering each POST as the test
scripts it (200 / 500 / 400 / a timeout) and deduplicating by the delivery key as the real
gateway promises."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "ENQUEUE_ON_COMMIT": False}}


class FakeGateway:
    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []  # every request, in order
        self.texts: dict[str, dict[str, Any]] = {}  # what became an SMS, by id (one per id)
        self.script: list[str] = []  # answers to give, in order; then "200"
        self.lock = threading.Lock()

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.posts.append(body)
            mode = self.script.pop(0) if self.script else "200"
        if mode == "timeout":
            time.sleep(1.5)
            return 200, {"id": "late"}
        if mode == "500":
            return 500, {"error": "upstream busy"}
        if mode == "400":
            return 400, {"error": "invalid phone number"}
        with self.lock:
            first = self.texts.setdefault(body["id"], body)
        return 200, {"id": f"gw-{first['id'][:8]}"}


@pytest.fixture
def gateway(settings: Any) -> Any:
    fake = FakeGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body["_auth"] = self.headers.get("Authorization")
            body["_type"] = self.headers.get("Content-Type")
            status, answer = fake.answer(body)
            data = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout)
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.LINLI_SMS_BACKEND = "linli.core.sms.HttpGatewaySms"
    settings.LINLI_SMS_URL = f"http://127.0.0.1:{server.server_port}/v1/sms"
    settings.LINLI_SMS_TOKEN = "gw-token"
    settings.LINLI_SMS_SIGN = "邻里"
    settings.LINLI_SMS_CONNECT_TIMEOUT = 1
    settings.LINLI_SMS_READ_TIMEOUT = 0.5
    settings.LINLI_MESSAGING_BACKOFF = (60, 300, 1500)
    settings.LINLI_MESSAGING_MAX_ATTEMPTS = 4
    settings.TASKS = IMMEDIATE
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def kind() -> str:
    from linli.messaging import kinds

    kinds.register("test.notice", "测试通知", channels=("inbox", "sms", "email"))
    kinds.register("test.legal", "测试告知", channels=("inbox", "sms"), mutable=False)
    kinds.register("test.alarm", "测试警报", channels=("inbox", "sms"), urgent=True)
    return "test.notice"


@pytest.fixture
def people(make_user: Any, tree: Any) -> Any:
    from linli.accounts.roles import Role

    class People:
        phone = make_user(Role.RESIDENT, tree.g_liede1, phone="13900001001")
        other = make_user(Role.RESIDENT, tree.g_liede1, phone="13900001002")
        nophone = make_user(Role.RESIDENT, tree.g_liede1)

    return People
