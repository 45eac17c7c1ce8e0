"""Migration notices 0002: the notices published before the per-building counts get them from
their households' rows (addressed, reached, reached by a read confirmation), and the periodic
refresh then reads their households without a 户代表."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from linli.migration_testing import city_and_community, migrated_to

BEFORE = [("notices", "0001_initial")]
AFTER = [("notices", "0002_building_counts")]


@pytest.mark.django_db(transaction=True)
def test_published_notices_get_their_building_counts():
    with migrated_to(BEFORE) as executor:
        _check(executor)


def _check(executor):
    from linli.accounts.models import User  # accounts and regions are not migrated back
    from linli.regions import models as regions

    old = executor.loader.project_state(BEFORE).apps
    get = old.get_model
    _city, sq = city_and_community(regions.RegionNode)
    grid = regions.RegionNode.objects.create(code="440106001001001", path="440106001001001", name="第1网格",
                                                       full_name="第1网格", level="grid", parent=sq)
    compound = regions.Compound.objects.create(name="翠苑", grid=grid, region_path=grid.path)
    sender = User.objects.create(username="m-sender")
    notice = get("notices", "Notice").objects.create(title="停水通知", body="周六停水", status="published", must_reach=True,
                                                     region_path=sq.path, sender_id=sender.pk, households_total=5)
    when = dt.datetime(2026, 11, 2, 8, 30, tzinfo=dt.UTC)
    buildings = []
    for b_name, n, reached in (("1栋", 3, ["read_confirmed", "door_to_door"]), ("2栋", 2, [])):
        b = regions.Building.objects.create(compound=compound, name=b_name, grid=grid, region_path=grid.path)
        unit = regions.Unit.objects.create(building=b, name="1单元")
        for i in range(n):
            room = regions.Room.objects.create(unit=unit, building=b, number=f"{i + 101}", exclusive_area="80", area_source="survey",
                                                         region_path=grid.path)
            h = regions.Household.objects.create(number=f"{b_name}{i}", room=room, region_path=grid.path)
            how = reached[i] if i < len(reached) else ""
            get("notices", "NoticeHousehold").objects.create(notice=notice, household_id=h.pk, building_id=b.pk, region_path=grid.path,
                                                             how=how, reached_at=when if how else None)
        buildings.append(b.pk)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    counts = {c.building_id: (c.total, c.reached, c.confirmed, c.gaps_at)
              for c in new.get_model("notices", "NoticeBuilding").objects.filter(notice_id=notice.pk)}
    assert counts == {buildings[0]: (3, 2, 1, None), buildings[1]: (2, 0, 0, None)}
