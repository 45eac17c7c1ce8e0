"""In Debian Chromium: the service worker keeps the public pages a person opened and shows them
offline (a page never opened shows the offline page); the copy kept is the signed-out page,
whoever opened it; staff pages, searches and the API are not kept; the number kept is bounded.
The worker's own ``keepable`` rule is checked on a list of addresses."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPT_URLS = """() => caches.keys().then(keys => {
  const name = keys.find(k => k.startsWith("linli-pages-"));
  return name ? caches.open(name).then(c => c.keys()).then(rs => rs.map(r => new URL(r.url).pathname)) : [];
})"""

KEPT_TEXT = """(path) => caches.keys().then(keys => {
  const name = keys.find(k => k.startsWith("linli-pages-"));
  return caches.open(name).then(c => c.match(location.origin + path, {ignoreVary: true})).then(r => r ? r.text() : "");
})"""


SETTLED = """() => navigator.serviceWorker.getRegistration().then(r =>
  !!r && !!r.active && r.active.state === "activated" && !r.installing && !r.waiting)"""


def settled(page, timeout=10.0):
    """Until one worker is active and none is installing or waiting (an update would start with
    caches of its own)."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(SETTLED):
        assert time.monotonic() < deadline, "the service worker did not settle"
        time.sleep(0.1)


def controlled(page, url):
    page.goto(url)
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    settled(page)
    page.reload()  # now the worker controls the page (and this visit is seen by it)
    assert page.evaluate("!!navigator.serviceWorker.controller")
    settled(page)


def wait_kept(page, path, timeout=10.0):
    """Until the worker has kept ``path`` (it does so after the page is answered): polled from
    here, as ``page.evaluate`` waits for the caches' promises."""
    import time

    deadline = time.monotonic() + timeout
    while path not in page.evaluate(KEPT_URLS):
        assert time.monotonic() < deadline, f"{path} not kept: {page.evaluate(KEPT_URLS)}"
        time.sleep(0.1)


def test_a_visited_portal_page_opens_offline(page, tree):
    liede = f"/portal/{tree.liede_sq.code}/"
    controlled(page, liede)
    wait_kept(page, liede)
    settled(page)
    assert liede in page.evaluate(KEPT_URLS)
    page.context.set_offline(True)
    try:
        page.goto(liede)
        expect(page.get_by_role("heading", name="猎德社区", exact=True)).to_be_visible()
        expect(page.get_by_test_id("breadcrumbs")).to_contain_text("猎德街")
        page.goto(f"/portal/{tree.shipai_sq.code}/")  # never opened: the offline page
        expect(page.get_by_test_id("offline")).to_be_visible()
    finally:
        page.context.set_offline(False)


def test_the_kept_copy_is_the_signed_out_page_and_staff_pages_are_not_kept(page, tree, make_user, login, settings):
    from linli.accounts.roles import Role

    settings.LINLI_OFFLINE_PAGES = 2
    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq, username="liede_admin_off")
    login(page, "liede_admin_off")
    liede = f"/portal/{tree.liede_sq.code}/"
    controlled(page, liede)
    wait_kept(page, liede)
    kept = page.evaluate(KEPT_TEXT, liede)
    assert "猎德社区" in kept and admin.display_name not in kept and "liede_admin_off" not in kept
    assert 'class="signin-box"' in kept  # the page as anyone signed out sees it (its sign-in box)
    for url in ("/disclosures/staff/", "/notices/", f"/portal/{tree.liede_sq.code}/search?q=助餐", "/api/v1/disclosures/kinds",
                f"/portal/{tree.liede.code}/?x=1"):
        page.goto(url)
    # the bound: two pages, the oldest dropped
    page.goto(f"/portal/{tree.liede.code}/")
    wait_kept(page, f"/portal/{tree.liede.code}/")
    page.goto(f"/portal/{tree.tianhe.code}/")
    wait_kept(page, f"/portal/{tree.tianhe.code}/")
    assert sorted(page.evaluate(KEPT_URLS)) == sorted([f"/portal/{tree.liede.code}/", f"/portal/{tree.tianhe.code}/"])
    page.context.set_offline(True)
    try:
        page.goto("/disclosures/staff/")  # opened online, never kept: the offline page
        expect(page.get_by_test_id("offline")).to_be_visible()
    finally:
        page.context.set_offline(False)


def test_the_workers_keepable_rule(browser, live_server, tree):
    """The rule as the worker runs it (its own source, in a page without a worker)."""
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/sw.js") as resp:  # noqa: S310 - the test's own server
        source = resp.read().decode()
    context = browser.new_context()
    pg = context.new_page()
    try:
        pg.set_content("<html><body></body></html>")
        origin = "http://linli.test"
        got = pg.evaluate("""([src, origin, urls]) => {
          const fake = {addEventListener() {}, location: {origin}};
          const keepable = new Function("self", src + "\\nreturn keepable;")(fake);
          return urls.map(u => keepable(new URL(u, origin)));
        }""", [source, origin, [
            "/portal/440106001001/", "/disclosures/7/", "/disclosures/area/440106/", "/notices/public/3/",
            "/notices/public/area/440106001001/",
            "/portal/440106001001/?q=1", "/portal/440106001001/search", "/disclosures/staff/7/", "/notices/3/",
            "/api/v1/disclosures/7", "/accounts/login/", "http://elsewhere.test/portal/440106001001/"]])
        assert got == [True] * 5 + [False] * 7
    finally:
        context.close()
