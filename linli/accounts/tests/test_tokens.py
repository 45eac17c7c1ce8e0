"""Bearer tokens as an app uses them: the account behind a token, cached, and what ends it."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.models import ApiToken
from linli.accounts.roles import Role
from linli.accounts.services import issue_api_token, user_for_token

pytestmark = pytest.mark.django_db


def test_a_token_gives_its_account_a_fresh_copy_each_time_and_notes_its_use(tree, make_user):
    worker = make_user(Role.GRID_WORKER, tree.g_liede1)
    token, secret = issue_api_token(actor=worker, user=worker, name="app")
    first = user_for_token(secret)
    assert first.pk == worker.pk and first.display_name == worker.display_name
    first._linli_roles = ["leaked"]  # a request caching something on its user …
    second = user_for_token(secret)
    assert second is not first and not hasattr(second, "_linli_roles")  # … never reaches the next
    token.refresh_from_db()
    assert token.last_used_at is not None and timezone.now() - token.last_used_at < dt.timedelta(minutes=1)
    assert user_for_token("ll_not-a-token") is None and user_for_token("") is None


def test_deactivating_the_account_or_revoking_the_token_ends_it_at_once(client, tree, make_user):
    from linli.accounts.services import revoke_api_token

    worker = make_user(Role.GRID_WORKER, tree.g_liede1)
    _token, secret = issue_api_token(actor=worker, user=worker, name="app")
    assert user_for_token(secret) is not None  # now cached
    worker.display_name = "改名"
    worker.save()
    assert user_for_token(secret).display_name == "改名"  # a changed account is read again
    worker.is_active = False
    worker.save()
    assert user_for_token(secret) is None
    assert client.get("/api/v1/workorders/orders", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    other = make_user(Role.GRID_WORKER, tree.g_liede1)
    token, secret = issue_api_token(actor=other, user=other, name="app")
    assert user_for_token(secret) is not None
    revoke_api_token(actor=other, token=token)
    assert user_for_token(secret) is None and ApiToken.objects.get(pk=token.pk).revoked_at is not None
