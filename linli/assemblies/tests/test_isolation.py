"""Another community's staff and owners see nothing of an assembly beyond what its disclosures
publish: every endpoint, read or write, answers 404 (or 403 for a create in an area not theirs)
and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from linli.assemblies.models import Ballot, PaperSlip, Proxy, RollCorrection
from linli.core.models import AuditEvent

pytestmark = pytest.mark.django_db

J = {"content_type": "application/json"}


def _endpoints(a: Any, entry: Any, unit: Any, proxy: Any, slip: Any) -> list[tuple[str, str, dict[str, Any]]]:
    base = f"/api/v1/assemblies/{a.pk}"
    return [
        ("get", base, {}), ("get", f"{base}/roll/entries", {}), ("get", f"{base}/roll/public", {}),
        ("get", f"{base}/turnout", {}), ("get", f"{base}/mine", {}), ("get", f"{base}/slips", {}),
        ("get", f"{base}/proxies", {}),
        ("post", f"{base}/roll", {}), ("post", f"{base}/roll/lock", {}), ("post", f"{base}/call", {}),
        ("post", f"{base}/open", {}), ("post", f"{base}/close", {}), ("post", f"{base}/cancel", {"reason": "越权取消"}),
        ("post", f"{base}/extend", {"closes_at": "2030-01-01T00:00:00+08:00"}),
        ("patch", f"{base}/roll/units/{unit.pk}", {"area": "1.00", "reason": "越权更正"}),
        ("post", f"{base}/roll/units/{unit.pk}/transfer", {"buyer_id": 1, "reason": "越权转让"}),
        ("post", f"{base}/roll/entries/{entry.pk}/voter", {"resident_id": 1, "reason": "越权指定"}),
        ("post", f"{base}/vote-code", {}), ("post", f"{base}/ballots", {"choices": {"1": "agree", "2": "agree"}, "code": "123456"}),
        ("post", f"{base}/slips", {}), ("post", f"{base}/paper", {"code": slip.code, "choices": {"1": "agree"}}),
        ("post", f"{base}/paper/decide", {"code": slip.code, "choices": {"1": "agree"}}),
        ("post", f"/api/v1/assemblies/proxies/{proxy.pk}/revoke", {}),
    ]


def test_another_community_sees_and_changes_nothing(client: Any, world: Any, make_user: Any, tree: Any) -> None:
    from linli.accounts.roles import Role
    from linli.assemblies import services

    a = world.voting()
    services.issue_slips(actor=world.admin, assembly=a)
    entry = world.entry(a, "王业主")
    unit = entry.roll_units.first()
    proxy = services.record_proxy(actor=world.admin, assembly=a, principal=world.entry(a, "李业主"), holder_id=world.tenant.pk,
                                  document_name="委托书.pdf", document=b"%PDF-1.4\n%%EOF\n")
    slip = PaperSlip.objects.filter(assembly=a).first()
    outsiders = [world.other_admin, world.other_owner, make_user(Role.STREET_ADMIN, tree.shipai),
                 make_user(Role.COMMUNITY_ADMIN, tree.pantang), make_user(Role.GRID_WORKER, tree.g_huabiao),
                 make_user(Role.HANDLER, tree.tianhe)]
    before = (Ballot.objects.count(), Proxy.objects.filter(revoked_at__isnull=True).count(), RollCorrection.objects.count(),
              AuditEvent.objects.count(), PaperSlip.objects.exclude(status="open").count())
    for user in outsiders:
        client.force_login(user)
        assert client.get("/api/v1/assemblies").json()["items"] == []
        for method, url, body in _endpoints(a, entry, unit, proxy, slip):
            r = getattr(client, method)(url, body, **J) if method != "get" else client.get(url)
            assert r.status_code == 404, (user.username, method, url, r.status_code, r.content[:200])
            assert r.json()["error"]["code"] == "not_found"
    after = (Ballot.objects.count(), Proxy.objects.filter(revoked_at__isnull=True).count(), RollCorrection.objects.count(),
             AuditEvent.objects.count(), PaperSlip.objects.exclude(status="open").count())
    assert after == before


def test_signed_out_gets_401_everywhere(client: Any, world: Any) -> None:
    from linli.assemblies import services

    a = world.voting()
    services.issue_slips(actor=world.admin, assembly=a)
    entry = world.entry(a, "王业主")
    proxy = services.record_proxy(actor=world.admin, assembly=a, principal=world.entry(a, "李业主"), holder_id=world.tenant.pk,
                                  document_name="委托书.pdf", document=b"%PDF-1.4\n%%EOF\n")
    for method, url, body in _endpoints(a, entry, entry.roll_units.first(), proxy, PaperSlip.objects.first()):
        r = getattr(client, method)(url, body, **J) if method != "get" else client.get(url)
        assert r.status_code == 401, (method, url, r.status_code)
