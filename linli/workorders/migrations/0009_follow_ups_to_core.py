"""Work-order follow-ups (回访) move to the kernel's one follow-up table, keeping their ids (the
API addresses them by id), dates, answers and who answered; the old table goes."""

from django.core.management.color import no_style
from django.db import migrations


def forward(apps, schema_editor):
    Old = apps.get_model("workorders", "FollowUp")
    New = apps.get_model("core", "FollowUp")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ct, _ = ContentType.objects.using(db).get_or_create(app_label="workorders", model="workorder")
    for old in Old.objects.using(db).select_related("order").order_by("pk").iterator():
        New.objects.using(db).create(
            id=old.pk, content_type_id=ct.pk, object_id=old.order_id, region_path=old.region_path,
            rating=old.order.rating or 1, due_date=old.due_date, status=old.status, answer=old.answer,
            done_by_id=old.done_by_id, done_at=old.updated_at if old.status == "done" else None)
        New.objects.using(db).filter(pk=old.pk).update(created_at=old.created_at, updated_at=old.updated_at)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [New]):
            cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_rating_follow_up"),
        ("workorders", "0008_idempotency_fingerprint"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="FollowUp"),
    ]
