import pytest

from linli.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_staff_by_username_resident_by_phone(client, tree, make_user, registry):
    make_user(Role.CASEWORKER, tree.liede_sq, username="caseworker1")
    resp = _login(client, "caseworker1", "pw-secret-123")
    assert resp.status_code == 302 and resp.url == "/"
    assert client.get("/").url == "/affairs/desk/"  # a caseworker starts at the one-window desk
    client.logout()
    me = registry.resident(household=registry.household(tree.g_liede1), name="王五")
    make_user(Role.RESIDENT, tree.g_liede1, phone="13900001111", resident=me)
    resp = _login(client, "13900001111", "pw-secret-123")
    assert resp.status_code == 302
    page = client.get("/accounts/mine/")
    assert "王五" in page.content.decode()
    assert client.get("/registry/").status_code == 403


def test_wrong_password_message_and_lockout(client, tree, make_user):
    make_user(Role.CASEWORKER, tree.liede_sq, username="caseworker2")
    resp = _login(client, "caseworker2", "wrong-password")
    assert resp.status_code == 200
    assert "用户名或密码不正确" in resp.content.decode()
    for _ in range(4):
        _login(client, "caseworker2", "wrong-password")
    resp = _login(client, "caseworker2", "pw-secret-123")  # right password, but locked now
    assert resp.status_code == 429
    assert "锁定" in resp.content.decode()
    assert "_auth_user_id" not in client.session


def test_default_hasher_is_argon2():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    import linli.settings as project  # the module itself; tests swap the live setting for speed

    assert project.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("邻里-pw-1", hasher.salt())
    assert encoded.startswith("argon2$") and hasher.verify("邻里-pw-1", encoded)
