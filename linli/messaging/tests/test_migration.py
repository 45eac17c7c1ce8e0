"""Migration workorders 0010: every in-app notification moves to messaging's inbox, keeping its
id, recipient, text, link, times and read mark; one about a work order points at the order."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from linli.migration_testing import city_and_community, migrated_to

BEFORE = [("workorders", "0009_follow_ups_to_core"), ("messaging", "0001_initial")]
AFTER = [("workorders", "0010_notifications_to_messaging")]


@pytest.mark.django_db(transaction=True)
def test_every_notification_moves_to_the_inbox():
    with migrated_to(BEFORE) as executor:
        _check(executor)


def _check(executor):
    from linli.accounts.models import User  # accounts is not migrated back
    from linli.workorders.catalogue import seed as seed_categories

    old = executor.loader.project_state(BEFORE).apps
    Node, Category = old.get_model("regions", "RegionNode"), old.get_model("workorders", "Category")
    seed_categories(Category)
    city, sq = city_and_community(Node)
    a, b = User.objects.create(username="m-a"), User.objects.create(username="m-b")
    order = old.get_model("workorders", "WorkOrder").objects.create(
        number="W20260000001", channel="web", category=Category.objects.get(code="0201"), description="路灯不亮",
        region=sq, region_path=sq.path + "001", status="closed")
    Notification = old.get_model("workorders", "Notification")
    made = [Notification.objects.create(id=41, user_id=a.pk, order_id=order.pk, text="工单已办结"),
            Notification.objects.create(id=42, user_id=a.pk, link="/affairs/my/3/", text="办件已受理"),
            Notification.objects.create(id=57, user_id=b.pk, text="签到码 K1")]
    when = dt.datetime(2026, 11, 2, 8, 30, tzinfo=dt.UTC)
    Notification.objects.filter(pk=41).update(created_at=when, read_at=when + dt.timedelta(hours=1))
    Notification.objects.filter(pk__in=[42, 57]).update(created_at=when)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Message, ContentType = new.get_model("messaging", "Message"), new.get_model("contenttypes", "ContentType")
    order_ct = ContentType.objects.get(app_label="workorders", model="workorder")
    rows = {m.pk: m for m in Message.objects.all()}
    assert sorted(rows) == [n.pk for n in made]
    first = rows[41]
    assert (first.user_id, first.kind, first.target_type_id, first.target_id, first.text, first.link) == (
        a.pk, "workorders.legacy", order_ct.pk, order.pk, "工单已办结", f"/orders/{order.pk}/")
    assert first.created_at == when and first.read_at == when + dt.timedelta(hours=1)
    assert (rows[42].kind, rows[42].link, rows[42].target_id, rows[42].read_at) == ("messaging.legacy", "/affairs/my/3/", None, None)
    assert (rows[57].user_id, rows[57].text, rows[57].created_at) == (b.pk, "签到码 K1", when)
    later = Message.objects.create(user_id=b.pk, kind="messaging.legacy", text="新的")
    assert later.pk > 57  # new messages never collide with the ids kept
