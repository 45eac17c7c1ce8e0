"""A feed of one section of a portal alone — a community's disclosures — in RSS and Atom: the
public kinds of the community and the street above, not a residents-only kind, not a sibling
community's, nothing of another section."""

import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db

ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def published(tree, make_user, registry):
    from linli.disclosures.tests.conftest import World

    world = World(tree, make_user, registry)
    return {
        "here": world.publish(kind="disclosures.general", title="猎德社区活动室开放时间公示"),
        "street": world.publish(kind="disclosures.general", actor=world.street, region=tree.liede, title="猎德街道路整治公示"),
        "residents": world.publish(kind="disclosures.resolution", title="业主大会内部决议公示"),
        "sibling": world.publish(kind="disclosures.general", actor=world.sibling, region=tree.huabiao, title="华标社区公示"),
    }


def test_the_disclosures_of_a_community_alone(client, tree, published):
    resp = client.get(f"/portal/{tree.liede_sq.code}/feed/disclosures/")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(resp.content).find("channel")
    assert "猎德社区" in channel.findtext("title") and "公示" in channel.findtext("title")
    assert channel.findtext("link").endswith(f"/portal/{tree.liede_sq.code}/#s-disclosures")
    items = channel.findall("item")
    titles = [i.findtext("title") for i in items]
    assert "[公示] 猎德社区活动室开放时间公示 · 公示中" in titles and "[公示] 猎德街道路整治公示 · 公示中" in titles
    assert not any("业主大会内部决议" in t or "华标社区公示" in t for t in titles)
    assert all(t.startswith("[公示]") for t in titles)  # no other section's items
    link = next(i.findtext("link") for i in items if "活动室" in i.findtext("title"))
    assert link.endswith(f"/disclosures/{published['here'].series_pk}/")


def test_atom_and_unknown_sections_or_nodes(client, tree, published):
    resp = client.get(f"/portal/{tree.liede_sq.code}/feed/disclosures/atom/")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/atom+xml")
    titles = [e.findtext("a:title", namespaces=ATOM) for e in ET.fromstring(resp.content).findall("a:entry", ATOM)]
    assert "[公示] 猎德社区活动室开放时间公示 · 公示中" in titles
    assert client.get(f"/portal/{tree.liede_sq.code}/feed/nope/").status_code == 404
    assert client.get(f"/portal/{tree.liede_sq.code}/feed/<script>/").status_code == 404
    assert client.get("/portal/000000000000/feed/disclosures/").status_code == 404
    assert client.get(f"/portal/{tree.g_liede1.path}/feed/disclosures/").status_code == 404
    # the combined feed is unchanged
    assert client.get(f"/portal/{tree.liede_sq.code}/feed/atom/").status_code == 200


def test_the_portal_page_links_each_sections_feed(client, tree, published):
    page = client.get(f"/portal/{tree.liede_sq.code}/").content.decode()
    assert f'href="/portal/{tree.liede_sq.code}/feed/disclosures/"' in page
