from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.fields import EncryptedTextField
from linli.core.masking import mask_phone

from .roles import Role


class UserManager(BaseUserManager["User"]):
    def create_user(self, username: str, password: str | None = None, **extra):  # type: ignore[no-untyped-def]
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra):  # type: ignore[no-untyped-def]
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Staff log in by username; residents by phone number (found through ``phone_hash``)."""

    username = models.CharField(_("用户名"), max_length=64, unique=True)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedTextField(_("手机号"), blank=True, default="")
    phone_hash = models.CharField(_("手机号检索码"), max_length=64, blank=True, default="", editable=False)
    email = EncryptedTextField(_("电子邮箱(接收通知)"), blank=True, default="")
    resident = models.OneToOneField(
        "regions.Resident", verbose_name=_("居民档案"), null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    is_active = models.BooleanField(_("有效"), default=True)
    is_staff = models.BooleanField(_("可进入后台"), default=False)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = []  # noqa: RUF012

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(fields=["phone_hash"], condition=~models.Q(phone_hash=""), name="user_phone_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class RoleAssignment(models.Model):
    """A role held on a node of the region tree; a user may hold several."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey("regions.RegionNode", verbose_name=_("区划节点"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15, db_index=True, editable=False)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [models.UniqueConstraint(fields=["user", "role", "region"], name="role_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region}"


class ApiToken(models.Model):
    """Bearer token for integrations. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    key_hash = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SmsCode(models.Model):
    """A one-time code sent by SMS (sign-up, sign-in, password reset). Only an HMAC of the code is
    kept; it expires after five minutes and allows a few attempts."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("注册")
        LOGIN = "login", _("验证码登录")
        RESET = "reset", _("重置密码")
        VOTE = "vote", _("投票确认")

    phone_hash = models.CharField(_("手机号检索码"), max_length=64, db_index=True)
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    expires_at = models.DateTimeField(_("过期时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["phone_hash", "purpose", "created_at"], name="smscode_lookup")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.created_at:%Y-%m-%d %H:%M}"
