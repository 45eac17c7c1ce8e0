"""The success path of every registry API detail endpoint (GET by id), not only its 404."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.accounts.roles import Role
from linli.regions import services
from linli.regions.api import router

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(tree, make_user, client):
    user = make_user(Role.GRID_WORKER, tree.g_liede1)
    client.force_login(user)
    return user


@pytest.fixture
def home(tree, registry):
    hh = registry.household(tree.g_liede1, compound="翠苑", building="3栋", number="502")
    head = registry.resident(household=hh, name="张三", relation="head", moved_in=dt.date(2015, 6, 1))
    registry.resident(household=hh, name="李四", relation="spouse")
    gone = registry.resident(household=hh, name="王五", relation="child")
    services.update_resident(actor=registry.actor, resident=gone, moved_out=dt.date(2024, 1, 2))
    services.set_household_representative(actor=registry.actor, household=hh, resident=head)
    services.set_ownership(actor=registry.actor, room=hh.room, kind="person", owner_name="张三", resident=head, share="1")
    return hh, head


def test_room_detail(client, home, worker):
    hh, head = home
    resp = client.get(f"/api/v1/registry/rooms/{hh.room_id}")
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["id"] == hh.room_id and body["number"] == "502" and "翠苑3栋" in body["address"]
    assert Decimal(body["exclusive_area"]) == Decimal("88.50")
    assert [(o["kind"], o["owner_name"], Decimal(o["share"])) for o in body["owners"]] == [("person", "张三", Decimal(1))]
    [household] = body["households"]
    assert household["number"] == hh.number and household["representative_id"] == head.pk
    assert sorted(m["name"] for m in household["members"]) == ["张三", "李四"]  # 王五 moved out


def test_resident_detail(client, home, worker):
    _hh, head = home
    resp = client.get(f"/api/v1/registry/residents/{head.pk}")
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["name"] == "张三" and body["moved_in"] == "2015-06-01" and body["household_number"] == head.household.number
    assert sorted(m["name"] for m in body["members"]) == ["张三", "李四"]
    assert head.id_number not in resp.content.decode()


def test_resident_history(client, home, worker):
    _hh, head = home
    resp = client.get(f"/api/v1/registry/residents/{head.pk}/history")
    assert resp.status_code == 200 and [h["action"] for h in resp.json()] == ["resident.create"]


def test_every_detail_endpoint_is_covered():
    details = sorted(path for path, view in router.path_operations.items()
                     if "{" in path and any(op.methods == ["GET"] for op in view.operations))
    assert details == ["/residents/{resident_id}", "/residents/{resident_id}/history", "/rooms/{room_id}"]


@pytest.mark.parametrize("url", ["/api/v1/registry/rooms/{room}", "/api/v1/registry/residents/{resident}",
                                 "/api/v1/registry/residents/{resident}/history"])
def test_detail_of_another_community_is_404(client, tree, registry, worker, url):
    hh = registry.household(tree.g_pantang, compound="泮塘小区", number="101")
    other = registry.resident(household=hh, name="赵六")
    assert client.get(url.format(room=hh.room_id, resident=other.pk)).status_code == 404
