"""The audit log page: every action by its label (never a code), and filters by who acted, the
action, the target and the days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.roles import Role
from linli.core.models import AuditEvent
from linli.core.services import record_audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(tree, registry, make_user):
    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq, username="liede_sq_admin")
    worker = make_user(Role.CASEWORKER, tree.liede_sq, username="zhang_worker")
    worker.display_name = "张社工"
    worker.save()
    hh = registry.household(tree.g_liede1, number="301")
    wang = registry.resident(household=hh, name="王五")
    old = record_audit(actor=worker, action="workorder.rate", target=wang, region_path=wang.region_path, label="工单 W0001")
    AuditEvent.objects.filter(pk=old.pk).update(occurred_at=timezone.now() - dt.timedelta(days=10))
    record_audit(actor=worker, action="venue.close", target=wang, region_path=wang.region_path, label="猎德小学运动场")
    return admin


def rows(client, query=""):
    html = client.get(f"/registry/audit/{query}").content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return html, body


def test_actions_show_their_labels_not_codes(client, log):
    client.force_login(log)
    html, body = rows(client)
    assert "工单评价" in body and "停止开放场地" in body and "登记居民" in body
    assert "workorder.rate" not in body and "venue.close" not in body
    assert '<option value="workorder.rate">工单评价</option>' in html  # the filter offers every action by label


def test_filter_by_actor_action_target_and_date(client, log):
    client.force_login(log)
    _, body = rows(client, "?who=张社工")
    assert "工单评价" in body and "停止开放场地" in body and "登记居民" not in body
    _, body = rows(client, "?who=zhang_worker&action=venue.close")
    assert "停止开放场地" in body and "工单评价" not in body
    _, body = rows(client, "?target=W0001")
    assert "工单评价" in body and "停止开放场地" not in body
    today = timezone.localdate()
    _, body = rows(client, f"?since={today - dt.timedelta(days=1)}")
    assert "停止开放场地" in body and "工单评价" not in body
    _, body = rows(client, f"?until={today - dt.timedelta(days=5)}&who=张")
    assert "工单评价" in body and "停止开放场地" not in body
    html, body = rows(client, "?since=2026-13-40")
    assert 'role="alert"' in html and "停止开放场地" in body  # a bad date is named, the rest still applies


def test_english_labels(client, log):
    client.force_login(log)
    client.post("/i18n/setlang/", {"language": "en", "next": "/registry/audit/"})
    _, body = rows(client, "?who=zhang_worker")
    assert "Work order rated" in body and "workorder.rate" not in body
