"""Data repairs:

- the search text held the category label in the UI language of whoever created the offering
  ("Meals" instead of 助餐): rebuilt with the Chinese label;
- provider staff were copied to an offering's resource managers only when the offering was
  created: everyone now on a provider's staff manages its offerings' resources;
- an offering's single photo becomes its first OfferingPhoto (the same stored file).
"""

from django.db import migrations

# the category labels as stored for search, fixed here (a migration must not follow later edits)
CATEGORY_ZH = {"elderly": "养老", "childcare": "托育", "housekeeping": "家政", "health": "医疗健康", "legal": "法律",
               "education": "文化教育", "repair": "维修", "meals": "助餐", "other": "其他"}


def search_text(title: str, provider: str, category: str, description: str) -> str:
    return f"{title} {provider} {CATEGORY_ZH.get(category, category)} {description}".lower()


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Offering = apps.get_model("station", "Offering")
    OfferingPhoto = apps.get_model("station", "OfferingPhoto")
    Resource = apps.get_model("booking", "Resource")
    batch = []
    for o in Offering.objects.select_related("provider").iterator(chunk_size=1000):
        text = search_text(o.title, o.provider.name, o.category, o.description)
        if o.search_text != text:
            o.search_text = text
            batch.append(o)
        if len(batch) >= 1000:
            Offering.objects.bulk_update(batch, ["search_text"])
            batch = []
        if o.photo and not OfferingPhoto.objects.filter(offering_id=o.pk).exists():
            OfferingPhoto.objects.create(offering_id=o.pk, image=o.photo.name, position=0)
    if batch:
        Offering.objects.bulk_update(batch, ["search_text"])
    Managers = Resource.managers.through
    Staff = apps.get_model("station", "Provider").staff.through
    staff_of: dict[int, set[int]] = {}
    for provider_id, user_id in Staff.objects.values_list("provider_id", "user_id"):
        staff_of.setdefault(provider_id, set()).add(user_id)
    have = set(Managers.objects.values_list("resource_id", "user_id"))
    missing = [Managers(resource_id=rid, user_id=uid)
               for rid, pid in Offering.objects.values_list("resource_id", "provider_id")
               for uid in staff_of.get(pid, ()) if (rid, uid) not in have]
    Managers.objects.bulk_create(missing, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("station", "0002_offering_photos_staff_daily_views"),
        ("booking", "0002_resource_managers"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
