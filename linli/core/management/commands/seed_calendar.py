from django.core.management.base import BaseCommand

from linli.core.calendar import seed_from_package


class Command(BaseCommand):
    help = "从 chinese-calendar 包补充法定节假日与调休上班日(已在后台修改的日期保留不变)"

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        self.stdout.write(f"新增 {seed_from_package()} 天")
