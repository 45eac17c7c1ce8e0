"""Encryption at rest of personal data (PIPL), with key rotation and keyed search hashes.

Ciphertext format: ``<key id>$<base64(nonce || AES-256-GCM ciphertext+tag)>``. The first key of
``LINLI_DATA_KEYS`` encrypts; every listed key decrypts, so keys rotate by prepending a new one
and re-encrypting (``manage.py reencrypt_personal_data``). Exact-match search uses an HMAC-SHA256 of
the normalised value under a key derived (HKDF) from ``LINLI_LOOKUP_KEY`` (or, when unset, from
the data key named by ``LINLI_LOOKUP_KEY_ID``, default the last listed), which does not rotate with
the encryption keys: set ``LINLI_LOOKUP_KEY`` in production so old data keys can be dropped.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class KeyConfigError(RuntimeError):
    pass


@functools.cache
def _keys() -> tuple[str, dict[str, bytes], bytes]:
    raw = settings.LINLI_DATA_KEYS
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        kid, _, b64 = part.partition(":")
        key = base64.b64decode(b64)
        if len(key) != 32 or not kid or "$" in kid:
            raise KeyConfigError(f"data key {kid!r} must be 32 bytes, base64-encoded")
        keys[kid] = key
        order.append(kid)
    if not order:
        raise KeyConfigError("LINLI_DATA_KEYS holds no key")
    if settings.LINLI_LOOKUP_KEY:
        material = base64.b64decode(settings.LINLI_LOOKUP_KEY)
        if len(material) < 32:
            raise KeyConfigError("LINLI_LOOKUP_KEY must be at least 32 bytes, base64-encoded")
    else:
        lookup_id = settings.LINLI_LOOKUP_KEY_ID or order[-1]
        if lookup_id not in keys:
            raise KeyConfigError(f"lookup key {lookup_id!r} not in LINLI_DATA_KEYS")
        material = keys[lookup_id]
    lookup = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"linli-lookup-v1").derive(material)
    return order[0], keys, lookup


def reset_key_cache() -> None:
    _keys.cache_clear()


def encrypt(plaintext: str | None) -> str | None:
    if plaintext is None or plaintext == "":
        return plaintext
    kid, keys, _ = _keys()
    nonce = os.urandom(12)
    ct = AESGCM(keys[kid]).encrypt(nonce, plaintext.encode(), kid.encode())
    return f"{kid}${base64.b64encode(nonce + ct).decode()}"


def decrypt(token: str | None) -> str | None:
    if token is None or token == "":
        return token
    kid, sep, b64 = token.partition("$")
    if not sep:
        raise KeyConfigError("value is not encrypted")
    _, keys, _ = _keys()
    if kid not in keys:
        raise KeyConfigError(f"no data key {kid!r} to decrypt with")
    blob = base64.b64decode(b64)
    return AESGCM(keys[kid]).decrypt(blob[:12], blob[12:], kid.encode()).decode()


def encrypt_bytes(data: bytes) -> bytes:
    """Files at rest (uploaded registers): ``kid$`` + nonce + AES-GCM ciphertext."""
    kid, keys, _ = _keys()
    nonce = os.urandom(12)
    return kid.encode() + b"$" + nonce + AESGCM(keys[kid]).encrypt(nonce, data, kid.encode())


def decrypt_bytes(blob: bytes) -> bytes:
    kid_b, sep, rest = blob.partition(b"$")
    _, keys, _ = _keys()
    kid = kid_b.decode()
    if not sep or kid not in keys:
        raise KeyConfigError("file is not encrypted with a known key")
    return AESGCM(keys[kid]).decrypt(rest[:12], rest[12:], kid_b)


def key_id_of(token: str) -> str:
    return token.partition("$")[0]


def active_key_id() -> str:
    return _keys()[0]


def lookup_hash(value: str | None) -> str:
    """Keyed hash for exact search; empty for no value."""
    if not value:
        return ""
    _, _, lookup = _keys()
    return hmac.new(lookup, value.strip().upper().encode(), hashlib.sha256).hexdigest()
