"""The in-app notifications move to the messaging app's one inbox (``messaging.Message``),
keeping their ids, recipients, texts, times and read marks; a notification about a work order
becomes a ``workorders.legacy`` message about that order with the order's page as its link (as
the inbox page built it), any other one a ``messaging.legacy`` message with its own link. The old
table goes. Reversible: the messages go back into a new Notification table."""

from django.core.management.color import no_style
from django.db import migrations, models
import django.db.models.deletion
from django.conf import settings
from django.urls import reverse


def _order_link(order_id):
    return reverse("workorders:detail", args=[order_id])


def forward(apps, schema_editor):
    Old = apps.get_model("workorders", "Notification")
    New = apps.get_model("messaging", "Message")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ct, _ = ContentType.objects.using(db).get_or_create(app_label="workorders", model="workorder")
    batch = []
    for old in Old.objects.using(db).order_by("pk").iterator(chunk_size=2000):
        batch.append(New(
            id=old.pk, user_id=old.user_id, kind="workorders.legacy" if old.order_id else "messaging.legacy",
            target_type_id=ct.pk if old.order_id else None, target_id=old.order_id,
            text=old.text, link=old.link or (_order_link(old.order_id) if old.order_id else ""),
            urgent=False, created_at=old.created_at, read_at=old.read_at))
        if len(batch) >= 2000:
            New.objects.using(db).bulk_create(batch)
            batch = []
    New.objects.using(db).bulk_create(batch)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [New]):
            cursor.execute(sql)


def backward(apps, schema_editor):
    Old = apps.get_model("workorders", "Notification")
    New = apps.get_model("messaging", "Message")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ct = ContentType.objects.using(db).filter(app_label="workorders", model="workorder").first()
    batch = []
    for m in New.objects.using(db).order_by("pk").iterator(chunk_size=2000):
        order_id = m.target_id if ct is not None and m.target_type_id == ct.pk else None
        link = "" if order_id and m.link == _order_link(order_id) else m.link
        batch.append(Old(id=m.pk, user_id=m.user_id, order_id=order_id, text=m.text, link=link,
                         created_at=m.created_at, read_at=m.read_at))
        if len(batch) >= 2000:
            Old.objects.using(db).bulk_create(batch)
            batch = []
    Old.objects.using(db).bulk_create(batch)
    New.objects.using(db).all().delete()
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Old]):
            cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("messaging", "0001_initial"),
        ("workorders", "0009_follow_ups_to_core"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="Notification"),
    ]
