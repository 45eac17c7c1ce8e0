from __future__ import annotations

import copy
import datetime as dt
import hashlib
import secrets
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from linli.core.crypto import lookup_hash
from linli.core.errors import DomainError
from linli.core.memo import Memo
from linli.core.services import record_audit
from linli.core.text import clean_text

from .models import ApiToken, RoleAssignment, User
from .roles import Role
from .validators import looks_like_phone, normalize_phone


@transaction.atomic
def create_user(
    *, actor: Any, username: str, password: str, display_name: str = "", phone: str = "", is_staff: bool = False,
    resident: Any = None,
) -> User:
    if User.objects.filter(username__iexact=username).exists():  # names sign in in any case
        raise DomainError("username_taken", _("用户名已被使用"), username=username)
    if phone:
        phone = normalize_phone(phone) or phone
        if not looks_like_phone(phone):
            raise DomainError("invalid_phone", _("手机号格式不正确"))
        if User.objects.filter(phone_hash=lookup_hash(phone)).exists():
            raise DomainError("phone_taken", _("该手机号已注册"))
    user = User(username=username, display_name=clean_text(display_name, collapse=True), phone=phone, phone_hash=lookup_hash(phone),
                is_staff=is_staff, resident=resident)
    user.set_password(password)
    user.save()
    record_audit(actor=actor, action="user.create", target=user, changes={"username": username})
    return user


@transaction.atomic
def assign_role(*, actor: Any, user: User, role: str, region: Any) -> RoleAssignment:
    if role not in Role.values:
        raise DomainError("unknown_role", _("未知角色"), role=role)
    ra, _created = RoleAssignment.objects.update_or_create(
        user=user, role=role, region=region, defaults={"active": True, "region_path": region.path}
    )
    record_audit(actor=actor, action="role.assign", target=ra, region_path=region.path,
                 changes={"role": role, "region": region.code})
    return ra


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_api_token(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the secret, which is shown once and never stored."""
    secret = "ll_" + secrets.token_urlsafe(32)
    name = clean_text(name, collapse=True)
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:10], key_hash=_digest(secret))
    record_audit(actor=actor, action="api_token.issue", target=token, changes={"user": user.username, "name": name})
    return token, secret


@transaction.atomic
def revoke_api_token(*, actor: Any, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    cache.delete(_token_cache_key(token.key_hash))
    record_audit(actor=actor, action="api_token.revoke", target=token)


def _token_cache_key(digest: str) -> str:
    return f"apitoken:{digest}"


_accounts = Memo("accounts.user", ttl=300)

# Written out: a bearer request whose token is not cached reads token and account in one
# statement; building the equivalent queryset (a join over every account column) cost more
# than running it.
_TOKEN_USER = (f"SELECT u.*, t.id AS token_id, t.last_used_at AS token_used_at "  # noqa: S608 (table names only)
               f"FROM {User._meta.db_table} u JOIN {ApiToken._meta.db_table} t ON t.user_id = u.id "
               f"WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active")
_ACTIVE_USER = f"SELECT * FROM {User._meta.db_table} WHERE id = %s AND is_active"  # noqa: S608 (table name only)


def _active_user(user_id: int) -> User | None:
    return next(iter(User.objects.raw(_ACTIVE_USER, [user_id])), None)


def user_for_token(secret: str) -> User | None:
    """The active user a bearer secret belongs to. The secret's user id is kept in the cache for
    LINLI_TOKEN_CACHE_SECONDS (default 30) so that busy clients do not cost a query each;
    revoking a token deletes its entry (at once everywhere when the cache is Redis; with the
    per-process default cache other processes follow within that time). The account itself is
    kept in the process (``core.memo``), forgotten whenever it is saved; each request gets its
    own copy, so nothing one request caches on it reaches another."""
    if not secret:
        return None
    digest = _digest(secret)
    ttl = getattr(settings, "LINLI_TOKEN_CACHE_SECONDS", 30)
    user_id = cache.get(_token_cache_key(digest)) if ttl else None
    if user_id is None:
        found = next(iter(User.objects.raw(_TOKEN_USER, [digest])), None)
        if found is None:
            return None
        token_id, last_used = found.token_id, found.token_used_at  # type: ignore[attr-defined]
        del found.token_id, found.token_used_at  # type: ignore[attr-defined]
        now = timezone.now()
        if isinstance(last_used, str):  # SQLite hands back text for a column of a join
            last_used = parse_datetime(last_used)
        if last_used is not None and timezone.is_naive(last_used):
            last_used = timezone.make_aware(last_used, dt.UTC)
        if last_used is None or (now - last_used).total_seconds() > 60:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        user_id = found.pk
        if ttl:
            cache.set(_token_cache_key(digest), user_id, ttl)
        user = _accounts.get(user_id, lambda: found)
    else:
        user = _accounts.get(user_id, lambda: _active_user(user_id))
    return copy.copy(cast(User, user)) if user is not None else None


def forget_tokens_of(user: User) -> None:
    """Drop cached look-ups of every token of the user (deactivation, role or token changes)."""
    cache.delete_many([_token_cache_key(h) for h in ApiToken.objects.filter(user=user).values_list("key_hash", flat=True)])
    _accounts.forget(user.pk)
