"""The portal's search finds public work orders by what the public list shows (number, category,
place, state) and never by a reporter's name, phone, description or address, nor a withdrawn or
merged order, nor one of another area; the station section's "more" of a street or district
carries the area."""

import pytest

from linli.workorders import services

pytestmark = pytest.mark.django_db


def text(resp):
    return resp.content.decode()


@pytest.fixture
def orders(tree, make_user, registry):
    from linli.workorders.tests.conftest import Loop

    loop = Loop(tree, make_user, registry)
    shown = loop.submit(contact_name="王小明", contact_phone="13912345678", address="5栋1201", anonymous=False,
                        description="小区门口路灯一直不亮，晚上很危险")
    withdrawn = loop.submit(category=loop.lift, description="电梯困人，已经报过物业")
    services.withdraw(actor=loop.resident, order=withdrawn)
    elsewhere = loop.submit(category=loop.lift, region=tree.pantang, description="泮塘的电梯故障")
    return {"loop": loop, "shown": shown, "withdrawn": withdrawn, "elsewhere": elsewhere}


def search(client, code, q):
    resp = client.get(f"/portal/{code}/search", {"q": q})
    assert resp.status_code == 200
    return text(resp)


def test_a_public_order_is_found_by_what_the_public_list_shows(client, tree, orders):
    shown = orders["shown"]
    for q in (shown.number, shown.category.name, "第1网格"):
        page = search(client, tree.liede_sq.code, q)
        assert "诉求办理公开</h2>" in page and shown.number in page, q
        assert f"/orders/public/{tree.liede_sq.code}/#o{shown.number}" in page
    # a street's and a district's portal search their communities' orders
    assert shown.number in search(client, tree.liede.code, shown.number)
    assert shown.number in search(client, tree.tianhe.code, shown.category.name)
    # by its state's label
    assert shown.number in search(client, tree.liede_sq.code, shown.get_status_display())


def test_private_data_and_hidden_orders_are_not_searched(client, tree, orders):
    shown, withdrawn, elsewhere = orders["shown"], orders["withdrawn"], orders["elsewhere"]
    for q in ("王小明", "13912345678", "5栋1201", "路灯一直不亮", "报事人", "13900001111"):
        page = search(client, tree.liede_sq.code, q)
        assert f"#o{shown.number}" not in page and "诉求办理公开</h2>" not in page, q
    page = search(client, tree.liede_sq.code, withdrawn.number)  # the page echoes the query: look for results
    assert f"#o{withdrawn.number}" not in page and "诉求办理公开</h2>" not in page  # withdrawn: not on the public list
    page = search(client, tree.liede_sq.code, orders["loop"].lift.name)
    assert f"#o{withdrawn.number}" not in page and f"#o{elsewhere.number}" not in page  # another community's stays there
    assert f"#o{elsewhere.number}" in search(client, tree.pantang.code, elsewhere.number)
    # a merged duplicate is not listed either
    loop = orders["loop"]
    dup = loop.submit(description="门口路灯还是不亮")
    services.merge(actor=loop.dispatcher, order=dup, into=shown)
    assert f"#o{dup.number}" not in search(client, tree.liede_sq.code, dup.number)


def test_the_search_provider_is_bounded_and_public_only():
    from linli.core.registry import portal_searches
    from linli.workorders import selectors

    assert "workorders.public" in {s.key for s in portal_searches()}
    assert selectors.portal_search("440106001001", "", 10) == []
    assert selectors.portal_search("", "路灯", 10) == []


def test_station_more_link_of_a_street_and_a_district_carries_the_area(client, tree):
    page = text(client.get(f"/portal/{tree.liede.code}/"))
    assert f'href="/station/?area={tree.liede.path}"' in page
    page = text(client.get(f"/portal/{tree.tianhe.code}/"))
    assert f'href="/station/?area={tree.tianhe.path}"' in page
    page = text(client.get(f"/portal/{tree.liede_sq.code}/"))
    assert f'href="/station/?community={tree.liede_sq.path}"' in page
