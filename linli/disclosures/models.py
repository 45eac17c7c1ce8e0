"""Public disclosure (公示): one row per version of a disclosure, its attachments, and the
objections (异议) lodged against a version. Contact details of an objector are stored encrypted
and never shown publicly."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.fields import EncryptedTextField, private_storage
from linli.core.models import TimeStamped

from . import kinds
from .states import ObjectionStatus, Outcome, Result, Status

PATTERN = ["varchar_pattern_ops"]


class Disclosure(TimeStamped):
    """One version of a disclosure. A correction is a new row of the same series (``series_id``
    is the first version's pk) with ``version`` one higher; the old row is kept, superseded."""

    kind = models.CharField(_("公示类别"), max_length=60)
    region_path = models.CharField(_("公示范围"), max_length=32)
    region_name = models.CharField(_("公示范围名称"), max_length=120, blank=True, default="")
    title = models.CharField(_("标题"), max_length=120)
    content = models.TextField(_("公示内容"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    series = models.ForeignKey("self", verbose_name=_("首个版本"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    correction_note = models.CharField(_("更正说明"), max_length=200, blank=True, default="")
    starts_on = models.DateField(_("公示开始"), null=True, blank=True)
    ends_on = models.DateField(_("公示截止"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    publisher = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    # what it came from: a resolution, a fund statement, a voter list … (a generic link, and its label/url)
    source_type = models.ForeignKey("contenttypes.ContentType", verbose_name=_("来源类型"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    source_id = models.CharField(_("来源编号"), max_length=40, blank=True, default="")
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("来源"), max_length=120, blank=True, default="")
    source_url = models.CharField(_("来源链接"), max_length=300, blank=True, default="")
    result = models.CharField(_("公示结果"), max_length=16, choices=Result.choices, blank=True, default="")
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回理由"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["region_path"], name="disclosure_region_like", opclasses=PATTERN),
            models.Index(fields=["status", "ends_on"], name="disclosure_status_end"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="disclosure_version_once"),
            models.CheckConstraint(condition=Q(version__gte=1), name="disclosure_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def series_pk(self) -> int:
        return self.series_id or self.pk

    @property
    def kind_info(self) -> kinds.Kind | None:
        return kinds.find(self.kind)

    @property
    def kind_label(self) -> str:
        found = self.kind_info
        return str(found.label) if found is not None else self.kind


class Attachment(TimeStamped):
    """A file published with a version (PDF or an image cleaned like a photo), served only to those
    who may see the disclosure."""

    disclosure = models.ForeignKey(Disclosure, verbose_name=_("公示"), on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("文件名"), max_length=120)
    file = models.FileField(_("文件"), upload_to="disclosures/%Y/%m/", storage=private_storage)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小"), default=0)

    class Meta:
        verbose_name = _("公示附件")
        verbose_name_plural = _("公示附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Objection(TimeStamped):
    """异议 against one version. ``contact_*`` are encrypted and only staff of the area read them."""

    disclosure = models.ForeignKey(Disclosure, verbose_name=_("公示"), on_delete=models.CASCADE, related_name="objections")
    region_path = models.CharField(_("所属区域"), max_length=32)
    text = models.TextField(_("异议内容"))
    objector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("异议人账号"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    contact_name = EncryptedTextField(_("联系人"), blank=True, default="")
    contact_phone = EncryptedTextField(_("联系电话"), blank=True, default="")
    contact_id_number = EncryptedTextField(_("身份证号"), blank=True, default="")
    status = models.CharField(_("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.LODGED)
    due_on = models.DateField(_("答复期限"))
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    answer = models.TextField(_("答复"), blank=True, default="")
    outcome = models.CharField(_("核实结果"), max_length=10, choices=Outcome.choices, blank=True, default="")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["region_path"], name="objection_region_like", opclasses=PATTERN),
            models.Index(fields=["status", "due_on"], name="objection_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.disclosure_id}#{self.pk} {self.get_status_display()}"

    @property
    def masked_phone(self) -> str:
        from linli.core.masking import mask_phone

        return mask_phone(self.contact_phone)

    @property
    def masked_name(self) -> str:
        from linli.core.masking import mask_name

        return mask_name(self.contact_name) or "—"

    def public_name(self) -> Any:
        """How the objector shows publicly: masked (张*三) where the kind allows it, else nothing."""
        from linli.core.masking import mask_name

        found = self.disclosure.kind_info
        if found is not None and found.personal_data == kinds.MASKED_NAMES and self.contact_name:
            return mask_name(self.contact_name)
        return _("居民")
