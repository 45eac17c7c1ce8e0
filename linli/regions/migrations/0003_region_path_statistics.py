"""PostgreSQL: finer statistics on region_path, so a street's prefix filter is estimated right and
searches use their own indexes (see docs/performance.md: estimates of 94 rows for 5,619 before)."""

from django.db import migrations

TABLES = ("regions_resident", "regions_household", "regions_room")


def raise_stats(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "region_path" SET STATISTICS 1000')


def reset_stats(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "region_path" SET STATISTICS -1')


class Migration(migrations.Migration):
    dependencies = [("regions", "0002_private_import_files")]
    operations = [migrations.RunPython(raise_stats, reset_stats)]
