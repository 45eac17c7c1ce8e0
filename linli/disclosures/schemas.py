"""API shapes of public disclosure. Nothing here carries an objector's contact details."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class KindOut(Schema):
    code: str
    label: str
    days: int
    working_days: bool
    public: bool
    archive_public: bool
    personal_data: str
    answer_days: int


class DisclosureRow(Schema):
    id: int
    series: int
    version: int
    kind: str
    kind_label: str
    region_path: str
    region_name: str
    title: str
    status: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    url: str

    @staticmethod
    def resolve_series(obj: Any) -> int:
        return obj["series"] if isinstance(obj, dict) else obj.series_pk

    @staticmethod
    def resolve_url(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["url"])
        from django.urls import reverse

        return reverse("disclosures:detail", args=[obj.series_pk])


class ObjectionOut(Schema):
    """An answered objection as the public sees it (staff see the unanswered ones too)."""

    id: int
    who: str
    text: str
    status: str
    lodged_at: dt.datetime
    due_on: dt.date | None = None
    outcome: str
    answer: str
    answered_at: dt.datetime | None
    actions: list[str] = []


class AttachmentOut(Schema):
    id: int
    name: str
    url: str


class VersionOut(Schema):
    id: int
    version: int
    title: str
    content: str
    status: str
    correction_note: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    published_at: dt.datetime | None
    attachments: list[AttachmentOut]
    objections: list[ObjectionOut]


class DisclosureDetail(DisclosureRow):
    content: str
    correction_note: str
    source_label: str
    source_url: str
    result: str
    withdraw_reason: str
    published_at: dt.datetime | None
    print_url: str
    versions: list[VersionOut]
    actions: list[str]


class PublishIn(Schema):
    kind: str = Field(..., max_length=60)
    region: str = Field(..., max_length=32, description="the area's region path or 12-digit code")
    title: str = Field(..., max_length=200)
    content: str = Field(..., max_length=20000)
    source_label: str = Field("", max_length=200)
    source_url: str = Field("", max_length=300, description="a path on this site, e.g. /assemblies/3/")
    draft: bool = False


class CorrectIn(Schema):
    title: str = Field(..., max_length=200)
    content: str = Field(..., max_length=20000)
    note: str = Field(..., max_length=300, description="what was corrected and why")


class WithdrawIn(Schema):
    reason: str = Field(..., max_length=300)


class ObjectionIn(Schema):
    text: str = Field(..., max_length=2000)
    name: str = Field("", max_length=40)
    phone: str = Field("", max_length=20, description="kept encrypted for the staff who answer; never shown")
    id_number: str = Field("", max_length=20, description="optional; kept encrypted; never shown")


class AnswerIn(Schema):
    answer: str = Field(..., max_length=2000)
    outcome: str = Field(..., max_length=10, description="upheld | partly | rejected")


class RevealIn(Schema):
    purpose: str = Field("", max_length=20, description="入户核实 / 办理业务 / 应急联系 / 核对信息 / 其他")
    reason: str = Field(..., max_length=200, description="具体说明，至少4个字(记入敏感信息查看记录)")


class ContactOut(Schema):
    """An objector's whole contact, for the staff who answer (each reading logged with its reason)."""

    name: str
    phone: str
    id_number: str
