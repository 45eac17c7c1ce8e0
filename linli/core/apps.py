from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"
    verbose_name = "平台内核"

    def ready(self) -> None:
        from django.apps import apps
        from django.utils.translation import gettext_lazy as _

        from . import checks, registry  # noqa: F401  (checks: registers the system checks)

        registry.register_periodic_task("linli.core.tasks.supervision_sweep", setting="LINLI_SWEEP_SECONDS", default=300)
        if apps.is_installed("django_tasks_db"):  # its admin section is titled in English only
            apps.get_app_config("django_tasks_database").verbose_name = _("后台任务")
