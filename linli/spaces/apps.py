from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "linli.spaces"
    label = "spaces"
    verbose_name = "社区共享空间"
