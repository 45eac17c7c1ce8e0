#!/usr/bin/env python
"""Public disclosure benchmark on PostgreSQL: the portal's block and the public list of an area
among many disclosures, and the closing sweep over many ended periods.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_bench .venv/bin/python bench/disclosures.py

Migrates the database, builds a street of ``--communities`` communities under its own
district code 449999 and ``--rows`` disclosures spread over them (a third of them residents-only;
half of all past their end), then times in process:
the portal block ``selectors.public_disclosures(community, 10)`` and
``GET /api/v1/disclosures/?region=<street>`` through Django's test client (first page of 20
and the count), ``--samples`` times each; and ``services.close_due()`` over the ended rows (each
row taken again under ``select_for_update(skip_locked=True)`` in its own transaction). Ends with
one JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
os.environ.setdefault("LINLI_DEBUG", "0")
os.environ.setdefault("LINLI_API_ANON_RATE", "100000/m")  # one client asking many times: not a throttling test
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine, pct, refuse_unless_postgres  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=40)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    refuse_unless_postgres("disclosures")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from linli.disclosures import selectors, services
    from linli.disclosures.models import Disclosure
    from linli.regions.models import Level, RegionNode

    city, _c = RegionNode.objects.get_or_create(code="440100000000", defaults={
        "path": "4401", "name": "广州市", "full_name": "广州市", "level": Level.CITY})
    district, _c = RegionNode.objects.get_or_create(code="449999000000", defaults={
        "path": "449999", "name": "基准区", "full_name": "基准区", "level": Level.DISTRICT, "parent": city})
    street, _c = RegionNode.objects.get_or_create(code="449999001000", defaults={
        "path": "449999001", "name": "基准街", "full_name": "基准区基准街", "level": Level.STREET, "parent": district})
    communities = []
    for i in range(args.communities):
        code = f"449999001{i + 1:03d}"
        node, _c = RegionNode.objects.get_or_create(code=code, defaults={
            "path": code, "name": f"基准{i + 1}社区", "full_name": f"基准区基准街基准{i + 1}社区", "level": Level.COMMUNITY, "parent": street})
        communities.append(node)
    today = timezone.localdate()
    Disclosure.objects.filter(region_path__startswith=street.path).delete()  # a fresh set each run
    rows = []
    for i in range(args.rows):
        node = communities[i % len(communities)]
        kind = "disclosures.resolution" if i % 3 == 0 else "disclosures.general"
        ended = i % 2 == 0
        start = today - dt.timedelta(days=30 if ended else 1)
        rows.append(Disclosure(kind=kind, region_path=node.path, region_name=node.full_name, title=f"基准公示{i}",
                               content="基准公示内容" * 20, status="open", starts_on=start,
                               ends_on=start + dt.timedelta(days=7), published_at=timezone.now()))
    Disclosure.objects.bulk_create(rows, batch_size=2000)

    def timed(fn, n):  # type: ignore[no-untyped-def]
        out = []
        for _i in range(n):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000)
        return out

    community = communities[0].path
    portal = timed(lambda: selectors.public_disclosures(community, 10), args.samples)
    client = Client()
    url = f"/api/v1/disclosures/?region={street.path}"
    assert client.get(url).status_code == 200

    def listed() -> None:
        assert client.get(url).status_code == 200

    api = timed(listed, args.samples)
    due = Disclosure.objects.filter(status="open", ends_on__lt=today, region_path__startswith=street.path).count()
    t0 = time.perf_counter()
    closed = 0
    while True:
        n = services.close_due()
        closed += n
        if n == 0:
            break
    sweep = time.perf_counter() - t0
    print(json.dumps({
        "bench": "disclosures", "machine": machine(), "rows": args.rows, "communities": args.communities,
        "portal_block_ms": {"p50": round(pct(portal, 50), 2), "p95": round(pct(portal, 95), 2)},
        "street_list_api_ms": {"p50": round(pct(api, 50), 2), "p95": round(pct(api, 95), 2)},
        "sweep": {"due": due, "closed": closed, "seconds": round(sweep, 2),
                  "ms_per_row": round(sweep * 1000 / closed, 3) if closed else None},
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
