from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "linli.messaging"
    label = "messaging"
    verbose_name = "消息"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from linli.core import registry

        from . import kinds, rules  # noqa: F401 (the predicates)

        kinds.register("messaging.legacy", _("以前的通知"), channels=("inbox",))  # rows moved from the old inbox
        registry.register_menu_entry("messaging:inbox", _("通知"), order=140)  # everyone signed in
        registry.register_periodic_task("linli.messaging.tasks.sweep", setting="LINLI_MESSAGING_SWEEP_SECONDS", default=60)

        def unread(user):  # type: ignore[no-untyped-def]
            from .selectors import unread_count

            return {"nav_unread": unread_count(user)}

        registry.register_context("messaging", unread)
