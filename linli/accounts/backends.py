from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from linli.core.crypto import lookup_hash

from .models import User
from .validators import looks_like_phone


class LinliBackend(ModelBackend):
    """Staff sign in with a username, residents with their mobile number."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any):  # type: ignore[override]
        if not username or not password:
            return None
        username = username.strip()
        if looks_like_phone(username):
            user = User.objects.filter(phone_hash=lookup_hash(username)).first()
        else:
            user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
