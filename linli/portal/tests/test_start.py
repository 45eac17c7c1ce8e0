"""The signed-out start page: pick a community in plain GET steps (no script), or by its name;
the choice is kept in a cookie and ``/`` leads back to its portal."""

import pytest

from linli.accounts.roles import Role
from linli.portal.views import COOKIE

pytestmark = pytest.mark.django_db


def text(resp):
    return resp.content.decode()


def test_district_street_community_in_get_steps(client, tree):
    page = text(client.get("/"))
    assert 'data-testid="picker"' in page and "天河区" in page and "荔湾区" in page
    assert 'name="street"' not in page  # one step at a time
    assert 'data-testid="signin-box"' in page and "/accounts/login/" in page

    page = text(client.get("/", {"change": "1", "district": tree.tianhe.code}))
    assert "猎德街" in page and "石牌街" in page and "昌华街" not in page
    assert 'data-testid="communities"' not in page

    page = text(client.get("/", {"change": "1", "district": tree.tianhe.code, "street": tree.liede.code}))
    assert f"/portal/choose/?community={tree.liede_sq.code}" in page and "华标社区" in page and "石牌社区" not in page
    # a street of another district is dropped
    page = text(client.get("/", {"change": "1", "district": tree.tianhe.code, "street": tree.changhua.code}))
    assert 'data-testid="communities"' not in page

    resp = client.get("/portal/choose/", {"community": tree.liede_sq.code})
    assert resp.status_code == 302 and resp.url == f"/portal/{tree.liede_sq.code}/"
    cookie = resp.cookies[COOKIE]
    assert cookie.value == tree.liede_sq.code
    assert cookie["max-age"] == 365 * 24 * 3600 and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # a plain-HTTP request: a Secure cookie would not be kept

    resp = client.get("/")
    assert resp.status_code == 302 and resp.url == f"/portal/{tree.liede_sq.code}/"
    portal = text(client.get(resp.url))
    assert 'href="/?change=1"' in portal and "切换社区" in portal and "我的社区" in portal
    page = text(client.get("/?change=1"))  # changing: the picker again, the current community named
    assert 'data-testid="picker"' in page and "猎德社区" in page


def test_by_typing_a_name(client, tree):
    page = text(client.get("/", {"name": " 猎德 "}))
    assert f"/portal/choose/?community={tree.liede_sq.code}" in page and "天河区猎德街" in page
    assert "泮塘社区" not in page.split('data-testid="matches"')[1]
    page = text(client.get("/", {"name": "不存在"}))
    assert "没有找到这个社区" in page


@pytest.mark.parametrize("params", [{"district": "x" * 5000}, {"street": "'; drop"}, {"name": "\u202e" * 50 + "a" * 5000},
                                    {"district": "440106001001"}, {"name": "%"}, {"name": "_"}])
def test_odd_input_never_fails(client, tree, params):
    assert client.get("/", params).status_code == 200


@pytest.mark.parametrize("value", ["", "x", "440106001000", "000000000000", "4" * 500])
def test_a_bad_cookie_shows_the_picker(client, tree, value):
    client.cookies[COOKIE] = value
    resp = client.get("/")
    assert resp.status_code == 200 and 'data-testid="picker"' in text(resp)


def test_choose_unknown_community_goes_back_to_the_picker(client, tree):
    for code in ("", tree.liede.code, "999999999999", "abc"):
        resp = client.get("/portal/choose/", {"community": code})
        assert resp.status_code == 302 and resp.url == "/?change=1" and COOKIE not in resp.cookies


def test_signed_in_keeps_the_start_page(client, tree, make_user):
    client.cookies[COOKIE] = tree.liede_sq.code
    client.force_login(make_user(Role.COMMUNITY_ADMIN, tree.liede_sq))
    resp = client.get("/")
    assert resp.status_code == 302 and "/portal/" not in resp.url
    client.logout()  # a fresh cookie jar
    client.cookies[COOKIE] = tree.liede_sq.code
    assert client.get("/").url == f"/portal/{tree.liede_sq.code}/"


def test_the_cookie_is_secure_only_over_https(client, tree, settings):
    resp = client.get("/portal/choose/", {"community": tree.liede_sq.code}, secure=True)
    cookie = resp.cookies[COOKIE]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    resp = client.get("/portal/choose/", {"community": tree.liede_sq.code})
    cookie = resp.cookies[COOKIE]
    assert not cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    # behind the proxy that terminates TLS (SECURE_PROXY_SSL_HEADER): Secure
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    resp = client.get("/portal/choose/", {"community": tree.liede_sq.code}, HTTP_X_FORWARDED_PROTO="https")
    assert resp.cookies[COOKIE]["secure"]
    resp = client.get("/portal/choose/", {"community": tree.liede_sq.code}, HTTP_X_FORWARDED_PROTO="http")
    assert not resp.cookies[COOKIE]["secure"]
