"""The public portal's pages: a community's, a street's and a district's, without signing in."""

import datetime as dt
import re

import pytest

from linli.core.registry import PortalItem

pytestmark = pytest.mark.django_db


def text(resp):
    return resp.content.decode()


def crumbs(page):
    found = re.search(r'data-testid="breadcrumbs">(.*?)</nav>', page, re.S)
    assert found, "no breadcrumbs"
    return re.findall(r"<li>(.*?)</li>", found.group(1), re.S)


def test_community_page_shows_the_trail_and_the_sections_in_order(client, tree, fake):
    resp = client.get(f"/portal/{tree.liede_sq.code}/")
    page = text(resp)
    assert resp.status_code == 200
    trail = crumbs(page)
    assert len(trail) == 3
    assert f'href="/portal/{tree.tianhe.code}/"' in trail[0] and "天河区" in trail[0]
    assert f'href="/portal/{tree.liede.code}/"' in trail[1] and "猎德街" in trail[1]
    assert "猎德社区" in trail[2] and 'aria-current="page"' in trail[2]
    # notices (order 10) before disclosures (order 20), though registered the other way round
    assert page.index("通知公告") < page.index("公示公开")
    assert f"停水通知 {tree.liede_sq.path}" in page and "紧急" in page and "2026-11-02" in page
    assert f'href="/n/?area={tree.liede_sq.path}"' in page and f'href="/d/?area={tree.liede_sq.path}"' in page
    assert ("notices", tree.liede_sq.path, 5) in fake.seen
    assert "login" in page  # signing in stays at hand


def test_street_lists_its_communities_and_district_its_streets(client, tree, fake):
    page = text(client.get(f"/portal/{tree.liede.code}/"))
    assert len(crumbs(page)) == 2
    down = re.search(r'data-testid="children">(.*?)</section>', page, re.S).group(1)
    assert f'/portal/{tree.liede_sq.code}/' in down and f'/portal/{tree.huabiao.code}/' in down
    assert tree.shipai_sq.code not in down and tree.pantang.code not in down
    assert f"停水通知 {tree.liede.path}" in page  # the sections are asked for the street

    page = text(client.get(f"/portal/{tree.tianhe.code}/"))
    assert len(crumbs(page)) == 1
    down = re.search(r'data-testid="children">(.*?)</section>', page, re.S).group(1)
    assert "猎德街" in down and "石牌街" in down and "昌华街" not in down


@pytest.mark.parametrize("code", ["000000000000", "440100000000", "440106001001001", "abc", "4401060010", "%E4%B8%AD",
                                  "440106001001%2F", "9" * 40])
def test_unknown_codes_city_and_grids_are_404(client, tree, code):
    assert client.get(f"/portal/{code}/").status_code == 404


def test_a_failing_provider_leaves_its_block_empty(client, tree, fake):
    def broken(path, limit):
        raise RuntimeError("down")

    fake.add("broken", "坏掉的栏目", 15, broken, more=lambda path: 1 / 0)
    resp = client.get(f"/portal/{tree.liede_sq.code}/")
    assert resp.status_code == 200 and "坏掉的栏目" in text(resp) and "停水通知" in text(resp)


# ---------------------------------------------------------------- the sections the apps register

def test_real_sections_show_public_data_only(client, tree, area):
    page = text(client.get(f"/portal/{tree.liede_sq.code}/"))
    assert "猎德街党群服务中心" in page and "猎德路100号" in page  # the street's centre serves its communities
    assert "09:00–12:00" in page and "错时服务" in page
    assert "泮塘社区服务站" not in page
    assert "猎德活动室" in page
    assert "诉求办理公开" in page and area["order"].number in page
    assert f'href="/orders/public/{tree.liede_sq.code}/"' in page
    for private in ("王小明", "王*", "13912345678", "5栋1201", "报事人", "13900001111"):
        assert private not in page
    # the street's public order list exists too
    assert client.get(f"/orders/public/{tree.liede.code}/").status_code == 200


def test_item_dataclass_is_public_only():
    item = PortalItem("t", "/u/")
    assert item.when is None and item.summary == "" and item.badge == ""


def test_query_count_is_fixed(client, tree, area, django_assert_max_num_queries):
    """The region lookups (node, trail, places below) and one statement per section (two for the
    centres and their hours), whatever the number of items."""
    from linli.core.registry import portal_sections

    bound = 3 + len(portal_sections()) + 1  # node, trail, places below; a statement a section; the hours
    for code in (tree.liede_sq.code, tree.liede.code, tree.tianhe.code):
        client.get(f"/portal/{code}/")
        with django_assert_max_num_queries(bound):
            assert client.get(f"/portal/{code}/").status_code == 200


def test_centre_hours_read_as_one_line():
    from types import SimpleNamespace as H

    from linli.affairs.selectors import hours_text

    nine, six, late, noon = dt.time(9), dt.time(18), dt.time(20, 30), dt.time(12)
    hours = [H(weekday=d, opens=nine, closes=six, extended=False) for d in range(5)]
    hours += [H(weekday=d, opens=six, closes=late, extended=True) for d in (1, 3)]
    hours += [H(weekday=5, opens=nine, closes=noon, extended=True)]
    assert hours_text(hours) == "周一至周五 09:00–18:00；周二、周四 18:00–20:30（错时服务）；周六 09:00–12:00（错时服务）"
    assert hours_text([]) == ""
