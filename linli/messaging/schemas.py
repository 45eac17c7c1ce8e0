from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class MessageOut(Schema):
    id: int
    kind: str
    text: str
    link: str
    urgent: bool
    target_type: str | None = Field(None, description="app_label.model of what the message is about")
    target_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_target_type(obj: object) -> str | None:
        from django.contrib.contenttypes.models import ContentType

        type_id = getattr(obj, "target_type_id", None)
        if not type_id:
            return None
        ct = ContentType.objects.get_for_id(type_id)
        return f"{ct.app_label}.{ct.model}"


class ReadOut(Schema):
    marked: int


class ChannelChoice(Schema):
    channel: str
    enabled: bool
    mutable: bool


class KindPreference(Schema):
    kind: str
    label: str
    channels: list[ChannelChoice]


class PreferencesOut(Schema):
    kinds: list[KindPreference]
    quiet_start: dt.time | None
    quiet_end: dt.time | None


class ChoiceIn(Schema):
    kind: str = Field(..., max_length=64)
    channel: str = Field(..., max_length=8)
    enabled: bool


class PreferencesIn(Schema):
    choices: list[ChoiceIn] = Field(default_factory=list, max_length=500)
    quiet_start: dt.time | None = None
    quiet_end: dt.time | None = None
