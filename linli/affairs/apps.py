from django.apps import AppConfig


class AffairsConfig(AppConfig):
    name = "linli.affairs"
    label = "affairs"
    verbose_name = "一窗通办"

    def ready(self) -> None:
        from . import rules  # noqa: F401
