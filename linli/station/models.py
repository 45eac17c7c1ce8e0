"""The online service station (社区随约服务网上驿站): vetted providers, their offerings booked
through the reservation engine, reviews, and residents' consent to targeted recommendations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.fields import EncryptedTextField, private_storage
from linli.core.models import TimeStamped

from .states import ProviderState


class Provider(TimeStamped):
    class Kind(models.TextChoices):
        INSTITUTION = "institution", _("机构")
        MERCHANT = "merchant", _("商户")
        SOCIAL_ORG = "social_org", _("社会组织")

    State = ProviderState  # its lifecycle: states.LIFECYCLE

    name = models.CharField(_("名称"), max_length=100)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = EncryptedTextField(_("联系电话"))
    address = models.CharField(_("地址"), max_length=200)
    region = models.ForeignKey("regions.RegionNode", verbose_name=_("审核街道/社区"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    licence = models.FileField(_("资质证照"), upload_to="station/licences/%Y/%m/", storage=private_storage, blank=True)
    licence_type = models.CharField(_("证照文件类型"), max_length=40, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    state_reason = models.CharField(_("审核意见"), max_length=300, blank=True)
    vetted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    vetted_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("工作人员"), related_name="providers", blank=True)

    class Meta:
        verbose_name = _("服务商")
        verbose_name_plural = _("服务商")
        ordering = ["name"]
        indexes = [models.Index(fields=["region_path", "state"], name="provider_region_state", opclasses=["varchar_pattern_ops", "varchar_pattern_ops"])]
        constraints = [models.CheckConstraint(condition=~Q(state__in=["rejected", "suspended"]) | ~Q(state_reason=""),
                                              name="provider_refusal_has_reason")]

    def __str__(self) -> str:
        return self.name


class Offering(TimeStamped):
    class Category(models.TextChoices):
        ELDERLY = "elderly", _("养老")
        CHILDCARE = "childcare", _("托育")
        HOUSEKEEPING = "housekeeping", _("家政")
        HEALTH = "health", _("医疗健康")
        LEGAL = "legal", _("法律")
        EDUCATION = "education", _("文化教育")
        REPAIR = "repair", _("维修")
        MEALS = "meals", _("助餐")
        OTHER = "other", _("其他")

    class Price(models.TextChoices):
        FREE = "free", _("免费")
        LOW = "low", _("低偿")
        MARKET = "market", _("市场价")

    provider = models.ForeignKey(Provider, verbose_name=_("服务商"), on_delete=models.CASCADE, related_name="offerings")
    resource = models.OneToOneField("booking.Resource", verbose_name=_("预约资源"), on_delete=models.PROTECT, related_name="offering")
    title = models.CharField(_("服务名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=14, choices=Category.choices)
    price_type = models.CharField(_("收费方式"), max_length=8, choices=Price.choices)
    price = models.CharField(_("价格说明"), max_length=100, blank=True)
    description = models.TextField(_("服务内容"))
    communities = models.ManyToManyField("regions.RegionNode", verbose_name=_("服务社区"), related_name="+")
    tags = models.JSONField(_("适合人群标签"), default=list, blank=True)
    photo = models.ImageField(_("照片"), upload_to="station/offerings/%Y/%m/", blank=True)  # the first photo, before OfferingPhoto
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("服务人员"), blank=True, related_name="served_offerings",
                                   help_text=_("为居民提供这项服务的工作人员(服务商的工作人员中选)"))
    active = models.BooleanField(_("上架"), default=True)
    views = models.PositiveIntegerField(_("浏览次数"), default=0)
    search_text = models.TextField(_("检索文本"), editable=False, default="")

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["-id"]
        indexes = [models.Index(fields=["category", "price_type"], name="offering_filters")]

    def __str__(self) -> str:
        return self.title


class OfferingPhoto(models.Model):
    """Photos of an offering: type and size checked, re-encoded without metadata (EXIF)."""

    offering = models.ForeignKey(Offering, verbose_name=_("服务项目"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to="station/offerings/%Y/%m/")
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务照片")
        verbose_name_plural = _("服务照片")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.offering_id} #{self.pk}"


class OfferingViews(models.Model):
    """Views of an offering per day, so that figures cover the same period as bookings."""

    offering = models.ForeignKey(Offering, verbose_name=_("服务项目"), on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField(_("日期"))
    views = models.PositiveIntegerField(_("浏览次数"), default=0)

    class Meta:
        verbose_name = _("每日浏览")
        verbose_name_plural = _("每日浏览")
        constraints = [models.UniqueConstraint(fields=["offering", "day"], name="offering_views_one_per_day")]
        indexes = [models.Index(fields=["day", "offering"], name="offering_views_day")]

    def __str__(self) -> str:
        return f"{self.offering_id} {self.day} {self.views}"


class Review(models.Model):
    """One per attended booking. Providers reply; admins may hide an abusive one with a reason."""

    reservation = models.OneToOneField("booking.Reservation", verbose_name=_("预约"), on_delete=models.PROTECT, related_name="review")
    offering = models.ForeignKey(Offering, verbose_name=_("服务项目"), on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(_("评分"))
    text = models.CharField(_("评价"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    reply = models.CharField(_("服务方回复"), max_length=500, blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    hidden = models.BooleanField(_("已隐藏"), default=False)
    follow_ups = GenericRelation("core.FollowUp")  # a bad review's follow-up (core.followups), deleted with it
    hidden_reason = models.CharField(_("隐藏理由"), max_length=200, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("隐藏人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_range"),
            models.CheckConstraint(condition=Q(hidden=False) | ~Q(hidden_reason=""), name="review_hidden_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.offering_id} {self.rating}"


class Consent(models.Model):
    """精准推送: a resident's opt-in to recommendations by their tags; opting out is immediate."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="station_consent")
    recommendations = models.BooleanField(_("接收精准推荐"), default=False)
    changed_at = models.DateTimeField(_("更改时间"), auto_now=True)

    class Meta:
        verbose_name = _("推荐授权")
        verbose_name_plural = _("推荐授权")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.recommendations}"
