from django.apps import AppConfig


class StationConfig(AppConfig):
    name = "linli.station"
    label = "station"
    verbose_name = "社区随约服务网上驿站"

    def ready(self) -> None:
        from linli.booking.hooks import register_reservation_extras

        from .booking_hooks import reservation_extras

        register_reservation_extras(reservation_extras)
