"""Display names and API token names are stored without control characters or direction overrides."""

import pytest

from linli.accounts import services

pytestmark = pytest.mark.django_db


def test_display_and_token_names_are_stored_clean(root):
    user = services.create_user(actor=root, username="zhang", password="pw-secret-123",
                                display_name="\u0001张\u202e  三\u001b\u007f\u009b\u200b")
    user.refresh_from_db()
    assert user.display_name == "张 三"
    token, _secret = services.issue_api_token(actor=root, user=user, name="\u0001\u001b巡查\u2066手机\u0085")
    token.refresh_from_db()
    assert token.name == "巡查手机"
