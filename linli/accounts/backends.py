from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from linli.core.crypto import lookup_hash

from .models import User
from .validators import normalize_phone


def login_name(typed: str | None) -> str:
    """What a login form's name field means, before any look-up: a mobile number however it was
    written (spaces, dashes, +86) as its 11 digits, or a username (spaces around, full-width
    letters and case do not matter)."""
    text = unicodedata.normalize("NFKC", typed or "").strip()
    return normalize_phone(text) or text


def user_for_login(typed: str | None) -> User | None:
    """The account a login name designates: by mobile number (its search hash), else by username
    in any case (an exact match wins should two usernames differ only in case)."""
    name = login_name(typed)
    if not name:
        return None
    if normalize_phone(name) == name:
        user = User.objects.filter(phone_hash=lookup_hash(name)).first()
        if user is not None:
            return user
    matches = list(User.objects.filter(username__iexact=name)[:5])
    exact = next((u for u in matches if u.username == name), None)
    return exact or (matches[0] if len(matches) == 1 else None)


def lockout_name(request: HttpRequest | None, credentials: dict | None) -> str:
    """The name failed logins are counted under (``AXES_USERNAME_CALLABLE``): the account they
    were aimed at, however it was typed — phone ``13800138003``, ``138 0013 8003`` and username
    ``R13800138003`` lock the same account; a name that matches no account counts as written."""
    typed = (credentials or {}).get("username") or ""
    memo = getattr(request, "_linli_lockout_names", None)
    if memo is None:
        memo = {}
        if request is not None:
            request._linli_lockout_names = memo  # type: ignore[attr-defined]
    if typed not in memo:
        user = user_for_login(typed)
        memo[typed] = user.username if user is not None else login_name(typed).lower()[:255]
    return memo[typed]


class LinliBackend(ModelBackend):
    """Staff sign in with a username, residents with their mobile number (or their username)."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any):  # type: ignore[override]
        if not username or not password:
            return None
        user = user_for_login(username)
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
