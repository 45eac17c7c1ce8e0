from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "linli.regions"
    label = "regions"
    verbose_name = "区划、网格与人口房屋"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from linli.accounts.roles import ADMIN_ROLES, REGISTRY_ROLES, REGISTRY_WRITE_ROLES, Role
        from linli.core import registry

        from .models import Gender, Relation, Room, SensitiveTag, Tag

        # superusers and area admins and grid workers start on the registry workbench
        registry.register_start_page("regions:workbench", order=0, visible=lambda user: bool(user.is_superuser))
        registry.register_start_page("regions:workbench", order=10, roles=(*ADMIN_ROLES, Role.GRID_WORKER))
        for order, name, label, roles in (
            (10, "regions:workbench", _("工作台"), REGISTRY_ROLES),
            (20, "regions:residents", _("居民"), REGISTRY_ROLES),
            (30, "regions:rooms", _("房屋"), REGISTRY_ROLES),
            (40, "regions:visits", _("走访"), REGISTRY_ROLES),
            (50, "regions:four_none", _("四个不漏"), REGISTRY_ROLES),
            (150, "regions:import", _("导入"), REGISTRY_WRITE_ROLES),
            (160, "regions:export", _("导出"), REGISTRY_ROLES),
            (170, "regions:audit", _("审计"), ADMIN_ROLES),
        ):
            registry.register_menu_entry(name, label, order=order, roles=roles)

        def choice(enum):  # type: ignore[no-untyped-def]
            def label(value):  # type: ignore[no-untyped-def]
                try:
                    return enum(value).label
                except ValueError:
                    return value
            return label

        def tags(value):  # type: ignore[no-untyped-def]
            if not isinstance(value, list):
                return value
            labels = {t.value: t.label for t in Tag} | {t.value: t.label for t in SensitiveTag}
            return str(_("、")).join(str(labels.get(v, v)) for v in value)

        registry.register_value_labels("relation", choice(Relation))
        registry.register_value_labels("gender", choice(Gender))
        registry.register_value_labels("use", choice(Room.Use))
        registry.register_value_labels("tags", tags)
