from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "linli.spaces"
    label = "spaces"
    verbose_name = "社区共享空间"

    def ready(self) -> None:
        from linli.booking.hooks import register_schedule_by_area_admins
        from linli.booking.models import Resource

        # a shared space is run by its community: the area's admins set its hours too
        register_schedule_by_area_admins(Resource.Kind.SPACE)
