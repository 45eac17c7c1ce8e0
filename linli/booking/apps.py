from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "linli.booking"
    label = "booking"
    verbose_name = "预约"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import rules  # noqa: F401
        from .models import Closure, ExtraOpening, OpeningRule, Resource, TermPeriod

        def changed(sender, instance, **kwargs):  # type: ignore[no-untyped-def]
            from .selectors import forget_schedule

            forget_schedule(instance.pk if isinstance(instance, Resource) else instance.resource_id)

        for model in (Resource, OpeningRule, TermPeriod, Closure, ExtraOpening):
            post_save.connect(changed, sender=model, dispatch_uid=f"booking.schedule.save.{model.__name__}")
            post_delete.connect(changed, sender=model, dispatch_uid=f"booking.schedule.delete.{model.__name__}")
        m2m_changed.connect(changed, sender=Resource.served.through, dispatch_uid="booking.schedule.served")
