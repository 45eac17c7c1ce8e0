"""Supervisors (street and district admins over the order's area) act on an overdue order:
督办 with a note that reaches the handler, extending the deadline with a reason, re-routing an
order in hand; each on the timeline and the audit log, refused outside their area."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.roles import Role
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.models import AuditEvent
from linli.messaging.models import Message
from linli.workorders import selectors, services
from linli.workorders.models import WorkOrder
from linli.workorders.tests.conftest import sweep

pytestmark = pytest.mark.django_db


def overdue(loop):
    """A lamp order accepted by the street unit's handler and two days past its deadline."""
    order = loop.submit()
    services.register(actor=loop.dispatcher, order=order)
    services.accept(actor=loop.handler, order=WorkOrder.objects.get(pk=order.pk))
    WorkOrder.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    return WorkOrder.objects.get(pk=order.pk)


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_an_urge_reaches_the_handler_with_its_note_and_is_audited(loop):
    order = overdue(loop)
    services.urge(actor=loop.street_admin, order=order, note="请今天内修好，居民反映多次")
    note = Message.objects.get(user=loop.handler, target_id=order.pk, text__contains="督办")
    assert "请今天内修好，居民反映多次" in note.text
    event = order.events.get(action="urge")
    assert event.actor == loop.street_admin and not event.public  # staff see it; the reporter's timeline does not
    assert AuditEvent.objects.filter(action="workorder.urge", target_id=str(order.pk), actor=loop.street_admin).exists()
    with pytest.raises(DomainError):
        services.urge(actor=loop.street_admin, order=order, note=" ")


def test_only_admins_of_the_area_supervise(loop, tree, make_user):
    order = overdue(loop)
    caseworker = make_user(Role.CASEWORKER, tree.liede_sq)  # dispatches, does not supervise
    other_street = make_user(Role.STREET_ADMIN, tree.shipai)
    for outsider in (caseworker, other_street, loop.handler, loop.resident):
        with pytest.raises(PermissionDenied):
            services.urge(actor=outsider, order=order, note="快点")
        with pytest.raises(PermissionDenied):
            services.extend_deadline(actor=outsider, order=order, until=timezone.localdate() + dt.timedelta(days=3), reason="等配件")
    district = make_user(Role.DISTRICT_ADMIN, tree.tianhe)
    assert {"urge", "extend", "reroute"} <= set(selectors.available_actions(district, order))
    assert "urge" not in selectors.available_actions(caseworker, order)
    services.urge(actor=district, order=order, note="区里督办：本周内办结")
    assert not Message.objects.filter(text__contains="快点").exists()


def test_extending_the_deadline_needs_a_reason_and_a_later_day_and_starts_a_new_round(loop):
    order = overdue(loop)
    sweep()
    order.refresh_from_db()
    assert order.escalation_level >= 1
    until = timezone.localdate() + dt.timedelta(days=5)
    with pytest.raises(DomainError) as no_reason:
        services.extend_deadline(actor=loop.street_admin, order=order, until=until, reason="")
    assert no_reason.value.details["field"] == "reason"
    with pytest.raises(DomainError) as earlier:
        services.extend_deadline(actor=loop.street_admin, order=order, until=timezone.localdate() - dt.timedelta(days=1),
                                 reason="等配件")
    assert earlier.value.details["field"] == "due_date"
    round_before = order.clock_round
    services.extend_deadline(actor=loop.street_admin, order=order, until=until, reason="灯杆需整根更换，等配件到货")
    order.refresh_from_db()
    assert timezone.localtime(order.due_at).date() == until and order.due_at > timezone.now()
    assert order.escalation_level == 0 and order.clock_round == round_before + 1
    assert order not in selectors.orders_for(loop.street_admin, overdue=True)
    ev = order.events.get(action="extend")
    assert ev.public and "等配件到货" in ev.note  # the reporter sees why the date moved
    audit = AuditEvent.objects.get(action="workorder.extend", target_id=str(order.pk))
    assert audit.changes["reason"] == "灯杆需整根更换，等配件到货"
    assert Message.objects.filter(user=loop.resident, target_id=order.pk, text__contains="延至").exists()
    assert Message.objects.filter(user=loop.handler, target_id=order.pk, text__contains="延至").exists()
    fresh = loop.submit()
    with pytest.raises(Conflict):  # not registered yet: its clock is the registration limit
        services.extend_deadline(actor=loop.street_admin, order=fresh, until=until, reason="等配件")


