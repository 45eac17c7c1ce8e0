from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "linli.disclosures"
    label = "disclosures"
    verbose_name = "公示"
