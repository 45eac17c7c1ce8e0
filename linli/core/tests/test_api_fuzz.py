"""Every operation of /api/v1/openapi.json, called with generated input as an anonymous visitor,
a resident and a community admin: no server error, only documented statuses, bodies that match
their schema, and the documented content types.

Bounded so it stays a test, not a campaign: a few derandomized examples per operation (the same
ones each run), no shrinking, no example database. ``LINLI_FUZZ_EXAMPLES`` raises the count for a
longer local hunt.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from linli.accounts.roles import Role
from linli.api import api

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("LINLI_FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


class _App:
    """Django's WSGI handler, with the per-request connection closing off (as Django's own test
    client does), so the calls run inside the test's transaction."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ: dict, start_response: Any) -> Any:
        cache.clear()  # rate limits are not what is tested here (429 is documented all the same)
        return self.handler(environ, start_response)


@pytest.fixture
def wsgi_app() -> Any:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield _App()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def people(tree, make_user, registry) -> dict[str, dict[str, str]]:
    from linli.accounts.services import issue_api_token

    hh = registry.household(tree.g_liede1)
    person = registry.resident(household=hh, name="李四", phone="13800001111")
    resident = make_user(None, phone="13800001111", resident=person)
    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    out: dict[str, dict[str, str]] = {"anonymous": {}}
    for name, user in (("resident", resident), ("admin", admin)):
        _token, secret = issue_api_token(actor=user, user=user, name="fuzz")
        out[name] = {"Authorization": f"Bearer {secret}"}
    return out


def _run(operation: Any, headers: dict[str, str], app: Any, statuses: dict[int, int], examples: int = EXAMPLES) -> list[str]:
    failures: list[str] = []

    @hsettings(max_examples=examples, deadline=None, derandomize=True, database=None,
               phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        case.headers = {**(case.headers or {}), **headers}
        try:
            response = case.call_and_validate(app=app, checks=CHECKS)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        except (Exception, BaseExceptionGroup) as exc:  # collect: one run reports every operation that fails
            failures.append(f"{operation.label}: {str(exc)[:1500]}")

    check()
    return failures


@pytest.mark.parametrize("who", ["anonymous", "resident", "admin"])
def test_every_operation_keeps_its_contract(who, people, wsgi_app):
    failures: list[str] = []
    statuses: dict[int, int] = {}
    for operation in OPERATIONS:
        # a visitor is mostly turned away at the door (401): fewer examples tell as much
        failures += _run(operation, people[who], wsgi_app, statuses, examples=max(1, EXAMPLES // 2) if who == "anonymous" else EXAMPLES)
    print(who, sorted(statuses.items()))
    assert sum(statuses.values()) >= len(OPERATIONS)  # the calls really ran
    if who != "anonymous":
        assert sum(n for code, n in statuses.items() if code < 300) >= len(OPERATIONS) // 3, statuses
    assert not failures, "\n\n".join(dict.fromkeys(failures))
