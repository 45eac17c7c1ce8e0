"""Every write of notices: drafting, publishing (one set-based fan-out to the addressed
households, then messaging), correcting (a new version), withdrawing, a resident's read
confirmation and a delivery recorded by the mobilisation chain, and the reminders of the
supervision clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.roles import Role
from linli.accounts.selectors import holders_by_path, users_of_households, users_of_residents
from linli.core import supervision
from linli.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from linli.core.images import clean_document
from linli.core.reasons import meaningful
from linli.core.services import record_audit
from linli.core.text import clean_text, fill
from linli.messaging import services as messaging
from linli.regions import selectors as regions

from .errors import Code
from .models import (
    How,
    Notice,
    NoticeAttachment,
    NoticeBuilding,
    NoticeHousehold,
    NoticeRead,
    NoticeVersion,
    Scope,
    Urgency,
)
from .states import LIFECYCLE, Action, Status

MAX_ATTACHMENTS = 5
ANALYZE_AFTER = 5000  # households addressed at once, past which publication refreshes the table's statistics
# 提醒: past the reminder time, the building leaders at once, the grid worker 4 working hours on,
# the community admin after 8
REMIND_STEPS = {1: 0, 2: 4, 3: 8}


def require(actor: Any, perm: str, obj: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, obj):
        raise PermissionDenied("forbidden", _("您无权处理该通知"))


def _lock(notice: Notice) -> Notice:
    return Notice.objects.select_for_update().get(pk=notice.pk)


def _text(title: Any, body: Any, valid_until: dt.date | None) -> tuple[str, str]:
    title = clean_text(title, collapse=True)
    body = clean_text(body, multiline=True)
    if len(title) < 2:
        raise DomainError("invalid", _("请填写标题(至少2个字)"), field="title")
    if len(title) > 120:
        raise DomainError("invalid", _("标题最多120个字"), field="title")
    if len(body) < 2:
        raise DomainError("invalid", _("请填写正文"), field="body")
    if len(body) > 20000:
        raise DomainError("invalid", _("正文最多20000个字"), field="body")
    if valid_until is not None and valid_until < timezone.localdate():
        raise DomainError("invalid", _("有效期不能早于今天"), field="valid_until")
    return title, body


def _common_node(paths: list[str]) -> str:
    """The narrowest region path (grid, community, street, district, city) above all ``paths``."""
    import os

    prefix = os.path.commonprefix(paths)
    for width in (15, 12, 9, 6, 4):
        if len(prefix) >= width:
            return prefix[:width]
    return ""


def _target(*, node: Any = None, compound_id: int | None = None, building_id: int | None = None,
            household_ids: Iterable[int] | None = None) -> dict[str, Any]:
    """Where a notice goes: a region node (community or grid), a compound, a building or a list
    of households; its region_path and a public name of the area."""
    if building_id is not None:
        b = regions.building_by_pk(building_id)
        if b is None:
            raise DomainError("invalid", _("楼栋不存在"), field="building_id")
        return {"scope": Scope.BUILDING, "region_path": b.region_path, "area_name": f"{b.compound.name}{b.name}",
                "building_id": b.pk, "compound_id": b.compound_id, "household_ids": []}
    if compound_id is not None:
        c = regions.compound_by_pk(compound_id)
        if c is None:
            raise DomainError("invalid", _("小区不存在"), field="compound_id")
        return {"scope": Scope.COMPOUND, "region_path": c.region_path, "area_name": c.name, "compound_id": c.pk,
                "building_id": None, "household_ids": []}
    if household_ids is not None:
        ids = sorted({int(i) for i in household_ids})
        if not ids or len(ids) > 5000:
            raise DomainError("invalid", _("请选择1至5000户"), field="household_ids")
        paths = list(regions.households_under("", ids=ids).values_list("region_path", flat=True))
        if len(paths) != len(ids):
            raise DomainError("invalid", _("所选住户不存在"), field="household_ids")
        common = _common_node(paths)
        names = regions.names_of([common]) if common else {}
        return {"scope": Scope.HOUSEHOLDS, "region_path": common, "area_name": names.get(common, "") + _("(指定住户)"),
                "household_ids": ids, "compound_id": None, "building_id": None}
    if node is None:
        raise DomainError("invalid", _("请选择发送范围"), field="region_code")
    if node.level not in ("community", "grid", "street"):
        raise DomainError("invalid", _("通知可发往街道、社区、网格、小区、楼栋或指定住户"), field="region_code")
    return {"scope": Scope.NODE, "region_path": node.path, "area_name": node.name, "compound_id": None,
            "building_id": None, "household_ids": []}


@transaction.atomic
def create_draft(*, actor: Any, title: str, body: str, urgency: str = Urgency.NORMAL, must_reach: bool = False,
                 valid_until: dt.date | None = None, reminder_after: int = 24, node: Any = None,
                 compound_id: int | None = None, building_id: int | None = None,
                 household_ids: Iterable[int] | None = None) -> Notice:
    title, body = _text(title, body, valid_until)
    if urgency not in Urgency.values:
        raise DomainError("invalid", _("紧急程度无效"), field="urgency")
    if not 1 <= int(reminder_after) <= 720:
        raise DomainError("invalid", _("提醒时间须在1至720小时之间"), field="reminder_after")
    where = _target(node=node, compound_id=compound_id, building_id=building_id, household_ids=household_ids)
    notice = Notice(title=title, body=body, urgency=urgency, must_reach=bool(must_reach), valid_until=valid_until,
                    reminder_after=int(reminder_after), sender=actor, status=Status.DRAFT, **where)
    require(actor, "notices.send", notice)
    notice.sender_name = _sender_name(notice.region_path)
    notice.save()
    record_audit(actor=actor, action="notice.draft", target=notice, region_path=notice.region_path,
                 changes={"title": title, "scope": notice.scope, "must_reach": notice.must_reach})
    return notice


def _sender_name(path: str) -> str:
    office = path[:12] if len(path) >= 12 else path
    return regions.names_of([office]).get(office, "")


@transaction.atomic
def update_draft(*, actor: Any, notice: Notice, title: str, body: str, urgency: str, must_reach: bool,
                 valid_until: dt.date | None, reminder_after: int) -> Notice:
    notice = _lock(notice)
    require(actor, "notices.send", notice)
    if notice.status != Status.DRAFT:
        raise Conflict(Code.NOT_DRAFT, _("只有草稿可以修改，已发布的通知请更正"))
    notice.title, notice.body = _text(title, body, valid_until)
    if urgency not in Urgency.values:
        raise DomainError("invalid", _("紧急程度无效"), field="urgency")
    if not 1 <= int(reminder_after) <= 720:
        raise DomainError("invalid", _("提醒时间须在1至720小时之间"), field="reminder_after")
    notice.urgency, notice.must_reach, notice.valid_until = urgency, bool(must_reach), valid_until
    notice.reminder_after = int(reminder_after)
    notice.save()
    record_audit(actor=actor, action="notice.draft", target=notice, region_path=notice.region_path, changes={"title": notice.title})
    return notice


def _draft_only(notice: Notice) -> None:
    """Attachments change only while the notice is a draft: a published text changes only by a
    correction (a new version), and attachments are not versioned."""
    if notice.status != Status.DRAFT:
        raise Conflict(Code.NOT_DRAFT, _("通知发布后不能增删附件；如需修改，请撤回后重新发布"), field="file")


@transaction.atomic
def add_attachment(*, actor: Any, notice: Notice, name: str, data: bytes) -> NoticeAttachment:
    """A PDF or an image (re-encoded without its metadata, like photos and materials), on a
    draft, at most ``MAX_ATTACHMENTS``. Everything is checked before the file is written."""
    notice = _lock(notice)
    require(actor, "notices.send", notice)
    _draft_only(notice)
    if notice.attachments.count() >= MAX_ATTACHMENTS:
        raise DomainError(Code.TOO_MANY_ATTACHMENTS, fill(_("每个通知最多%(n)s个附件"), {"n": MAX_ATTACHMENTS}),
                          field="file", limit=MAX_ATTACHMENTS)
    clean, ext, content_type = clean_document(data, field="file")
    label = clean_text(name, collapse=True, limit=100) or _("附件")
    att = NoticeAttachment(notice=notice, name=label, content_type=content_type, size=len(clean))
    att.file.save(f"n{notice.pk}.{ext}", ContentFile(clean), save=False)
    stored = att.file.name
    try:  # the file written for a row that is not saved goes with it
        att.save()
        record_audit(actor=actor, action="notice.attach", target=notice, region_path=notice.region_path,
                     changes={"name": label, "size": att.size})
    except Exception:
        att.file.storage.delete(stored)
        raise
    return att


@transaction.atomic
def remove_attachment(*, actor: Any, notice: Notice, attachment_id: int) -> None:
    """Take an attachment off a draft; its file is deleted once the removal is committed."""
    notice = _lock(notice)
    require(actor, "notices.send", notice)
    att = NoticeAttachment.objects.filter(notice=notice, pk=attachment_id).first()
    if att is None:
        raise NotFound("not_found", _("附件不存在"))
    _draft_only(notice)
    stored, storage = att.file.name, att.file.storage
    att.delete()
    record_audit(actor=actor, action="notice.detach", target=notice, region_path=notice.region_path,
                 changes={"name": att.name})
    transaction.on_commit(lambda: storage.delete(stored))


def _fan_out(notice: Notice) -> int:
    """One INSERT … SELECT: a NoticeHousehold per addressed household, with its building and the
    region path of its grid. No query per household."""
    source = regions.households_under(notice.region_path, compound_id=notice.compound_id, building_id=notice.building_id,
                                      ids=notice.household_ids if notice.scope == Scope.HOUSEHOLDS else None)
    sql, params = source.values_list("pk", "room__building_id", "region_path").query.sql_with_params()
    table = connection.ops.quote_name(NoticeHousehold._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in ("notice_id", "household_id", "building_id", "region_path", "how", "note"))
    # the names from the model, every value a parameter
    insert = f"INSERT INTO {table} ({cols}) SELECT %s, s.*, '', '' FROM ({sql}) s"  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(insert, [notice.pk, *params])
        total = int(cur.rowcount)
        if total >= ANALYZE_AFTER and connection.vendor == "postgresql":
            # a street's 50,000 rows at once: without fresh statistics the planner takes the new
            # notice for a few rows and sorts all of them for the coverage page's first 100
            cur.execute(f"ANALYZE {table}")  # noqa: S608 (the model's table name)
        return total


def _without_representative(notice: Notice) -> dict[tuple[int, str], int]:
    """Per (building, grid): the notice's addressed households someone lives in that have no
    current 户代表, read from the registry now (one grouped query)."""
    rows = (NoticeHousehold.objects.filter(notice=notice, household_id__in=regions.households_without_representative(notice.region_path))
            .order_by().values_list("building_id", "region_path").annotate(n=Count("pk")))
    return {(b, p): n for b, p, n in rows}


def _count_buildings(notice: Notice, now: dt.datetime) -> None:
    """The per-building counts of a notice just fanned out (``NoticeBuilding``)."""
    alone = _without_representative(notice)
    rows = NoticeHousehold.objects.filter(notice=notice).order_by().values_list("building_id", "region_path").annotate(n=Count("pk"))
    NoticeBuilding.objects.bulk_create([
        NoticeBuilding(notice=notice, building_id=b, region_path=p, total=n, without_representative=alone.get((b, p), 0), gaps_at=now)
        for b, p, n in rows], batch_size=2000)


def _count_reached(notice_id: int, building_id: int, region_path: str, *, confirmed: bool) -> None:
    """One household of this building reached: its counts, in the transaction that reached it."""
    NoticeBuilding.objects.filter(notice_id=notice_id, building_id=building_id, region_path=region_path).update(
        reached=F("reached") + 1, confirmed=F("confirmed") + int(confirmed))


def refresh_gaps(notice: Notice) -> int:
    """Read the households without a 户代表 from the registry again for every building of the
    notice, and stamp the time; returns how many buildings changed. Only that column is
    written, so a delivery recorded meanwhile is not lost."""
    now = timezone.now()
    alone = _without_representative(notice)
    changed = 0
    for pk, b, p, before in NoticeBuilding.objects.filter(notice=notice).values_list("pk", "building_id", "region_path",
                                                                                     "without_representative"):
        if alone.get((b, p), 0) != before:
            changed += NoticeBuilding.objects.filter(pk=pk).update(without_representative=alone.get((b, p), 0))
    NoticeBuilding.objects.filter(notice=notice).update(gaps_at=now)
    return changed


def refresh_open_gaps() -> int:
    """The periodic refresh: every published notice still on the supervision clock, and any
    published notice whose counts were never stamped."""
    notices = (Notice.objects.filter(status=Status.PUBLISHED)
               .filter(Q(pk__in=unreached_running().values("pk")) | Q(building_counts__gaps_at__isnull=True)).distinct())
    done = 0
    for notice in notices:
        refresh_gaps(notice)
        done += 1
    return done


def notice_url(notice: Notice) -> str:
    return reverse("notices:detail", args=[notice.pk])


@transaction.atomic
def publish(*, actor: Any, notice: Notice) -> Notice:
    notice = _lock(notice)
    require(actor, "notices.send", notice)
    now = timezone.now()
    LIFECYCLE.apply(notice, Action.PUBLISH, actor=actor, lock=False)
    total = _fan_out(notice)
    if total == 0:
        raise DomainError(Code.NO_HOUSEHOLDS, _("发送范围内没有登记住户"), field="region_code")
    notice.households_total = total
    _count_buildings(notice, now)
    notice.published_at = now
    notice.remind_at = now + dt.timedelta(hours=notice.reminder_after) if notice.must_reach else None
    notice.version = 1
    notice.save()
    NoticeVersion.objects.create(notice=notice, number=1, title=notice.title, body=notice.body,
                                 valid_until=notice.valid_until, author=actor)
    transaction.on_commit(lambda: _tell_addressed(notice, fill(_("【%(a)s】%(t)s"), {
        "a": notice.sender_name or notice.area_name, "t": notice.title})))
    return notice


def _tell_addressed(notice: Notice, text: str) -> int:
    """The residents of the addressed households with an account through their inbox (and SMS
    for an urgent notice); for an urgent one also an SMS to residents without an account."""
    households = NoticeHousehold.objects.filter(notice=notice).values("household_id")
    kind = "notices.urgent" if notice.is_urgent else "notices.notice"
    sent = messaging.send(users_of_households(households), kind, text=text, target=notice, link=notice_url(notice),
                          urgent=notice.is_urgent)
    if notice.is_urgent:
        for phone in regions.phones_without_account(households):
            messaging.send_to_phone(phone, "notices.urgent", fill(_("%(t)s 详见社区公告栏或邻里平台"), {"t": text}))
    return sent


@transaction.atomic
def correct(*, actor: Any, notice: Notice, title: str, body: str, valid_until: dt.date | None = None, note: str = "") -> Notice:
    """更正: a new version; the one before stays readable, marked superseded."""
    notice = _lock(notice)
    require(actor, "notices.send", notice)
    title, body = _text(title, body, valid_until)
    note = clean_text(note, collapse=True, limit=300)
    if len(meaningful(note)) < 2:
        raise DomainError("reason_required", _("请说明更正内容"), field="note")
    LIFECYCLE.apply(notice, Action.CORRECT, actor=actor, lock=False, note=note)
    now = timezone.now()
    notice.versions.filter(superseded_at__isnull=True).update(superseded_at=now)
    notice.version += 1
    notice.title, notice.body, notice.valid_until = title, body, valid_until
    notice.save()
    NoticeVersion.objects.create(notice=notice, number=notice.version, title=title, body=body, valid_until=valid_until,
                                 note=note, author=actor)
    transaction.on_commit(lambda: _tell_addressed(notice, fill(_("【更正】%(t)s：%(n)s"), {"t": title, "n": note})))
    return notice


@transaction.atomic
def withdraw(*, actor: Any, notice: Notice, reason: str) -> Notice:
    notice = _lock(notice)
    require(actor, "notices.send", notice)
    reason = clean_text(reason, collapse=True, limit=300)
    if len(meaningful(reason)) < 2:
        raise DomainError("reason_required", _("请填写撤回原因"), field="reason")
    LIFECYCLE.apply(notice, Action.WITHDRAW, actor=actor, lock=False, note=reason)
    notice.withdrawn_at = timezone.now()
    notice.withdraw_reason = reason
    notice.save()
    transaction.on_commit(lambda: _tell_addressed(notice, fill(_("【撤回】%(t)s：%(r)s"), {"t": notice.title, "r": reason})))
    return notice


def _published(notice: Notice) -> None:
    if notice.status != Status.PUBLISHED:
        raise Conflict("illegal_transition", _("该通知未在发布中"), current_status=notice.status)


@transaction.atomic
def confirm(*, actor: Any, notice: Notice) -> bool:
    """已读确认 by a resident of an addressed household: their receipt, and the household counts
    as reached (if nobody reached it before). Idempotent. True when the receipt is new."""
    _published(notice)
    if not actor.has_perm("notices.confirm", notice):
        raise PermissionDenied(Code.NOT_ADDRESSED, _("该通知不是发给您家的"))
    hid = actor.resident.household_id
    now = timezone.now()
    _read, created = NoticeRead.objects.get_or_create(notice=notice, user=actor, defaults={"household_id": hid})
    if created:
        row = NoticeHousehold.objects.filter(notice=notice, household_id=hid).values_list("pk", "building_id", "region_path").first()
        if row is not None and NoticeHousehold.objects.filter(pk=row[0], reached_at__isnull=True).update(
                reached_at=now, recorded_at=now, how=How.READ_CONFIRMED, by=actor):
            _count_reached(notice.pk, row[1], row[2], confirmed=True)
    return created


def row_for(actor: Any, notice: Notice, household_id: int) -> NoticeHousehold:
    row = NoticeHousehold.objects.filter(notice=notice, household_id=household_id).first()
    if row is None or not actor.has_perm("notices.record", row):
        raise NotFound("not_found", _("该住户不在您负责的范围内"))
    return row


def record_delivery(*, actor: Any, notice: Notice, household_id: int, how: str = How.DOOR_TO_DOOR, note: str = "",
                    at: dt.datetime | None = None) -> tuple[NoticeHousehold, bool]:
    """送达记录 by the household's building leader or representative (or the staff over it): time,
    how, note. Idempotent: a household already reached keeps its first record (one conditional
    UPDATE: two leaders at once record it once). Returns (the row, whether this call recorded it)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("forbidden", _("请先登录"))
    _published(notice)
    if not notice.must_reach:
        raise Conflict(Code.NOT_MUST_REACH, _("该通知无需逐户送达"))
    if how not in How.values or how == How.READ_CONFIRMED:
        raise DomainError("invalid", _("请选择送达方式"), field="how")
    note = clean_text(note, collapse=True, limit=200)
    now = timezone.now()
    when = at or now
    if when > now + dt.timedelta(minutes=5) or (notice.published_at and when < notice.published_at):
        raise DomainError("invalid", _("送达时间须在发布之后、不晚于现在"), field="at")
    with transaction.atomic():
        row = row_for(actor, notice, household_id)
        done = NoticeHousehold.objects.filter(pk=row.pk, reached_at__isnull=True).update(
            reached_at=when, recorded_at=now, how=how, by=actor, note=note)
        if done:
            _count_reached(notice.pk, row.building_id, row.region_path, confirmed=False)
            record_audit(actor=actor, action="notice.deliver", target=notice, region_path=row.region_path,
                         changes={"household": household_id, "how": how})
    row.refresh_from_db()
    return row, bool(done)


