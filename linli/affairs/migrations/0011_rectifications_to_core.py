"""Rectifications (差评整改) of applications move to the kernel's one follow-up table (after the
work orders' follow-ups, which keep their ids), keeping dates, replies and who replied; the old
table goes. Pages address them through their application, so those links stay."""

from django.core.management.color import no_style
from django.db import migrations


def forward(apps, schema_editor):
    Old = apps.get_model("affairs", "Rectification")
    New = apps.get_model("core", "FollowUp")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ct, _ = ContentType.objects.using(db).get_or_create(app_label="affairs", model="application")
    for old in Old.objects.using(db).select_related("application").order_by("pk").iterator():
        new = New.objects.using(db).create(
            content_type_id=ct.pk, object_id=old.application_id, region_path=old.region_path,
            rating=old.application.rating or 1, due_date=old.due_date, status=old.state, answer=old.reply,
            done_by_id=old.replied_by_id, done_at=old.replied_at)
        New.objects.using(db).filter(pk=new.pk).update(created_at=old.created_at, updated_at=old.updated_at)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [New]):
            cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_rating_follow_up"),
        ("workorders", "0009_follow_ups_to_core"),
        ("affairs", "0010_idempotency_fingerprint"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="Rectification"),
    ]
