from __future__ import annotations

from typing import Any

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Text stored encrypted (AES-GCM, key id prefixed); Python sees plaintext.

    Never show the value directly: templates use the masked helpers, and revealing it goes
    through a service that writes a sensitive-access record.
    """

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name: str):  # type: ignore[override]
        if lookup_name not in {"isnull"}:
            return None  # encrypted values cannot be searched; use the lookup hash column
        return super().get_lookup(lookup_name)
