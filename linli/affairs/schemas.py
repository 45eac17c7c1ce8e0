from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class MaterialOut(Schema):
    id: int
    name: str
    form: str
    count: int
    required: bool
    condition: str


class ItemOut(Schema):
    code: str
    name: str
    category: str
    department: str
    legal_limit_days: int
    committed_limit_days: int
    conditions: str
    finish_at: str
    citywide: bool
    local_scope: str = Field(..., description="where an item that is not city-wide is accepted: community | street")
    online: bool
    fee: str
    version: int
    materials: list[MaterialOut]


class ApplicationRow(Schema):
    id: int
    number: str
    item_code: str = Field(..., alias="item.code")
    item_name: str
    item_version: int
    channel: str
    status: str
    applicant_name: str
    region_path: str
    centre_id: int | None = Field(None, description="the accepting window (service centre)")
    accepted_on: dt.date | None
    due_date: dt.date | None
    paused_days: int
    escalation_level: int
    outcome: str
    rating: int | None


class AppMaterialOut(Schema):
    id: int
    name: str
    form: str
    count: int
    required: bool
    received: bool
    requested: bool
    request_note: str
    has_file: bool


class EventOut(Schema):
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    note: str


class ForwardingOut(Schema):
    department: str
    request_note: str
    sent_at: dt.datetime
    days: int
    due_date: dt.date
    overdue: bool
    returned_at: dt.datetime | None
    outcome: str = Field(..., description="approved | denied | returned | cancelled; empty while the department has not answered")
    outcome_note: str


class ApplicationDetail(ApplicationRow):
    centre_name: str
    correction_notified: bool
    masked_id_number: str
    forwarded_to: str
    refusal_reason: str
    outcome_note: str
    rating_comment: str
    status_url: str
    result_notice_url: str = Field(..., description="办理结果告知书 (PDF) once completed, else empty")
    result_document_url: str = Field(..., description="the result document uploaded at completion, else empty")
    materials: list[AppMaterialOut]
    forwardings: list[ForwardingOut]
    events: list[EventOut]


class OnlineIn(Schema):
    item_code: str = Field(..., max_length=20)
    note: str = Field("", max_length=1000)


class WindowIn(Schema):
    centre_id: int
    item_code: str = Field(..., max_length=20)
    applicant_id_number: str = Field(..., max_length=18)
    applicant_name: str = Field("", max_length=50)
    applicant_phone: str = Field("", max_length=20)
    home_community: str = Field("", max_length=15, description="applicant not in the registry: the 12-digit code of the "
                                                               "community they live in (required for items not city-wide)")
    received: list[int] = []
    note: str = Field("", max_length=1000)


class ActionIn(Schema):
    action: str = Field(..., max_length=24)
    centre_id: int | None = Field(None, description="accept: the window (service centre) of the accepting community; "
                                                    "needed only where the community has several")
    reason: str = Field("", max_length=500)
    to: str = Field("", max_length=100, description="forward: the department")
    days: int | None = Field(None, ge=1, le=60, description="forward: working days the department has to answer (default 5)")
    outcome: str = Field("", max_length=10, description="complete: approved | denied; return: approved | denied | returned")
    note: str = Field("", max_length=2000, description="complete: the result; forward: what is asked; return: the department's answer")
    received: list[int] = []
    materials: list[int] = []
    extra: list[str] = []


class IdSearchIn(Schema):
    id_number: str = Field(..., max_length=18, description="the applicant's ID number: in the body, never in a URL")
    status: str = Field("", max_length=16)
    flt: str = Field("", max_length=16)
    item: str = Field("", max_length=20)


class RatingIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=500)


class CertificateKindOut(Schema):
    code: str
    name: str
    purpose: str
    checks: str


class CertificateIn(Schema):
    kind: str = Field(..., max_length=60, description="清单内证明的编码或名称；清单外的一律不予出具")
    purpose: str = Field(..., max_length=200)
    detail: str = Field("", max_length=1000)


class CertificateOut(Schema):
    id: int
    kind: str = Field(..., alias="kind.name")
    state: str
    serial: str | None
    purpose: str
    issued_at: dt.datetime | None
    refusal_reason: str


class CertificateActionIn(Schema):
    action: str = Field(..., max_length=10, description="issue | refuse | revoke")
    detail: str = Field("", max_length=1000, description="issue: the facts the community checked")
    issuer_name: str = Field("", max_length=100, description="issue: the issuing body, e.g. 某某社区居民委员会")
    reason: str = Field("", max_length=300, description="refuse / revoke: the reason")


class CertificateStaffOut(CertificateOut):
    subject_name: str
    detail: str
    verify_code: str
    revoke_reason: str


class VerifyOut(Schema):
    valid: bool
    state: str
    kind: str
    serial: str
    issuer_name: str
    issued_at: dt.datetime | None
    revoked_at: dt.datetime | None
    revoke_reason: str


class ServiceFiguresOut(Schema):
    """One-window figures of the caller's area (``selectors.figures``)."""

    received: int
    completed: int
    on_time: int
    on_time_rate: float | None
    rated: int
    average_rating: float | None
    bad_ratings: int
    overdue_open: int
