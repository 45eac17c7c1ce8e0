"""The error codes of accounts; the shared ones (``invalid``, ``forbidden``, ``not_found``, …)
are ``linli.core.errors.Code``, the HTTP status of each is ``linli.core.errors.STATUS``."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    ALREADY_VERIFIED = "already_verified"
    CODE_EXHAUSTED = "code_exhausted"
    CODE_EXPIRED = "code_expired"
    CODE_WRONG = "code_wrong"
    IDENTITY_INVALID = "identity_invalid"
    IDENTITY_MISMATCH = "identity_mismatch"
    IDENTITY_TAKEN = "identity_taken"
    INVALID_PHONE = "invalid_phone"
    NOT_YOUR_STAFF = "not_your_staff"
    PHONE_TAKEN = "phone_taken"
    ROLE_OUT_OF_REACH = "role_out_of_reach"
    UNKNOWN_PURPOSE = "unknown_purpose"
    UNKNOWN_ROLE = "unknown_role"
    USERNAME_TAKEN = "username_taken"
    WEAK_PASSWORD = "weak_password"
    WRONG_LEVEL = "wrong_level"  # a role held only on some levels of the region tree (ROLE_LEVELS)
    WRONG_PASSWORD = "wrong_password"
