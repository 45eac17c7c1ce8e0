"""Applications on the supervision clock (core.supervision): a supervisor of the area urges a
matter with a note (service, desk page, API), refused outside the area and for caseworkers; the
sweep's escalations go through the one notify function, so they reach people by SMS too."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.roles import Role
from linli.affairs import services
from linli.core import supervision
from linli.core.errors import Conflict, PermissionDenied
from linli.core.models import AuditEvent
from linli.messaging.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def changhua_admin(desk, make_user):
    return make_user(Role.STREET_ADMIN, desk.tree.changhua)  # the street above 泮塘社区


def test_a_supervisor_urges_a_matter_and_the_window_is_told(desk, changhua_admin):
    app = desk.at_pantang()
    for outsider in (desk.street_admin, desk.liede_admin, desk.pantang_worker, desk.user):
        with pytest.raises(PermissionDenied):  # another street, another community, the caseworker, the applicant
            services.perform(actor=outsider, app=app, action="urge", data={"reason": "请加快办理"})
    services.perform(actor=changhua_admin, app=app, action="urge", data={"reason": "申请人反映多次，请本周内办结"})
    note = Message.objects.get(user=desk.pantang_worker, text__contains="申请人反映多次")
    assert app.number in note.text and note.link.endswith(f"/desk/{app.pk}/")
    event = app.events.get(action="urge")
    assert event.actor == changhua_admin and not event.public and event.action_label == "督办意见"
    assert AuditEvent.objects.filter(action="affairs.urge", target_id=str(app.pk), actor=changhua_admin).exists()
    assert supervision.records(app, kind="urge").get().note == "申请人反映多次，请本周内办结"
    services.withdraw(actor=desk.pantang_worker, app=app, reason="申请人撤回")
    with pytest.raises(Conflict):
        services.perform(actor=changhua_admin, app=app, action="urge", data={"reason": "请加快"})


def test_urging_from_the_desk_page(client, desk, changhua_admin):
    app = desk.at_pantang()
    url = f"/affairs/desk/{app.pk}/"
    client.force_login(desk.pantang_worker)
    assert 'data-testid="urge-form"' not in client.get(url).content.decode()  # caseworkers handle, they do not supervise
    client.force_login(desk.street_admin)  # another street: the matter is not theirs to see
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "urge", "reason": "快点"}).status_code == 404
    assert not Message.objects.filter(text__contains="快点").exists()
    client.force_login(changhua_admin)
    assert 'data-testid="urge-form"' in client.get(url).content.decode()
    resp = client.post(url, {"action": "urge", "reason": "请今天内联系申请人"})
    assert resp.status_code == 302
    assert Message.objects.filter(user=desk.pantang_worker, text__contains="请今天内联系申请人").exists()
    assert "请今天内联系申请人" in client.get(url).content.decode()  # on the staff timeline


def test_urging_through_the_api(client, desk, changhua_admin):
    app = desk.at_pantang()
    url = f"/api/v1/affairs/applications/{app.pk}/actions"
    client.force_login(desk.street_admin)
    assert client.post(url, {"action": "urge", "reason": "快点"}, content_type="application/json").status_code == 404
    client.force_login(desk.user)  # the applicant sees the matter, may not supervise it
    assert client.post(url, {"action": "urge", "reason": "快点"}, content_type="application/json").status_code == 403
    client.force_login(changhua_admin)
    resp = client.post(url, {"action": "urge", "reason": " "}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["error"]["details"]["field"] == "note"
    resp = client.post(url, {"action": "urge", "reason": "请本周内办结"}, content_type="application/json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["events"][-1]["action"] == "urge"
    assert not Message.objects.filter(text__contains="快点").exists()


def test_escalations_go_through_notify_and_reach_phones(desk, settings, django_capture_on_commit_callbacks):
    from linli.core.sms import ConsoleSms
    from linli.messaging.models import Delivery

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "ENQUEUE_ON_COMMIT": False}}
    settings.LINLI_SMS_BACKEND = "linli.core.sms.ConsoleSms"

    from linli.core.crypto import lookup_hash

    desk.pantang_admin.phone, desk.pantang_admin.phone_hash = "13900007777", lookup_hash("13900007777")
    desk.pantang_admin.save(update_fields=["phone", "phone_hash"])
    app = desk.at_pantang(item=desk.insurance)
    ConsoleSms.sent.clear()
    late = timezone.make_aware(dt.datetime.combine(app.due_date + dt.timedelta(days=1), dt.time(12, 0)))
    with django_capture_on_commit_callbacks(execute=True):  # the delivery task runs at commit (immediate backend)
        assert supervision.sweep(now=late, names=["affairs.application"])["affairs.application"][1] == 1
    text = f"办件 {app.number} 已超过承诺时限，社区督办"
    assert ("139****7777", text) in ConsoleSms.sent  # the SMS went out (masked in the console log)
    sms = Delivery.objects.get(message__user=desk.pantang_admin, channel="sms")
    assert sms.status == Delivery.Status.SENT and sms.message.text == text
    assert Message.objects.filter(user=desk.pantang_admin, link__endswith=f"/desk/{app.pk}/").count() == 1
    app.refresh_from_db()
    assert app.escalation_level == 1 and app.events.filter(action="supervise", public=False).count() == 1
