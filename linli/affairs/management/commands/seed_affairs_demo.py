"""Demo service centres (with 错时 hours) and applications in several states (idempotent). Called by seed_demo."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction

from linli.accounts.models import User
from linli.affairs import services
from linli.affairs.models import Application, OpeningHours, ServiceCentre, ServiceItem
from linli.regions.models import Level, RegionNode, Resident

WEEKDAY = (dt.time(9, 0), dt.time(18, 0))
EVENING = (dt.time(18, 0), dt.time(20, 30))
WEEKEND = (dt.time(9, 0), dt.time(12, 0))


class Command(BaseCommand):
    help = "加载一窗通办演示数据(服务中心、开放时间、各状态办件)"

    @transaction.atomic
    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        made = 0
        for community in RegionNode.objects.filter(level=Level.COMMUNITY).order_by("path")[:60]:
            centre, created = ServiceCentre.objects.get_or_create(
                region=community, defaults={"name": f"{community.name}党群服务中心", "address": f"{community.full_name}居委会一楼",
                                            "phone": "020-8" + community.code[-7:]})
            if created:
                made += 1
                rows = [OpeningHours(centre=centre, weekday=d, opens=WEEKDAY[0], closes=WEEKDAY[1]) for d in range(5)]
                rows += [OpeningHours(centre=centre, weekday=d, opens=EVENING[0], closes=EVENING[1], extended=True) for d in (1, 3)]
                rows.append(OpeningHours(centre=centre, weekday=5, opens=WEEKEND[0], closes=WEEKEND[1], extended=True))
                OpeningHours.objects.bulk_create(rows)
        if Application.objects.exists():
            self.stdout.write(f"一窗通办：{made} 个服务中心；办件已存在")
            return
        liede = ServiceCentre.objects.filter(region__code="440106001001").first()
        pantang = ServiceCentre.objects.filter(region__code="440103001001").first()
        liede_worker = User.objects.filter(username="liede_caseworker").first()
        pantang_worker = User.objects.filter(username="pantang_caseworker").first()
        if not (liede and pantang and liede_worker and pantang_worker):
            return
        people = list(Resident.objects.filter(region_path__startswith="440106001001").order_by("id")[:12])
        items = {i.code: i for i in ServiceItem.objects.filter(code__in=["YL01", "YB01", "JY01", "SY01", "JZ03", "YL03", "HJ01"])}
        plan = [("YL01", liede, liede_worker, "done"), ("YB01", liede, liede_worker, "accepted"),
                ("JY01", liede, liede_worker, "correction"), ("SY01", pantang, pantang_worker, "accepted"),
                ("JZ03", liede, liede_worker, "forwarded"), ("YL03", pantang, pantang_worker, "done"),
                ("HJ01", liede, liede_worker, "accepted")]
        count = 0
        for (code, centre, worker, end), person in zip(plan, people, strict=False):
            item = items[code]
            app = services.accept_at_window(actor=worker, centre=centre, item=item, resident=person,
                                            received=[m.pk for m in item.materials.all()])
            if end == "correction":
                services.request_correction(actor=worker, app=app, materials=[app.materials.first().pk])  # type: ignore[union-attr]
            elif end == "forwarded":
                services.forward(actor=worker, app=app, to="猎德街道社会事务办")
            elif end == "done":
                if item.finish_at != ServiceItem.Finish.COMMUNITY:  # decided by the street: forwarded, their answer recorded
                    app = services.forward(actor=worker, app=app, to="")
                    app = services.return_from_department(actor=worker, app=app, outcome="approved", note="街道审核通过")
                services.complete(actor=worker, app=app, outcome="approved", note="审核通过，次月起发放")
            count += 1
        self.stdout.write(f"一窗通办：{made} 个服务中心，{count} 件办件")
