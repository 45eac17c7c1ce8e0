"""The list of offerings filtered to a street or a district (``?area=``), where the portal's
"more" link of a street or district leads."""

import pytest

from linli.station import selectors

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_a_street_or_district(client, station):
    station.approve()
    station.offer()  # serves 猎德社区 (猎德街, 天河区)
    tree = station.tree
    for area in (tree.liede.path, tree.liede.code, tree.tianhe.path):
        page = client.get("/station/", {"area": area}).content.decode()
        assert "长者助餐" in page and 'data-testid="area-filter"' in page, area
        assert f'name="area" value="{tree.liede.path if area != tree.tianhe.path else tree.tianhe.path}"' in page
    page = client.get("/station/", {"area": tree.changhua.path}).content.decode()
    assert "长者助餐" not in page and "昌华街" in page
    assert "长者助餐" not in client.get("/station/", {"area": tree.liwan.path}).content.decode()
    # a community, a grid, garbage: not an area, the whole list
    for junk in (tree.liede_sq.code, tree.g_liede1.path, "abc", "4401'--", "9" * 40):
        page = client.get("/station/", {"area": junk}).content.decode()
        assert "长者助餐" in page and 'data-testid="area-filter"' not in page, junk
    assert list(selectors.search(area=tree.liede.path)) and not list(selectors.search(area=tree.shipai.path))


def test_the_portal_more_link_carries_the_area(station):
    tree = station.tree
    assert selectors.portal_more(tree.liede_sq.path) == f"/station/?community={tree.liede_sq.path}"
    assert selectors.portal_more(tree.liede.path) == f"/station/?area={tree.liede.path}"
    assert selectors.portal_more(tree.tianhe.path) == f"/station/?area={tree.tianhe.path}"
