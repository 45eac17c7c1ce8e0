from django.apps import AppConfig


class StationConfig(AppConfig):
    name = "linli.station"
    label = "station"
    verbose_name = "社区随约服务网上驿站"

    def ready(self) -> None:
        from django.db.models import Exists, OuterRef
        from django.utils.functional import SimpleLazyObject
        from django.utils.translation import gettext_lazy as _

        from linli.accounts.roles import ADMIN_ROLES, Role
        from linli.accounts.selectors import has_role
        from linli.booking.hooks import register_reservation_extras
        from linli.core import registry
        from linli.messaging import kinds as message_kinds

        message_kinds.register("station.provider", _("服务商审核与工作人员"))
        message_kinds.register("station.review", _("服务评价回复"))

        from .booking_hooks import reservation_extras
        from .models import Provider

        def runs_provider(user):  # type: ignore[no-untyped-def]
            """On a provider's staff (the console), with or without the role."""
            return has_role(user, (Role.PROVIDER_STAFF,)) or registry.user_flags(user)["runs_provider"]

        registry.register_user_flag("runs_provider",
                                    lambda user: Exists(Provider.staff.through.objects.filter(user_id=OuterRef("pk"))))
        registry.register_menu_entry("station:console", _("服务商工作台"), order=100, visible=runs_provider)
        registry.register_menu_entry("station:vetting", _("驿站审核"), order=120, roles=ADMIN_ROLES)
        # bad reviews' follow-ups: the staff who answer them (by the reply) and the admins over them
        registry.register_menu_entry("station:follow_ups", _("差评回复"), order=110,
                                     visible=lambda user: runs_provider(user) or has_role(user, ADMIN_ROLES))
        registry.register_start_page("station:console", order=40, roles=(Role.PROVIDER_STAFF,))
        # staff of a provider without a staff role of their own
        registry.register_start_page("station:console", order=50, visible=lambda user: user.providers.exists())
        registry.register_context("station", lambda user: {"nav_provider": SimpleLazyObject(lambda: {"on": runs_provider(user)})})

        register_reservation_extras(reservation_extras)
        # the public portal: the services offered to the area
        from . import selectors
        registry.register_portal_section("station.offerings", _("驿站服务"), order=40, items=selectors.portal_offerings,
                                         more_url=selectors.portal_more)
        registry.register_portal_search("station.offerings", _("驿站服务"), selectors.portal_search)
        from . import rules  # noqa: F401
