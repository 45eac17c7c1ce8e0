from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _user_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # a deactivated (or otherwise changed) account must not keep working through a cached token
    if not created:
        from .services import forget_tokens_of

        forget_tokens_of(instance)


class AccountsConfig(AppConfig):
    name = "linli.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from django.apps import apps
        from django.utils.translation import gettext_lazy as _

        if apps.is_installed("axes"):  # a section title of its own in admin (it has none)
            apps.get_app_config("axes").verbose_name = _("登录记录")
        post_save.connect(_user_saved, sender="accounts.User", dispatch_uid="linli.accounts.user_saved")
