"""Idempotency keys of write requests, bound to whoever sent them.

A key a client or a page form sends is stored as ``<space>:<owner id>:<digest of the key>``:
every user (or Open311 client) and every interface (page form, API, patrol, hotline, window)
has its own key space, so one person's key can never answer another person's request. The
payload the key was first used with is kept as a fingerprint: a retry with the same payload gets
the first answer, the same key with another payload is refused (409 ``idempotency_key_reused``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from .errors import Conflict

T = TypeVar("T")


def scoped_key(space: str, owner: Any, key: str | None) -> str | None:
    """The stored form of ``key`` in ``space`` for ``owner`` (a user, a client or its id);
    None when no key was sent. At most 60 characters, whatever the client sent."""
    key = (key or "").strip()
    if not key:
        return None
    owner_id = getattr(owner, "pk", owner)
    if owner_id in (None, ""):
        raise ValueError("an idempotency key needs an owner")
    return f"{space}:{owner_id}:{hashlib.sha256(key.encode()).hexdigest()[:40]}"


def fingerprint(*parts: Any) -> str:
    """A digest of the payload of a request (values in a fixed order; bytes by their digest)."""
    def plain(value: Any) -> Any:
        if isinstance(value, bytes):
            return hashlib.sha256(value).hexdigest()
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
        if value is None or isinstance(value, bool | int | str):
            return value
        return str(value)

    text = json.dumps(plain(list(parts)), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def replay(existing: T | None, *, same: bool, message: Any = None) -> T | None:
    """The first answer to a retried request (``existing``, the row stored under the key), or
    None when the key is new. ``same`` says whether the retry carries the first payload; if not
    the key is refused rather than answered with someone else's — or another — record."""
    if existing is None:
        return None
    if not same:
        raise Conflict("idempotency_key_reused", message or _("该请求编号已用于另一次提交，请换一个编号"))
    return existing