# ---------------------------------------------------------------- the supervision clock

def export_unreached(*, actor: Any, notice: Notice) -> bytes:
    """The sender's Excel list of the households not reached yet (addresses, no names; every
    cell inert), recorded in the audit log."""
    import io

    from openpyxl import Workbook

    from linli.core.exports import xlsx_append

    from . import selectors

    if "export" not in selectors.available_actions(actor, notice):
        raise PermissionDenied("forbidden", _("您无权处理该通知"))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("未送达住户"))
    xlsx_append(ws, [_("通知"), notice.title])
    xlsx_append(ws, [_("网格"), _("楼栋"), _("户号"), _("地址")])
    rows = selectors.unreached(notice, actor)
    for row in rows:
        xlsx_append(ws, [row["grid"], row["building"], row["number"], row["address"]])
    out = io.BytesIO()
    wb.save(out)
    record_audit(actor=actor, action="notice.export", target=notice, region_path=notice.region_path,
                 changes={"rows": len(rows)})
    return out.getvalue()


def unreached_running() -> Any:
    from django.db.models import Exists, OuterRef

    return Notice.objects.filter(status=Status.PUBLISHED, must_reach=True, remind_at__isnull=False).filter(
        Exists(NoticeHousehold.objects.filter(notice=OuterRef("pk"), reached_at__isnull=True)))


