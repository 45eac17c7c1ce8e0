from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "linli.workorders"
    label = "workorders"
    verbose_name = "诉求工单"
