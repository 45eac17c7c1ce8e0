from __future__ import annotations

import datetime as dt
from typing import Any

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
    deferral_allowed: bool = Field(..., description="容缺受理: the window may accept with a mandatory material missing, with a reason")
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
    deferred: bool = Field(False, description="accepted without it (容缺受理); to be supplied before the decision")
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
    finish_at: str = Field(..., description="community | street | department: who decides the matter")
    finish_office: str = Field(..., description="the street office or department that decides it (forward to it); "
                                                "empty when the community decides")
    decision: str = Field(..., description="their decision once returned (approved | denied), which completion gives out")
    deferral_reason: str
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
    actions: list[str] = Field([], description="what the caller may do now (selectors.available_actions): "
                                               "the values POST …/actions takes, and supply, rate")


class OnlineIn(Schema):
    item_code: str = Field(..., max_length=20)
    note: str = Field("", max_length=1000)
    confirm_duplicate: bool = Field(False, description="apply although a matter for the same item is still in progress "
                                                       "(refused with code duplicate otherwise)")


class WindowIn(Schema):
    centre_id: int
    item_code: str = Field(..., max_length=20)
    applicant_id_number: str = Field(..., max_length=18)
    applicant_name: str = Field("", max_length=50)
    applicant_phone: str = Field("", max_length=20)
    home_community: str = Field("", max_length=15, description="applicant not in the registry: the 12-digit code of the "
                                                               "community they live in (required for items not city-wide)")
    received: list[int] = Field([], description="ids of the catalogue materials received; every mandatory one, "
                                                 "unless deferral_reason is given for an item that allows 容缺受理")
    deferral_reason: str = Field("", max_length=300, description="容缺受理: why it is accepted with mandatory materials missing")
    confirm_duplicate: bool = Field(False, description="accept although the applicant has a matter for the same item in "
                                                       "progress (refused with code duplicate and its link otherwise)")
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


class CertificateFieldOut(Schema):
    name: str
    label: str
    type: str = Field(..., description="text | textarea | date (YYYY-MM-DD) | month (YYYY-MM) | year | integer | choice | id_number")
    required: bool
    options: list[str]
    min: int | None
    max: int | None
    help: str


class CertificateKindOut(Schema):
    code: str
    name: str
    purpose: str
    checks: str
    fields: list[CertificateFieldOut] = Field(..., description="what the window fills in to issue it (facts)")


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
    facts: dict[str, str] = Field({}, description="issue: the kind's fields (certificate-kinds → fields), name → value; "
                                                  "each is checked, errors per field in error.details.errors")
    issuer_name: str = Field("", max_length=100, description="issue: the issuing body, e.g. 某某社区居民委员会")
    reason: str = Field("", max_length=300, description="refuse / revoke: the reason")


class CertificatePreviewIn(Schema):
    facts: dict[str, str] = {}


class CertificatePreviewOut(Schema):
    body: str = Field(..., description="the exact text the certificate will carry")


class CertificateStaffOut(CertificateOut):
    subject_name: str
    detail: str = Field(..., description="what the requester wrote")
    facts: dict[str, str]
    body: str
    verify_code: str
    revoke_reason: str
    actions: list[str] = Field([], description="issue | refuse | revoke: what the caller may do now")

    @staticmethod
    def resolve_actions(obj: Any, context: Any) -> list[str]:
        from .selectors import available_actions

        request = (context or {}).get("request")
        return available_actions(getattr(request, "auth", None), obj) if request is not None else []


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
    """One-window figures of the caller's area (``selectors.figures``): counts, and the on-time
    rate as a fraction 0–1 (null when nothing was completed)."""

    received: int
    completed: int
    on_time: int
    on_time_rate: float | None = Field(..., ge=0, le=1, description="on_time / completed, 0–1; null when none completed")
    rated: int
    average_rating: float | None
    bad_ratings: int
    overdue_open: int
