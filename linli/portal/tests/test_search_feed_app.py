"""The portal's search, its feeds and the installable web app (manifest, service worker, CSP)."""

import json
import xml.etree.ElementTree as ET

import pytest

from linli.core.registry import PortalItem

pytestmark = pytest.mark.django_db


def text(resp):
    return resp.content.decode()


@pytest.fixture
def searches(fake):
    asked = []

    def services(path, q, limit):
        asked.append((path, q, limit))
        return [PortalItem(f"助餐服务 {q}", "/s/1/")] if "餐" in q else []

    def venues(path, q, limit):
        return [] if "无" in q else [PortalItem(f"活动室 {q}", "/v/1/", summary="猎德路1号")]

    def broken(path, q, limit):
        raise RuntimeError("down")

    fake.search("services", "驿站服务", services)
    fake.search("venues", "共享场地", venues)
    fake.search("broken", "坏掉的搜索", broken)
    fake.asked = asked
    return fake


def test_results_grouped_by_label(client, tree, searches):
    resp = client.get(f"/portal/{tree.liede_sq.code}/search", {"q": "  助\u200b餐  "})
    page = text(resp)
    assert resp.status_code == 200
    assert searches.asked == [(tree.liede_sq.path, "助餐", 10)]  # cleaned: invisible characters and blanks gone
    assert page.index("驿站服务</h2>") < page.index("共享场地</h2>")
    assert "助餐服务 助餐" in page and "活动室 助餐" in page and "坏掉的搜索" not in page
    page = text(client.get(f"/portal/{tree.liede_sq.code}/search", {"q": "篮球"}))
    assert "驿站服务</h2>" not in page and "活动室 篮球" in page


def test_empty_and_too_long_queries(client, tree, searches):
    resp = client.get(f"/portal/{tree.liede_sq.code}/search")
    assert resp.status_code == 200 and "请输入要找的" in text(resp) and searches.asked == []
    resp = client.get(f"/portal/{tree.liede_sq.code}/search", {"q": "长" * 31})
    assert resp.status_code == 400 and "搜索词太长" in text(resp) and searches.asked == []
    resp = client.get(f"/portal/{tree.liede_sq.code}/search", {"q": "无结果"})
    assert "没有找到与“无结果”相关的内容" in text(resp)


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", "' OR 1=1 --", "%", "_", "\\", "\u202e\u2066", "😀" * 10,
                               "a" * 100_000, "１２３", "\t\n\r"])
def test_no_input_gives_a_500(client, tree, q, sections):
    resp = client.get(f"/portal/{tree.liede_sq.code}/search", {"q": q})
    assert resp.status_code in (200, 400)
    assert "<script>alert" not in text(resp)


@pytest.mark.parametrize("raw", ["q=%ED%A0%80", "q=%FF%FE", "q=%00", "q=a&q=b", "q", "q=%E4%B8"])
def test_broken_encodings_give_no_500(client, tree, raw, sections):
    assert client.get(f"/portal/{tree.liede_sq.code}/search?{raw}").status_code in (200, 400)


def test_anonymous_searches_are_rate_limited(client, tree, searches, real_write_limits):
    url = f"/portal/{tree.liede_sq.code}/search"
    codes = [client.get(url, {"q": f"餐{i}"}).status_code for i in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429
    resp = client.get(url, {"q": "餐"})
    assert "操作过于频繁" in text(resp) and int(resp["Retry-After"]) > 0
    assert client.get(url).status_code == 200  # the empty form is not counted


def test_unknown_portal_search_is_404(client, tree):
    assert client.get("/portal/999999999999/search", {"q": "餐"}).status_code == 404


# ---------------------------------------------------------------- feeds

def test_rss_feed_lists_dated_items_newest_first(client, tree, fake):
    resp = client.get(f"/portal/{tree.liede_sq.code}/feed/")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(resp.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert "猎德社区" in channel.findtext("title")
    items = channel.findall("item")
    titles = [i.findtext("title") for i in items]
    assert titles == ["[公示公开] 维修资金使用公示 440106001001 · 公示中", "[通知公告] 停水通知 440106001001 · 紧急",
                      "[通知公告] 垃圾分类宣传"]
    assert items[1].findtext("link").endswith(f"/n/{tree.liede_sq.path}/1/")
    assert items[1].findtext("description") == "11月5日上午停水"
    assert items[1].findtext("pubDate")


def test_atom_feed_and_bad_text(client, tree, fake):
    fake.add("odd", "奇怪", 30, lambda path, limit: [PortalItem("控制\x01字符\x1b", "/x/", when=__import__("datetime").date(2026, 1, 1)),
                                                    PortalItem("无日期", "/y/")])
    resp = client.get(f"/portal/{tree.liede.code}/feed/atom/")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(resp.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert "[奇怪] 控制字符" in titles and not any("无日期" in t for t in titles)
    assert client.get("/portal/000000000000/feed/").status_code == 404
    page = text(client.get(f"/portal/{tree.liede.code}/"))  # the page names its feeds
    assert f'type="application/rss+xml" title="猎德街" href="/portal/{tree.liede.code}/feed/"' in page
    assert f'href="/portal/{tree.liede.code}/feed/atom/"' in page


# ---------------------------------------------------------------- the installable web app

def test_manifest(client):
    resp = client.get("/manifest.webmanifest")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/manifest+json")
    data = json.loads(resp.content)
    assert data["name"] == "邻里" and data["start_url"] == "/" and data["display"] == "standalone"
    sizes = {i["sizes"]: i["src"] for i in data["icons"]}
    assert set(sizes) == {"192x192", "512x512"}
    from django.contrib.staticfiles import finders
    from PIL import Image

    for size, src in sizes.items():
        path = finders.find(src.removeprefix("/static/"))
        with Image.open(path) as img:
            assert img.format == "PNG" and f"{img.width}x{img.height}" == size


def test_service_worker(client):
    resp = client.get("/sw.js")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/javascript")
    assert "no-cache" in resp["Cache-Control"]
    body = text(resp)
    for asset in ("/static/linli/linli.css", "/static/linli/linli.js", "/static/linli/icon-192.png", "/offline/"):
        assert f'"{asset}"' in body
    assert '"/api/"' in body and 'request.method !== "GET"' in body
    assert "Service-Worker-Allowed" not in resp  # served at the root: its scope is / anyway
    from django.contrib.staticfiles import finders

    with open(finders.find("linli/linli.js"), encoding="utf-8") as f:
        js = f.read()
    assert 'register("/sw.js", { scope: "/" })' in js


def test_offline_page_and_base_template(client, tree):
    resp = client.get("/offline/")
    assert resp.status_code == 200 and "网络未连接" in text(resp) and "csrf" not in text(resp).lower()
    page = text(client.get(f"/portal/{tree.liede_sq.code}/"))
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page and "<script>" not in page


def test_csp_allows_the_worker_and_the_manifest(client, tree):
    for url in ("/", "/sw.js", "/manifest.webmanifest", f"/portal/{tree.liede_sq.code}/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy and "script-src 'self'" in policy
