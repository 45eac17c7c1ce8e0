"""社区共享空间: community rooms and school sports grounds opened to residents, each bookable
through the reservation engine under its owner's hours, rules and closures."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped


class Venue(TimeStamped):
    class Kind(models.TextChoices):
        ROOM = "room", _("社区活动室")
        SCHOOL_GROUND = "school_ground", _("学校运动场")
        HALL = "hall", _("会议室/礼堂")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    owner = models.CharField(_("权属单位"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    resource = models.OneToOneField("booking.Resource", verbose_name=_("预约资源"), on_delete=models.PROTECT, related_name="venue")
    rules_text = models.TextField(_("使用须知"), blank=True)
    facilities = models.CharField(_("设施"), max_length=200, blank=True)
    public = models.BooleanField(_("对外公布"), default=True)

    class Meta:
        verbose_name = _("共享场地")
        verbose_name_plural = _("共享场地")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def state(self) -> str:
        """Open or closed: its resource's (``booking.states.RESOURCE_LIFECYCLE``, moved by
        ``booking.resources.close_resource`` / ``reopen_resource``)."""
        return str(self.resource.state)
