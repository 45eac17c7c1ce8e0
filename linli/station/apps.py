from django.apps import AppConfig


class StationConfig(AppConfig):
    name = "linli.station"
    label = "station"
    verbose_name = "社区随约服务网上驿站"
