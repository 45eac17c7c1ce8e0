import re
import unicodedata

PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_SEPARATORS = re.compile(r"[\s\-.()（）—–]+")


def looks_like_phone(value: str) -> bool:
    return bool(PHONE_RE.match((value or "").strip()))


def normalize_phone(value: str) -> str | None:
    """A mainland mobile number as typed (``138 0013 8000``, ``+86 138-0013-8000``,
    ``86-13800138000``, ``008613800138000``, full-width digits) as its 11 digits; None when the
    value is not one."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    for prefix in ("+86", "0086", "86"):
        if text.startswith(prefix) and len(text) == len(prefix) + 11:
            text = text[len(prefix):]
            break
    return text if PHONE_RE.match(text) else None


DEMO_PASSWORD = "Linli@2026"  # noqa: S105 (the demo data's password, refused in production)


class DemoPasswordValidator:
    """In production (``settings.PRODUCTION``) the demo data's password is refused everywhere."""

    def validate(self, password: str, user: object = None) -> None:
        from django.conf import settings
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        if getattr(settings, "PRODUCTION", False) and (password or "").strip().lower() == DEMO_PASSWORD.lower():
            raise ValidationError(_("不能使用演示密码，请另设密码"), code="demo_password")

    def get_help_text(self) -> str:
        from django.utils.translation import gettext as _

        return _("不能使用演示密码")
