"""Rooms and halls already open ask a booking group for its purpose, headcount and contact,
like the ones opened from now on (school grounds are booked by the person)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Resource = apps.get_model("booking", "Resource")
    Venue = apps.get_model("spaces", "Venue")
    ids = Venue.objects.exclude(kind="school_ground").values_list("resource_id", flat=True)
    Resource.objects.filter(pk__in=list(ids), asks="").update(asks="group")


class Migration(migrations.Migration):
    dependencies = [("booking", "0004_reservation_details"), ("spaces", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
