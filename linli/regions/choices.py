"""The registry's fixed vocabularies that other apps show by name (an owners' roll names a unit's
use and where its area comes from) without reading the registry's models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Use(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅")
    COMMERCIAL = "commercial", _("商业")
    OFFICE = "office", _("办公")
    PARKING = "parking", _("车位")
    OTHER = "other", _("其他")


class AreaSource(models.TextChoices):
    """Where the exclusive area comes from, in the order the law prefers them: the property
    register, else the surveyed area, else the purchase contract."""

    REGISTER = "register", _("不动产登记")
    SURVEY = "survey", _("测绘面积")
    CONTRACT = "contract", _("购房合同")
