"""Lifecycle of a provider (服务商): applied, vetted by the street or community, suspended and
approved again. Pure data: ``services.vet`` moves a provider only through ``LIFECYCLE.apply``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.lifecycle import Lifecycle


class ProviderState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")
    SUSPENDED = "suspended", _("已暂停")


class ProviderAction(models.TextChoices):
    APPROVE = "approve", _("通过")
    REJECT = "reject", _("驳回")
    SUSPEND = "suspend", _("暂停")


S, A = ProviderState, ProviderAction
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PENDING, A.APPROVE): S.APPROVED,
    (S.PENDING, A.REJECT): S.REJECTED,
    (S.REJECTED, A.APPROVE): S.APPROVED,  # a refused applicant put right
    (S.APPROVED, A.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, A.APPROVE): S.APPROVED,
}

# services.vet audits each decision itself (provider.<action>, with the bookings it cancelled)
LIFECYCLE = Lifecycle(TRANSITIONS, ProviderState, ProviderAction, field="state")
