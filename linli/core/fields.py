from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.deconstruct import deconstructible

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


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files that must never be served by URL (uploaded registers): outside MEDIA_ROOT."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property  # type: ignore[override]
    def base_location(self) -> str:  # read each time, so tests and deployments can move it
        return str(settings.LINLI_PRIVATE_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        import os

        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL")


def private_storage() -> PrivateStorage:
    return PrivateStorage()
