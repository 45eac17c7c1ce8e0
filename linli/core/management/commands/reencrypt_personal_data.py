"""Re-encrypt personal data under the active (first) key of LINLI_DATA_KEYS.

Rotation: prepend a new key to LINLI_DATA_KEYS, restart, run this command, then drop the old key.
Search hashes do not change (they use the lookup key).
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from linli.core import crypto
from linli.core.fields import EncryptedTextField


class Command(BaseCommand):
    help = "用当前主密钥重新加密全部个人敏感数据(密钥轮换)"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        active = crypto.active_key_id()
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            last = None
            while True:
                with connection.cursor() as cur:
                    where = f"WHERE {pk} > %s" if last is not None else ""
                    cur.execute(f"SELECT {pk}, {cols} FROM {table} {where} ORDER BY {pk} LIMIT %s",  # noqa: S608
                                ([last] if last is not None else []) + [opts["batch"]])
                    rows = cur.fetchall()
                if not rows:
                    break
                last = rows[-1][0]
                stale = [r for r in rows if any(v and crypto.key_id_of(v) != active for v in r[1:])]
                if stale:
                    objs = list(model._default_manager.filter(pk__in=[r[0] for r in stale]))
                    with transaction.atomic():
                        model._default_manager.bulk_update(objs, [f.name for f in fields])
                    total += len(objs)
            self.stdout.write(f"{model._meta.label}: 已检查")
        self.stdout.write(f"重新加密 {total} 条记录，当前密钥 {active}")
