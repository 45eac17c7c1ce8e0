from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "linli.booking"
    label = "booking"
    verbose_name = "预约"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from django.utils.translation import gettext_lazy as _

        from linli.messaging import kinds

        from . import rules  # noqa: F401

        kinds.register("booking.reservation", _("预约与候补"))
        from .models import Closure, ExtraOpening, OpeningRule, Resource, TermPeriod

        def changed(sender, instance, **kwargs):  # type: ignore[no-untyped-def]
            from .selectors import forget_schedule

            forget_schedule(instance.pk if isinstance(instance, Resource) else instance.resource_id)

        for model in (Resource, OpeningRule, TermPeriod, Closure, ExtraOpening):
            post_save.connect(changed, sender=model, dispatch_uid=f"booking.schedule.save.{model.__name__}")
            post_delete.connect(changed, sender=model, dispatch_uid=f"booking.schedule.delete.{model.__name__}")
        m2m_changed.connect(changed, sender=Resource.served.through, dispatch_uid="booking.schedule.served")
        from django.db.models import Exists
        from django.utils.translation import gettext_lazy as _

        from linli.core import registry

        def manages_bookings(user):  # type: ignore[no-untyped-def]
            """Area staff (admins, caseworkers) or named managers of a resource."""
            return registry.user_flags(user)["manages_bookings"]

        def managed(user):  # type: ignore[no-untyped-def]
            from .selectors import managed_resources

            return Exists(managed_resources(user))

        registry.register_user_flag("manages_bookings", managed)
        registry.register_menu_entry("booking:staff", _("预约管理"), order=110, visible=manages_bookings)
        # the named manager of a venue without a staff role of their own
        registry.register_start_page("booking:staff", order=60, visible=lambda user: user.managed_resources.exists())
        registry.register_periodic_task("linli.booking.tasks.close_past_reservations",
                                        setting="LINLI_BOOKING_SWEEP_SECONDS", default=900)