def clock_told(items: list[Notice], level: int) -> dict[int, list[Any]]:
    """Level 1: the 楼长 and 居民代表 of the buildings with unreached households; 2: the grid
    workers of their grids; 3: the community admins."""
    out: dict[int, list[Any]] = {}
    for notice in items:
        open_rows = NoticeHousehold.objects.filter(notice=notice, reached_at__isnull=True)
        if level <= 1:
            duties = regions.duty_residents(open_rows.values_list("building_id", flat=True).distinct())
            accounts = users_of_residents([r for rs in duties.values() for r in rs])
            out[notice.pk] = list(accounts.values())
        else:
            paths = set(open_rows.values_list("region_path", flat=True).distinct())
            role = Role.GRID_WORKER if level == 2 else Role.COMMUNITY_ADMIN
            wanted = paths if level == 2 else {p[:12] for p in paths}
            users: dict[int, Any] = {}
            for group in holders_by_path((role,), wanted).values():
                users.update({u.pk: u for u in group})
            out[notice.pk] = list(users.values())
    return out


def clock_notify(pairs: list[tuple[Notice, list[Any]]], *, kind: str, level: int, actor: Any, note: str) -> int:
    items = []
    for notice, users in pairs:
        left = NoticeHousehold.objects.filter(notice=notice, reached_at__isnull=True).count()
        text = fill(_("通知“%(t)s”还有 %(n)s 户未送达，请尽快入户告知并登记"), {"t": notice.title, "n": left})
        if kind == "urge":
            text = fill(_("督办：通知“%(t)s”还有 %(n)s 户未送达。%(note)s"), {"t": notice.title, "n": left, "note": note})
        leader, page = reverse("notices:leader"), reverse("notices:coverage", args=[notice.pk])
        if kind == "urge":  # the building leaders to their list, staff to the coverage page
            items += [(u, text, notice, page if u.has_perm("notices.coverage", notice) else leader) for u in users]
            continue
        items += [(u, text, notice, leader if level <= 1 else page) for u in users]
    return messaging.send_many("notices.reminder", items) if items else 0


