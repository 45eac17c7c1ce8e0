from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "linli.booking"
    label = "booking"
    verbose_name = "预约"

    def ready(self) -> None:
        from . import rules  # noqa: F401