def test_a_supervisor_reroutes_an_order_in_hand_and_the_old_unit_is_told(loop):
    order = overdue(loop)
    services.reroute(actor=loop.street_admin, order=order, unit=loop.property_unit, note="物业负责小区内路灯")
    order.refresh_from_db()
    assert order.status == "dispatched" and order.unit == loop.property_unit
    assert Message.objects.filter(user=loop.handler, target_id=order.pk, text__contains="改派").exists()
    assert Message.objects.filter(user=loop.property_handler, target_id=order.pk, text__contains="新派工单").exists()
    assert AuditEvent.objects.filter(action="workorder.reroute", target_id=str(order.pk)).exists()


def test_supervising_through_the_api(client, loop, tree, make_user):
    order = overdue(loop)
    url = f"/api/v1/workorders/orders/{order.pk}"
    client.force_login(make_user(Role.STREET_ADMIN, tree.shipai))  # another street
    assert client.get(url).status_code == 404
    assert post(client, f"{url}/actions", {"action": "urge", "reason": "快点"}).status_code == 404
    client.force_login(loop.street_admin)
    assert {"urge", "extend", "reroute"} <= set(client.get(url).json()["allowed_actions"])
    resp = post(client, f"{url}/actions", {"action": "urge", "reason": "请今天内修好"})
    assert resp.status_code == 200, resp.content
    assert resp.json()["timeline"][-1]["action"] == "urge"
    assert Message.objects.filter(user=loop.handler, text__contains="请今天内修好").exists()
    resp = post(client, f"{url}/actions", {"action": "extend", "reason": "等配件"})
    assert resp.status_code == 400 and resp.json()["error"]["details"]["field"] == "due_date"
    until = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    resp = post(client, f"{url}/actions", {"action": "extend", "due_date": until, "reason": "等配件"})
    assert resp.status_code == 200 and resp.json()["due_at"].startswith(until)
    resp = post(client, f"{url}/actions", {"action": "reroute", "unit_id": loop.property_unit.pk, "reason": "物业负责"})
    assert resp.status_code == 200 and resp.json()["unit"] == loop.property_unit.name
    client.force_login(loop.resident)
    assert post(client, f"{url}/actions", {"action": "urge", "reason": "快点"}).status_code == 403


def test_supervising_from_the_supervision_page(client, loop, tree, make_user):
    order = overdue(loop)
    client.force_login(make_user(Role.STREET_ADMIN, tree.shipai))
    page = client.get("/orders/supervise/").content.decode()
    assert order.number not in page
    assert client.post(f"/orders/{order.pk}/act/", {"action": "urge", "reason": "快点"}).status_code == 404
    client.force_login(loop.street_admin)
    page = client.get("/orders/supervise/").content.decode()
    assert f'id="overdue-{order.number}"' in page and 'value="urge"' in page and 'value="extend"' in page
    assert 'value="reroute"' in page
    resp = client.post(f"/orders/{order.pk}/act/", {"action": "urge", "reason": "请今天内修好", "back": "supervise"})
    assert resp.status_code == 302 and resp.url == "/orders/supervise/"
    assert Message.objects.filter(user=loop.handler, text__contains="请今天内修好").exists()
    until = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    client.post(f"/orders/{order.pk}/act/", {"action": "extend", "due_date": until, "reason": "等配件", "back": "supervise"})
    order.refresh_from_db()
    assert timezone.localtime(order.due_at).date().isoformat() == until
    assert order.number not in client.get("/orders/supervise/").content.decode().split("临近期限")[0]  # no longer overdue
    detail = client.get(f"/orders/{order.pk}/").content.decode()
    assert "action-urge" in detail and "action-extend" in detail and "延期" in detail