def clock_handlers(notice: Notice) -> list[Any]:
    """Whom a supervisor's 督办 reaches: the 楼长 and 居民代表 of the buildings with unreached
    households, and, for those of them with nobody responsible in the chain, the grid workers of
    their grids."""
    users = {u.pk: u for u in clock_told([notice], 1).get(notice.pk, [])}
    open_rows = NoticeHousehold.objects.filter(notice=notice, reached_at__isnull=True)
    buildings = set(open_rows.values_list("building_id", flat=True).distinct())
    unled = buildings - regions.led_buildings(buildings)
    if unled:
        paths = set(open_rows.filter(building_id__in=unled).values_list("region_path", flat=True).distinct())
        for group in holders_by_path((Role.GRID_WORKER,), paths).values():
            users.update({u.pk: u for u in group})
    return list(users.values())


def urge(*, actor: Any, notice: Notice, note: str) -> Notice:
    """督办: a supervisor (community, street, district or city admin over the notice's area) urges
    a must-reach notice with households not reached yet, with a note — through
    ``core.supervision.urge`` (its permission ``notices.supervise``, a running clock, the
    ``core.Escalation`` record and the audit row ``notice.urge``). ``clock_handlers`` are told
    through messaging: the building leaders get their list, staff the coverage page."""
    supervision.urge(actor=actor, obj=notice, note=note)
    return Notice.objects.select_related("sender").get(pk=notice.pk)
