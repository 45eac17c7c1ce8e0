"""Every write of owners' assemblies: the roll frozen from the registry, disclosed, corrected with
a reason and locked; the assembly drafted with its matters, called (the notice to every owner and
the record that the residents' committee was told), opened, extended once, closed; ballots cast
online with a fresh SMS code, by proxy, or on paper entered by two clerks; the result tallied,
disclosed, then announced; the ballot board chained by hashes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import selectors as accounts
from linli.accounts import services as account_services
from linli.accounts.roles import Role
from linli.core import calendar, supervision, voting
from linli.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from linli.core.images import named_document
from linli.core.models import SensitiveAccess
from linli.core.reasons import meaningful
from linli.core.services import record_audit, record_sensitive_access
from linli.core.text import clean_text, fill
from linli.disclosures import selectors as disclosure_selectors
from linli.disclosures import services as disclosures
from linli.messaging import services as messaging
from linli.notices import services as notices
from linli.regions import selectors as regions

from . import board, tally
from .errors import Code
from .models import (
    Assembly,
    Ballot,
    BallotChoice,
    BoardEntry,
    Channel,
    Choice,
    Convener,
    HeadKind,
    Matter,
    PaperEntry,
    PaperSlip,
    Proxy,
    Roll,
    RollCorrection,
    RollEntry,
    RollUnit,
)
from .states import LIFECYCLE, ROLL_LIFECYCLE, Action, RollAction, RollStatus, Status

NOTICE_DAYS = 15  # 物业管理条例: owners are told at least 15 days before the meeting
RESULT_DAYS = 1  # the preliminary result within one working day of closing
# 督办 of a result not published in time: the street office at once (core.supervision)
RESULT_ESCALATE_AFTER = {2: 0}
MAX_MATTERS = 20


def require(actor: Any, perm: str, obj: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, obj):
        raise PermissionDenied("forbidden", _("您无权处理该业主大会"))


def _reason(value: Any, *, what: str = "") -> str:
    reason = clean_text(value, collapse=True, limit=300)
    if len(meaningful(reason)) < 2:
        raise DomainError("reason_required", what or _("请填写理由"), field="reason")
    return reason


def _roll_of(assembly: Assembly) -> Roll:
    if assembly.roll is None:
        raise Conflict(Code.NO_ROLL, _("尚未编制业主名册"))
    return assembly.roll


def _lock(assembly: Assembly) -> Assembly:
    return Assembly.objects.select_for_update().get(pk=assembly.pk)


def _text(value: Any, *, field: str, low: int, high: int, label: str, multiline: bool = False) -> str:
    text = clean_text(value, multiline=multiline, collapse=not multiline)
    if len(text) < low:
        raise DomainError("invalid", fill(_("请填写%(what)s"), {"what": label}), field=field)
    if len(text) > high:
        raise DomainError("invalid", fill(_("%(what)s最多%(n)s个字"), {"what": label, "n": high}), field=field)
    return text


# ---------------------------------------------------------------- the assembly, drafted

@transaction.atomic
def create_assembly(*, actor: Any, compound_id: int, title: str, convener: str, convener_name: str,
                    opens_at: dt.datetime, closes_at: dt.datetime, matters: list[Mapping[str, Any]],
                    building_id: int | None = None, named: bool = True, allow_change: bool = False,
                    max_principals: int = 1) -> Assembly:
    """A draft assembly of a compound (or one building of it) with its matters, each typed by
    art. 278 item (1)–(9)."""
    compound = regions.compound_by_pk(compound_id)
    if compound is None:
        raise DomainError("invalid", _("小区不存在"), field="compound_id")
    building = None
    if building_id is not None:
        building = regions.building_by_pk(building_id)
        if building is None or building.compound_id != compound.pk:
            raise DomainError("invalid", _("楼栋不属于该小区"), field="building_id")
    if convener not in Convener.values:
        raise DomainError("invalid", _("召集人类型无效"), field="convener")
    if opens_at is None or closes_at is None or closes_at <= opens_at:
        raise DomainError("invalid", _("投票截止时间须晚于开始时间"), field="closes_at")
    if closes_at - opens_at > dt.timedelta(days=90):
        raise DomainError("invalid", _("投票期最长90天"), field="closes_at")
    if not 1 <= int(max_principals) <= 10:
        raise DomainError("invalid", _("每名受托人代理人数须在1至10之间"), field="max_principals")
    assembly = Assembly(
        title=_text(title, field="title", low=2, high=120, label=_("会议名称")), region_path=compound.region_path,
        compound_id=compound.pk, building_id=building.pk if building else None, convener=convener,
        convener_name=_text(convener_name, field="convener_name", low=2, high=120, label=_("召集人名称")),
        opens_at=opens_at, closes_at=closes_at, named=bool(named), allow_change=bool(allow_change),
        max_principals=int(max_principals), created_by=actor if getattr(actor, "pk", None) else None)
    require(actor, "assemblies.manage", assembly)
    assembly.save()
    _set_matters(assembly, matters)
    record_audit(actor=actor, action="assembly.create", target=assembly, region_path=assembly.region_path,
                 changes={"title": assembly.title, "matters": len(matters), "opens_at": opens_at.isoformat()})
    return assembly


def _set_matters(assembly: Assembly, matters: list[Mapping[str, Any]]) -> None:
    if not matters:
        raise DomainError("invalid", _("至少需要一项表决事项"), field="matters")
    if len(matters) > MAX_MATTERS:
        raise DomainError("invalid", fill(_("表决事项最多%(n)s项"), {"n": MAX_MATTERS}), field="matters")
    rows = []
    for no, m in enumerate(matters, start=1):
        try:
            item = int(m.get("item"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            item = 0
        if not 1 <= item <= 9:
            raise DomainError("invalid", _("请为每项事项选择民法典第二百七十八条第一款所列事项(1至9)"), field=f"matters.{no}.item")
        rows.append(Matter(assembly=assembly, no=no, item=item,
                           title=_text(m.get("title"), field=f"matters.{no}.title", low=2, high=200, label=_("事项名称")),
                           body=clean_text(m.get("body") or "", multiline=True)[:5000]))
    Matter.objects.filter(assembly=assembly).delete()
    Matter.objects.bulk_create(rows)


# ---------------------------------------------------------------- the roll

def _heads(rooms: list[Any]) -> dict[str, dict[str, Any]]:
    """Group the units into heads by the Supreme People's Court counting rules
    (``tally.group_heads``, the one place they live): every unit the developer holds one head, the
    units of one owner one head, co-owners of a unit one head (the same co-owners of several units
    too). Here each head gets its owners, name and voter from the registry."""
    missing = [room.short_address for room in rooms if not room.current_ownerships]
    if missing:
        shown = "、".join(missing[:10]) + (_("等") if len(missing) > 10 else "")
        raise DomainError(Code.EMPTY_ROLL, fill(_("%(n)s个专有部分没有登记权利人，请先在房屋档案中补登：%(list)s"),
                                                {"n": len(missing), "list": shown}), units=len(missing))
    owners_of: dict[str, list[Any]] = {}
    units = []
    by_label = {}
    for room in rooms:
        owns = list(room.current_ownerships)
        developer = [o for o in owns if o.kind == HeadKind.DEVELOPER]
        rows = developer[:1] if developer else sorted(owns, key=lambda o: o.owner_key)
        key = "|".join(o.owner_key for o in rows)
        label = f"{room.short_address}#{room.pk}"  # unique even if two rooms read alike
        units.append(tally.RollUnit(label=label, area=room.exclusive_area, owner=key, developer=bool(developer)))
        by_label[label] = room
        owners_of.setdefault(tally.DEVELOPER_HEAD if developer else f"owner:{key}", rows)
    heads: dict[str, dict[str, Any]] = {}
    for head in tally.group_heads(units):
        rows = owners_of[head.head]
        if rows[0].kind == HeadKind.DEVELOPER:
            kind = HeadKind.DEVELOPER
        elif len(rows) > 1:
            kind = HeadKind.CO_OWNERS
        else:
            kind = HeadKind.ORGANISATION if rows[0].kind == "organisation" else HeadKind.PERSON
        heads[head.head[:200]] = {
            "kind": kind, "name": "、".join(o.owner_name for o in rows)[:200], "area": head.area,
            "owners": [{"name": o.owner_name, "resident_id": o.resident_id, "key": o.owner_key} for o in rows],
            "voter_id": rows[0].resident_id if kind == HeadKind.PERSON else None,
            "rooms": [by_label[label] for label in head.units]}
    return heads


@transaction.atomic
def freeze_roll(*, actor: Any, assembly: Assembly, now: dt.datetime | None = None) -> Roll:
    """Build the roll from the registry as it stands (a snapshot: later registry changes do not
    move it) and disclose it (公示) to the compound: unit number and area only."""
    assembly = _lock(assembly)
    require(actor, "assemblies.manage", assembly)
    if assembly.status != Status.DRAFT:
        raise Conflict("illegal_transition", _("只有筹备中的业主大会可以编制名册"))
    if assembly.roll_id is not None:
        raise Conflict("illegal_transition", _("名册已编制，请通过更正修改"))
    rooms = list(regions.owned_rooms(compound_id=assembly.compound_id, building_id=assembly.building_id))
    if not rooms:
        raise DomainError(Code.EMPTY_ROLL, _("该范围内没有登记的专有部分"))
    heads = _heads(rooms)
    compound = regions.compound_by_pk(assembly.compound_id)
    building = regions.building_by_pk(assembly.building_id) if assembly.building_id else None
    scope = f"{compound.name}{building.name}" if building else compound.name
    roll = Roll.objects.create(region_path=assembly.region_path, compound_id=assembly.compound_id,
                               building_id=assembly.building_id, scope_name=scope,
                               frozen_by=actor if getattr(actor, "pk", None) else None)
    ordered = sorted(heads.items(), key=lambda kv: (kv[1]["kind"] == HeadKind.DEVELOPER, kv[1]["rooms"][0].short_address))
    entries = RollEntry.objects.bulk_create([
        RollEntry(roll=roll, seq=seq, kind=h["kind"], owner_key=key, name=h["name"], owners=h["owners"],
                  voter_id=h["voter_id"], area=h["area"], units=len(h["rooms"]))
        for seq, (key, h) in enumerate(ordered, start=1)], batch_size=2000)
    RollUnit.objects.bulk_create([
        RollUnit(roll=roll, entry=e, room=r, label=r.short_address[:200], use=r.use, area=r.exclusive_area,
                 area_source=r.area_source)
        for e, (_key, h) in zip(entries, ordered, strict=True) for r in h["rooms"]], batch_size=2000)
    _retotal(roll)
    assembly.roll = roll
    assembly.save(update_fields=["roll", "updated_at"])
    record_audit(actor=actor, action="assembly_roll.freeze", target=roll, region_path=roll.region_path,
                 changes={"units": roll.total_units, "heads": roll.total_heads, "area": str(roll.total_area)})
    _disclose_roll(actor=actor, roll=roll, assembly=assembly, now=now)
    return roll


def _retotal(roll: Roll) -> None:
    from django.db.models import Count, Sum

    agg = RollEntry.objects.filter(roll=roll).aggregate(area=Sum("area"), heads=Count("pk"))
    roll.total_area = agg["area"] or Decimal(0)
    roll.total_heads = agg["heads"] or 0
    roll.total_units = RollUnit.objects.filter(roll=roll).count()
    roll.save(update_fields=["total_area", "total_heads", "total_units", "updated_at"])


def roll_url(assembly: Assembly) -> str:
    return reverse("assemblies:public_roll", args=[assembly.pk])


def _disclose_roll(*, actor: Any, roll: Roll, assembly: Assembly, now: dt.datetime | None) -> None:
    node = regions.node_by_code_or_path(roll.region_path[:12])
    content = fill(_("%(scope)s业主名册已编制：专有部分%(units)s个，专有部分总面积%(area)s平方米，业主人数%(heads)s人"
                     "(按最高人民法院建筑物区分所有权司法解释计算)。公示名单只列房号与面积，不列姓名与电话。"
                     "对名册有异议的业主请在公示期内提出。"),
                   {"scope": roll.scope_name, "units": roll.total_units, "area": roll.total_area, "heads": roll.total_heads})
    d = disclosures.publish(actor=actor, kind="assemblies.roll", region=node, title=fill(_("%(t)s业主名册公示"), {"t": roll.scope_name}),
                            content=content, source=assembly, source_label=assembly.title, source_url=roll_url(assembly), now=now)
    ROLL_LIFECYCLE.apply(roll, RollAction.DISCLOSE, actor=actor, lock=False)
    roll.disclosure_id = d.pk
    roll.save(update_fields=["status", "disclosure_id", "updated_at"])


def _lock_roll(roll: Roll) -> Roll:
    return Roll.objects.select_for_update().get(pk=roll.pk)


@transaction.atomic
def correct_unit(*, actor: Any, unit: RollUnit, reason: str, area: Decimal | None = None,
                 area_source: str | None = None) -> RollUnit:
    """Correct a unit's area (or its source) on a roll that is not locked, with a reason; the
    head's area and the roll's totals follow."""
    roll = _lock_roll(unit.roll)
    assembly = roll.assembly
    require(actor, "assemblies.manage", assembly)
    ROLL_LIFECYCLE.require(roll.status, RollAction.CORRECT)
    reason = _reason(reason)
    unit = RollUnit.objects.select_for_update().get(pk=unit.pk)
    changes: list[tuple[str, str, str]] = []
    if area is not None:
        area = Decimal(area).quantize(Decimal("0.01"))
        if area <= 0 or area > Decimal("100000"):
            raise DomainError("invalid", _("面积须大于0"), field="area")
        if area != unit.area:
            changes.append(("area", str(unit.area), str(area)))
            unit.area = area
    if area_source is not None and area_source != unit.area_source:
        if area_source not in ("register", "survey", "contract"):
            raise DomainError("invalid", _("面积来源无效"), field="area_source")
        changes.append(("area_source", unit.area_source, area_source))
        unit.area_source = area_source
    if not changes:
        raise DomainError("invalid", _("没有需要更正的内容"), field="area")
    unit.save(update_fields=["area", "area_source"])
    from django.db.models import Sum

    entry = unit.entry
    entry.area = RollUnit.objects.filter(entry=entry).aggregate(s=Sum("area"))["s"]
    entry.save(update_fields=["area"])
    RollCorrection.objects.bulk_create([RollCorrection(roll=roll, unit=unit, field=f, before=b, after=a, reason=reason,
                                                       by=actor if getattr(actor, "pk", None) else None)
                                        for f, b, a in changes])
    _retotal(roll)
    ROLL_LIFECYCLE.apply(roll, RollAction.CORRECT, actor=actor, lock=False, note=reason,
                         changes={"unit": unit.label, "fields": {f: [b, a] for f, b, a in changes}})
    return unit


@transaction.atomic
def designate_voter(*, actor: Any, entry: RollEntry, resident_id: int, reason: str) -> RollEntry:
    """Co-owners (or an owning unit) name the one who casts the head's ballot; staff record it
    from the written designation."""
    roll = _lock_roll(entry.roll)
    require(actor, "assemblies.manage", roll.assembly)
    if roll.assembly.status not in (Status.DRAFT, Status.CALLED):
        raise Conflict("illegal_transition", _("投票开始后不能再指定投票人"))
    reason = _reason(reason)
    entry = RollEntry.objects.select_for_update().get(pk=entry.pk)
    allowed = {o.get("resident_id") for o in entry.owners if o.get("resident_id")}
    if entry.kind in (HeadKind.PERSON, HeadKind.CO_OWNERS) and int(resident_id) not in allowed:
        raise DomainError(Code.NOT_DESIGNATED, _("投票人须是该房屋的共有人之一"), field="resident_id")
    if entry.kind in (HeadKind.DEVELOPER, HeadKind.ORGANISATION) and regions.resident_by_pk(resident_id) is None:
        raise DomainError("invalid", _("居民不存在"), field="resident_id")
    before = entry.voter_id
    entry.voter_id = int(resident_id)
    entry.save(update_fields=["voter"])
    RollCorrection.objects.create(roll=roll, field="voter", before=str(before or ""), after=str(resident_id), reason=reason,
                                  by=actor if getattr(actor, "pk", None) else None)
    record_audit(actor=actor, action="assembly_roll.designate", target=roll, region_path=roll.region_path,
                 changes={"head": entry.label, "voter": [before, entry.voter_id], "reason": reason[:200]})
    return entry


@transaction.atomic
def lock_roll(*, actor: Any, assembly: Assembly, now: dt.datetime | None = None) -> Roll:
    """Lock the roll once its disclosure period has ended; objections must all be answered."""
    if assembly.roll_id is None:
        raise Conflict(Code.NO_ROLL, _("尚未编制业主名册"))
    roll = _lock_roll(_roll_of(assembly))
    require(actor, "assemblies.manage", assembly)
    if assembly.status not in (Status.DRAFT, Status.CALLED):
        raise Conflict("illegal_transition", _("该业主大会已不在筹备阶段，名册不能再锁定"))
    state = disclosure_selectors.period_state(roll.disclosure_id) if roll.disclosure_id else None
    if state is not None and not state["ended"]:
        raise Conflict("illegal_transition", fill(_("名册公示期至%(d)s结束，结束后才能锁定"), {"d": state["ends_on"]}))
    if state is not None and state["open_objections"]:
        raise Conflict("illegal_transition", fill(_("还有%(n)s条名册异议未答复"), {"n": state["open_objections"]}))
    ROLL_LIFECYCLE.apply(roll, RollAction.LOCK, actor=actor, lock=False)
    roll.locked_at = now or timezone.now()
    roll.save(update_fields=["status", "locked_at", "updated_at"])
    return roll


# ---------------------------------------------------------------- calling, opening, closing

def assembly_url(assembly: Assembly) -> str:
    return reverse("assemblies:detail", args=[assembly.pk])


def _owner_users(roll: Roll) -> tuple[list[Any], list[str]]:
    """The owners on the roll with an account (their inbox), and the phones of those without one
    (an SMS): an owner who lives elsewhere or has never signed in is told all the same."""
    ids = set(RollEntry.objects.filter(roll=roll, voter__isnull=False).values_list("voter_id", flat=True))
    users = accounts.users_of_residents(ids)
    return list(users.values()), regions.phones_of_residents(ids - set(users))


def _tell_owners(roll: Roll, assembly: Assembly, text: str, *, sms: str = "") -> tuple[int, int]:
    """Every owner of the roll, once the transaction commits: the inbox (and SMS, by their own
    settings) of those with an account, an SMS to the registered phone of the others. Returns
    how many of each."""
    owners, phones = _owner_users(roll)
    link = assembly_url(assembly)
    sms = sms or fill(_("%(t)s 详见小区公告栏或邻里平台"), {"t": text})

    def tell() -> None:
        messaging.send(owners, "assemblies.call", text=text, target=assembly, link=link)
        for phone in phones:
            messaging.send_to_phone(phone, "assemblies.call", sms)

    transaction.on_commit(tell, robust=True)  # the action is saved: a failing message must not undo the answer
    return len(owners), len(phones)


@transaction.atomic
def call(*, actor: Any, assembly: Assembly, now: dt.datetime | None = None) -> Assembly:
    """发布召开公告: a must-reach notice to the compound's households and a message to every
    owner on the roll with an account, at least 15 days before voting opens; the residents'
    committee (the community's admins) is told, and that is recorded."""
    now = now or timezone.now()
    assembly = _lock(assembly)
    require(actor, "assemblies.manage", assembly)
    LIFECYCLE.require(assembly.status, Action.CALL)
    if assembly.roll_id is None:
        raise Conflict(Code.NO_ROLL, _("请先编制并公示业主名册"))
    earliest = now + dt.timedelta(days=NOTICE_DAYS)
    if assembly.opens_at < earliest:
        raise DomainError(Code.NOTICE_PERIOD, fill(_("投票开始时间须在公告发布15日之后(最早%(d)s)"),
                                                   {"d": timezone.localtime(earliest).strftime("%Y-%m-%d %H:%M")}),
                          field="opens_at", earliest=earliest.isoformat())
    matters = list(assembly.matters.order_by("no"))
    roll = _roll_of(assembly)
    lines = [fill(_("%(convener)s定于%(opens)s至%(closes)s以书面及网上投票方式召开%(scope)s业主大会，表决以下事项："),
                  {"convener": assembly.convener_name, "scope": roll.scope_name,
                   "opens": timezone.localtime(assembly.opens_at).strftime("%Y-%m-%d %H:%M"),
                   "closes": timezone.localtime(assembly.closes_at).strftime("%Y-%m-%d %H:%M")})]
    lines += [f"{m.no}. {m.title}" for m in matters]
    lines.append(fill(_("业主名册：专有部分总面积%(area)s平方米，业主人数%(heads)s人。网上投票请登录“邻里”，"
                        "也可领取书面表决票或书面委托他人投票。"), {"area": roll.total_area, "heads": roll.total_heads}))
    draft = notices.create_draft(actor=actor, title=fill(_("关于召开%(t)s的公告"), {"t": assembly.title})[:120],
                                 body="\n".join(lines), must_reach=True, compound_id=None if assembly.building_id else assembly.compound_id,
                                 building_id=assembly.building_id, valid_until=timezone.localdate(assembly.closes_at))
    notice = notices.publish(actor=actor, notice=draft)
    LIFECYCLE.apply(assembly, Action.CALL, actor=actor, lock=False)
    assembly.notice_id = notice.pk
    assembly.called_at = now
    assembly.rc_notified_at = now
    assembly.save(update_fields=["status", "notice_id", "called_at", "rc_notified_at", "updated_at"])
    text = fill(_("%(t)s将于%(d)s开始投票，请查看公告并按时表决"), {"t": assembly.title,
                                                     "d": timezone.localtime(assembly.opens_at).strftime("%m-%d %H:%M")})
    link = assembly_url(assembly)
    sms = fill(_("%(t)s将于%(d)s开始投票，公告见小区公告栏；可到社区领取书面表决票，或登录“邻里”网上投票"),
               {"t": assembly.title, "d": timezone.localtime(assembly.opens_at).strftime("%m-%d %H:%M")})
    owners, phones = _tell_owners(roll, assembly, text, sms=sms)
    community = assembly.region_path[:12]
    committee = accounts.holders_by_path([Role.COMMUNITY_ADMIN], [community]).get(community, [])
    transaction.on_commit(lambda: messaging.send(committee, "assemblies.rc", target=assembly, link=link,
                                                 text=fill(_("告知居民委员会：%(t)s已发布召开公告"), {"t": assembly.title})))
    record_audit(actor=actor, action="assembly.notify_committee", target=assembly, region_path=assembly.region_path,
                 changes={"community": community, "told": len(committee), "owners_messaged": owners, "owners_sms": phones})
    return assembly


@transaction.atomic
def open_voting(*, actor: Any, assembly: Assembly, now: dt.datetime | None = None) -> Assembly:
    now = now or timezone.now()
    assembly = _lock(assembly)
    if actor is not None:
        require(actor, "assemblies.manage", assembly)
    LIFECYCLE.require(assembly.status, Action.OPEN)
    if assembly.roll is None or assembly.roll.status != RollStatus.LOCKED:
        raise Conflict(Code.ROLL_NOT_LOCKED, _("业主名册锁定后才能开始投票"))
    if now < assembly.opens_at:
        raise Conflict(Code.NOT_OPEN, fill(_("投票将于%(d)s开始"), {"d": timezone.localtime(assembly.opens_at).strftime("%Y-%m-%d %H:%M")}))
    LIFECYCLE.apply(assembly, Action.OPEN, actor=actor, lock=False)
    assembly.save(update_fields=["status", "updated_at"])
    return assembly


@transaction.atomic
def extend(*, actor: Any, assembly: Assembly, closes_at: dt.datetime, now: dt.datetime | None = None) -> Assembly:
    """One extension when the quorum is not met, with a generated extension notice."""
    from .selectors import turnout

    now = now or timezone.now()
    assembly = _lock(assembly)
    require(actor, "assemblies.manage", assembly)
    LIFECYCLE.require(assembly.status, Action.EXTEND)
    if assembly.original_closes_at is not None:
        raise Conflict(Code.EXTENDED, _("投票期只能延长一次"))
    if turnout(assembly).quorum_met:
        raise Conflict(Code.QUORUM_MET, _("参与表决的人数和面积已达到三分之二，无需延长"))
    if closes_at is None or closes_at <= assembly.closes_at or closes_at - assembly.closes_at > dt.timedelta(days=30):
        raise DomainError("invalid", _("新的截止时间须晚于原截止时间，且最多延长30天"), field="closes_at")
    draft = notices.create_draft(
        actor=actor, title=fill(_("关于延长%(t)s投票期的公告"), {"t": assembly.title})[:120],
        body=fill(_("截至%(now)s，参与表决的业主人数及专有部分面积尚未达到三分之二。投票截止时间由%(old)s延长至%(new)s，"
                    "已投票的业主无需重复投票。"), {"now": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
                                              "old": timezone.localtime(assembly.closes_at).strftime("%Y-%m-%d %H:%M"),
                                              "new": timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M")}),
        must_reach=False, compound_id=None if assembly.building_id else assembly.compound_id, building_id=assembly.building_id)
    notice = notices.publish(actor=actor, notice=draft)
    old = assembly.closes_at
    LIFECYCLE.apply(assembly, Action.EXTEND, actor=actor, lock=False, changes={"closes_at": [old.isoformat(), closes_at.isoformat()]})
    assembly.original_closes_at, assembly.closes_at, assembly.extension_notice_id = old, closes_at, notice.pk
    assembly.save(update_fields=["status", "original_closes_at", "closes_at", "extension_notice_id", "updated_at"])
    _tell_owners(_roll_of(assembly), assembly,
                 fill(_("%(t)s投票期延长至%(d)s"), {"t": assembly.title, "d": timezone.localtime(closes_at).strftime("%m-%d %H:%M")}))
    return assembly


@transaction.atomic
def close(*, actor: Any, assembly: Assembly, now: dt.datetime | None = None) -> Assembly:
    now = now or timezone.now()
    assembly = _lock(assembly)
    if actor is not None:
        require(actor, "assemblies.manage", assembly)
    LIFECYCLE.require(assembly.status, Action.CLOSE)
    if now < assembly.closes_at:
        raise Conflict(Code.NOT_OPEN, fill(_("投票至%(d)s截止，截止后才能结束"), {"d": timezone.localtime(assembly.closes_at).strftime("%Y-%m-%d %H:%M")}))
    LIFECYCLE.apply(assembly, Action.CLOSE, actor=actor, lock=False)
    assembly.closed_at = now
    assembly.result_due_on = calendar.add_working_days(timezone.localdate(now), RESULT_DAYS)
    assembly.save(update_fields=["status", "closed_at", "result_due_on", "updated_at"])
    return assembly


@transaction.atomic
def cancel(*, actor: Any, assembly: Assembly, reason: str) -> Assembly:
    assembly = _lock(assembly)
    require(actor, "assemblies.manage", assembly)
    reason = _reason(reason)
    LIFECYCLE.apply(assembly, Action.CANCEL, actor=actor, lock=False, note=reason)
    assembly.cancel_reason = reason[:300]
    assembly.save(update_fields=["status", "cancel_reason", "updated_at"])
    return assembly


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Periodic: open called assemblies whose time has come (on a locked roll) and close those
    past their deadline; each row re-checked under its lock, so running twice changes nothing."""
    now = now or timezone.now()
    out = {"opened": 0, "closed": 0}
    for pk in Assembly.objects.filter(status=Status.CALLED, opens_at__lte=now, roll__status=RollStatus.LOCKED).values_list("pk", flat=True):
        try:
            open_voting(actor=None, assembly=Assembly(pk=pk), now=now)
            out["opened"] += 1
        except DomainError:
            pass
    for pk in Assembly.objects.filter(status=Status.VOTING, closes_at__lte=now).values_list("pk", flat=True):
        try:
            close(actor=None, assembly=Assembly(pk=pk), now=now)
            out["closed"] += 1
        except DomainError:
            pass
    return out


# ---------------------------------------------------------------- ballots

def _matter_ids(assembly: Assembly) -> dict[int, int]:
    """``{matter no: matter id}`` of the assembly, one light query."""
    return dict(Matter.objects.filter(assembly_id=assembly.pk).values_list("no", "pk"))


def _choices(assembly: Assembly, choices: Mapping[Any, Any], *, complete: bool,
             matters: Mapping[int, int] | None = None) -> dict[int, str]:
    matters = _matter_ids(assembly) if matters is None else matters
    out: dict[int, str] = {}
    for key, value in (choices or {}).items():
        try:
            no = int(key)
        except (TypeError, ValueError):
            raise DomainError("invalid", _("表决事项编号无效"), field="choices") from None
        if no not in matters:
            raise DomainError("invalid", fill(_("没有第%(n)s项表决事项"), {"n": no}), field="choices")
        if value in ("", None):
            continue
        if value not in Choice.values:
            raise DomainError("invalid", _("表决意见只能是同意、反对或弃权"), field=f"choices.{no}")
        out[no] = str(value)
    if complete and set(out) != set(matters):
        missing = sorted(set(matters) - set(out))
        raise DomainError(Code.INCOMPLETE, fill(_("请对每项事项表明意见(第%(list)s项未选)"), {"list": "、".join(map(str, missing))}),
                          field="choices", missing=missing)
    if not out:
        raise DomainError(Code.INCOMPLETE, _("表决票上没有任何表决意见"), field="choices")
    return out


def _window(assembly: Assembly, now: dt.datetime) -> None:
    if assembly.status != Status.VOTING or not assembly.opens_at <= now < assembly.closes_at:
        raise Conflict(Code.NOT_OPEN, _("当前不在投票时间内"))


def _standing_proxy(assembly: Assembly, entry: RollEntry) -> Proxy | None:
    return Proxy.objects.filter(assembly=assembly, principal=entry, revoked_at__isnull=True).first()


def votable_entries(actor: Any, assembly: Assembly) -> list[tuple[RollEntry, Proxy | None]]:
    """The heads the actor may vote for: his own (unless delegated) and his principals'."""
    rid = getattr(actor, "resident_id", None) if getattr(actor, "is_authenticated", False) else None
    if not rid or assembly.roll_id is None:
        return []
    out: list[tuple[RollEntry, Proxy | None]] = [(e, None) for e in RollEntry.objects.filter(roll_id=assembly.roll_id, voter_id=rid)]
    out += [(p.principal, p) for p in Proxy.objects.filter(assembly=assembly, holder_id=rid, revoked_at__isnull=True)
            .select_related("principal")]
    return out


def _write_ballot(*, assembly: Assembly, entry: RollEntry, channel: str, cast_by: Any, choices: dict[int, str],
                  now: dt.datetime, matters: Mapping[int, int] | None = None) -> tuple[Ballot, str]:
    """The one write of a ballot, inside the caller's transaction: the head's row is locked, so
    concurrent phones, a paper entry and a proxy are taken one after the other; the partial
    unique index is the last guard."""
    voting.lock_voter(RollEntry, entry.pk)
    existing = Ballot.objects.filter(assembly_id=assembly.pk, entry_id=entry.pk, void=False).values_list("pk", "channel").first()
    if existing is not None:
        if not assembly.allow_change or existing[1] == Channel.PAPER or channel == Channel.PAPER:
            raise Conflict(Code.ALREADY_VOTED, _("该房屋(业主)已投票，每户只能有一张有效选票"), head=entry.label)
        Ballot.objects.filter(pk=existing[0]).update(void=True)
    code = voting.new_receipt()
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(assembly=assembly, entry=entry, channel=channel, cast_at=now,
                                           cast_by=cast_by if getattr(cast_by, "pk", None) else None,
                                           receipt_hash=voting.receipt_hash(code))
    except IntegrityError:
        raise Conflict(Code.ALREADY_VOTED, _("该房屋(业主)已投票，每户只能有一张有效选票"), head=entry.label) from None
    matters = _matter_ids(assembly) if matters is None else matters
    BallotChoice.objects.bulk_create([BallotChoice(ballot=ballot, matter_id=matters[no], choice=c) for no, c in sorted(choices.items())])
    record_audit(actor=cast_by, action="assembly.ballot", target=assembly, region_path=assembly.region_path,
                 changes={"head": entry.label, "channel": channel, "replaces": existing[0] if existing else None})
    return ballot, code


def send_vote_code(*, actor: Any, assembly: Assembly, client_ip: str | None = None) -> None:
    """The fresh SMS code that confirms a ballot, sent to the voter's own phone."""
    require(actor, "assemblies.vote", assembly)
    account_services.send_vote_code(actor, client_ip=client_ip, no_phone=_("您的账号没有登记手机号，请到社区用书面表决票投票"))


def cast(*, actor: Any, assembly: Assembly, choices: Mapping[Any, Any], code: str, entry_id: int | None = None,
         now: dt.datetime | None = None) -> tuple[Ballot, str]:
    """网上投票: a signed-in owner (or proxy holder) casts one ballot for a head, confirmed by a
    fresh SMS code; returns the ballot and its receipt code (shown once)."""
    now_given = now is not None
    now = now or timezone.now()
    require(actor, "assemblies.vote", assembly)
    _window(assembly, now)
    options = votable_entries(actor, assembly)
    if entry_id is not None:
        options = [o for o in options if o[0].pk == int(entry_id)]
    if not options:
        raise PermissionDenied(Code.NOT_ON_ROLL, _("您不在该业主大会的名册上，或未被指定为投票人"))
    if len(options) > 1:
        raise DomainError("invalid", _("您可为多个房屋投票，请选择为哪一户投票"), field="entry_id",
                          heads=[e.pk for e, _p in options])
    entry, proxy = options[0]
    matters = _matter_ids(assembly)
    clean = _choices(assembly, choices, complete=True, matters=matters)
    account_services.check_vote_code(actor, code)  # used up even if the vote is refused
    with transaction.atomic():
        _lock_for_ballot(assembly)
        if not now_given:
            now = timezone.now()  # the lock may have waited for a close
        _window(assembly, now)
        # the head still votes through this actor (a unit sold meanwhile moves its head to the buyer)
        voter = RollEntry.objects.filter(pk=entry.pk).values_list("voter_id", flat=True).first()
        if proxy is None and voter != getattr(actor, "resident_id", None):
            raise PermissionDenied(Code.NOT_ON_ROLL, _("您不在该业主大会的名册上，或未被指定为投票人"))
        # the delegations as they stand under the lock: none of the head's own (unless it is the
        # one the holder votes by), and the holder's still there
        standing = set(Proxy.objects.filter(assembly_id=assembly.pk, revoked_at__isnull=True)
                       .filter(Q(principal_id=entry.pk) | Q(pk=proxy.pk if proxy else 0)).values_list("pk", flat=True))
        if proxy is None and standing:
            raise Conflict(Code.DELEGATED, _("您已委托他人投票，委托有效期间不能自行投票"))
        if proxy is not None and proxy.pk not in standing:
            raise Conflict(Code.DELEGATED, _("该委托已撤销"))
        ballot, receipt = _write_ballot(assembly=assembly, entry=entry, channel=Channel.PROXY if proxy else Channel.ONLINE,
                                        cast_by=actor, choices=clean, now=now, matters=matters)
        text = fill(_("您已为%(t)s投票，回执码 %(r)s，可在结果公布后核对"), {"t": assembly.title, "r": receipt})
        transaction.on_commit(lambda: messaging.send([actor], "assemblies.vote", text=text, target=assembly, link=assembly_url(assembly)))
    return ballot, receipt


def _lock_for_ballot(assembly: Assembly) -> Assembly:
    """A share lock on the assembly row (PostgreSQL ``FOR SHARE``): ballots run side by side, but
    a close (``FOR UPDATE``) waits for those under way and every later ballot sees it closed. The
    fields a ballot depends on are read again under the lock, into the same instance (one
    statement)."""
    fields = ("status", "opens_at", "closes_at", "allow_change")
    row = voting.share_lock(Assembly, assembly.pk, fields)
    if row is None:
        raise NotFound("not_found", _("业主大会不存在或不在您的管辖范围内"))
    for f, value in zip(fields, row, strict=True):
        setattr(assembly, f, value)
    return assembly


def log_document_view(*, actor: Any, assembly: Assembly, target: Any, field: str, label: str, reason: str) -> None:
    """A staff member opened a proxy's authorisation or a paper ballot's scan: it bears an
    owner's name and signature, so the view goes to the sensitive-access log."""
    require(actor, "assemblies.follow", assembly)
    record_sensitive_access(actor=actor, kind=SensitiveAccess.Kind.REVEAL, target=target, fields=[field], reason=reason,
                            region_path=assembly.region_path, label=label)


# ---------------------------------------------------------------- proxies

@transaction.atomic
def record_proxy(*, actor: Any, assembly: Assembly, principal: RollEntry, holder_id: int, document_name: str,
                 document: bytes) -> Proxy:
    """书面委托: staff record a written authorisation (uploaded). A holder represents at most
    ``max_principals`` heads; a head that voted cannot delegate."""
    assembly = _lock(assembly)
    require(actor, "assemblies.manage", assembly)
    if assembly.status not in (Status.DRAFT, Status.CALLED, Status.VOTING):
        raise Conflict("illegal_transition", _("投票已结束，不能再登记委托"))
    if principal.roll_id != assembly.roll_id:
        raise NotFound("not_found", _("该业主不在本次名册上"))
    holder = regions.resident_by_pk(holder_id)
    if holder is None:
        raise DomainError("invalid", _("受托人须是登记的居民"), field="holder_id")
    if principal.voter_id == holder.pk:
        raise DomainError("invalid", _("不能委托给自己"), field="holder_id")
    if Ballot.objects.filter(assembly=assembly, entry=principal, void=False).exists():
        raise Conflict(Code.ALREADY_VOTED, _("该业主已投票，不能再委托"))
    if _standing_proxy(assembly, principal) is not None:
        raise Conflict(Code.PROXY_EXISTS, _("该业主已有有效委托，请先撤销"))
    held = Proxy.objects.filter(assembly=assembly, holder=holder, revoked_at__isnull=True).count()
    if held >= assembly.max_principals:
        raise Conflict(Code.PROXY_LIMIT, fill(_("每名受托人最多代理%(n)s户"), {"n": assembly.max_principals}))
    name, data = named_document(document_name, document, field="document")
    from django.core.files.base import ContentFile

    proxy = Proxy(assembly=assembly, principal=principal, holder=holder, recorded_by=actor)
    proxy.document.save(name, ContentFile(data), save=False)
    proxy.save()
    record_audit(actor=actor, action="assembly.proxy", target=assembly, region_path=assembly.region_path,
                 changes={"principal": principal.label, "holder": holder.pk})
    return proxy


@transaction.atomic
def revoke_proxy(*, actor: Any, proxy: Proxy, now: dt.datetime | None = None) -> Proxy:
    """The principal (or staff for him) revokes a delegation until voting opens. The assembly's
    row is locked first, so opening the vote waits for the revocation (or the revocation sees it
    open), as a proxy's recording does."""
    assembly = _lock(Assembly(pk=proxy.assembly_id))
    proxy = Proxy.objects.select_for_update().select_related("principal").get(pk=proxy.pk)
    own = getattr(actor, "resident_id", None) and actor.resident_id == proxy.principal.voter_id
    if not own:
        require(actor, "assemblies.manage", assembly)
    if proxy.revoked_at is not None:
        raise Conflict("illegal_transition", _("该委托已撤销"))
    if assembly.status not in (Status.DRAFT, Status.CALLED):
        raise Conflict(Code.PROXY_LOCKED, _("投票开始后不能撤销委托"))
    proxy.revoked_at = now or timezone.now()
    proxy.save(update_fields=["revoked_at"])
    record_audit(actor=actor, action="assembly.proxy_revoke", target=assembly, region_path=assembly.region_path,
                 changes={"principal": proxy.principal.label})
    return proxy


# ---------------------------------------------------------------- paper ballots

@transaction.atomic
def issue_slips(*, actor: Any, assembly: Assembly) -> int:
    """One printed ballot per head, each with its unique code; returns how many were added."""
    assembly = _lock(assembly)
    require(actor, "assemblies.manage", assembly)
    if assembly.roll_id is None:
        raise Conflict(Code.NO_ROLL, _("请先编制业主名册"))
    if assembly.status not in (Status.CALLED, Status.VOTING):
        raise Conflict("illegal_transition", _("公告召开后才能制作书面表决票"))
    have = set(PaperSlip.objects.filter(assembly=assembly).values_list("entry_id", flat=True))
    rows = [PaperSlip(assembly=assembly, entry_id=pk, code=voting.new_slip_code())
            for pk in RollEntry.objects.filter(roll_id=assembly.roll_id).values_list("pk", flat=True) if pk not in have]
    PaperSlip.objects.bulk_create(rows, batch_size=2000)
    record_audit(actor=actor, action="assembly.slips", target=assembly, region_path=assembly.region_path, changes={"added": len(rows)})
    return len(rows)


def _slip(assembly: Assembly, code: str) -> PaperSlip:
    slip = PaperSlip.objects.select_for_update().filter(assembly=assembly, code=voting.normalise_slip(code)).first()
    if slip is None:
        raise NotFound("not_found", _("没有这张表决票，请核对编码"))
    return slip


@transaction.atomic
def enter_paper(*, actor: Any, assembly: Assembly, code: str, choices: Mapping[Any, Any], scan: tuple[str, bytes] | None = None,
                now: dt.datetime | None = None) -> PaperSlip:
    """One clerk's entry of a paper ballot. The first and second entries are made by different
    clerks independently; when they agree the ballot counts, when they differ the slip is
    blocked until a third person decides (:func:`decide_paper`)."""
    now = now or timezone.now()
    require(actor, "assemblies.clerk", assembly)
    assembly = Assembly.objects.get(pk=assembly.pk)
    if assembly.status not in (Status.VOTING, Status.CLOSED):
        raise Conflict(Code.NOT_OPEN, _("只有投票期间或投票结束后、结果公示前可以录入书面表决票"))
    clean = _choices(assembly, choices, complete=False)
    slip = _slip(assembly, code)
    entries = list(slip.entries.all())
    stored = {str(k): v for k, v in clean.items()}
    step = voting.paper_step(clerk=actor.pk, clerks=[e.clerk_id for e in entries], first=entries[0].choices if entries else None,
                             entered=stored, mismatch=slip.status == "mismatch", done=slip.status == "counted")
    if scan is not None:
        from django.core.files.base import ContentFile

        name, data = named_document(scan[0], scan[1], field="scan")
        slip.scan.save(name, ContentFile(data), save=False)
    PaperEntry.objects.create(slip=slip, round=len(entries) + 1, clerk=actor, choices=stored)
    record_audit(actor=actor, action="assembly.paper_entry", target=assembly, region_path=assembly.region_path,
                 changes={"slip": slip.code, "round": len(entries) + 1})
    if step == voting.PaperStep.COUNT:
        _count_slip(assembly, slip, clean, actor, now)
    elif step == voting.PaperStep.MISMATCH:
        slip.status = "mismatch"
    slip.save()
    return slip


def _count_slip(assembly: Assembly, slip: PaperSlip, choices: dict[int, str], actor: Any, now: dt.datetime) -> None:
    """Count an agreed slip; a head that already has an effective ballot (it voted online or by
    proxy first) or a standing delegation keeps it, and the slip is set aside as not counted."""
    if _standing_proxy(assembly, slip.entry) is not None:
        slip.status = "void"
        return
    try:
        with transaction.atomic():
            _write_ballot(assembly=assembly, entry=slip.entry, channel=Channel.PAPER, cast_by=actor, choices=choices, now=now)
    except Conflict as exc:
        if exc.code != Code.ALREADY_VOTED:
            raise
        slip.status = "void"
        return
    slip.status = "counted"


@transaction.atomic
def decide_paper(*, actor: Any, assembly: Assembly, code: str, choices: Mapping[Any, Any], now: dt.datetime | None = None) -> PaperSlip:
    """A third person (an organiser who entered neither) decides a slip whose entries differ,
    from the scanned ballot."""
    now = now or timezone.now()
    require(actor, "assemblies.manage", assembly)
    assembly = Assembly.objects.get(pk=assembly.pk)
    clean = _choices(assembly, choices, complete=False)
    slip = _slip(assembly, code)
    voting.check_decider(decider=actor.pk, clerks=slip.entries.values_list("clerk_id", flat=True), mismatch=slip.status == "mismatch")
    PaperEntry.objects.create(slip=slip, round=3, clerk=actor, choices={str(k): v for k, v in clean.items()})
    record_audit(actor=actor, action="assembly.paper_decide", target=assembly, region_path=assembly.region_path,
                 changes={"slip": slip.code})
    _count_slip(assembly, slip, clean, actor, now)
    slip.save()
    return slip


# ---------------------------------------------------------------- results, board, announcement

COURT_PERIOD = _("业主认为业主大会的决定侵害其合法权益的，可以自知道或者应当知道该决定作出之日起一年内请求人民法院撤销"
                 "(《民法典》第二百八十条；自决定作出之日起五年内未行使的，撤销权消灭)。")


def _percent(value: Any) -> str:
    from fractions import Fraction

    return f"{float(Fraction(value)) * 100:.2f}%"


def _result_lines(assembly: Assembly, roll: Roll, matters: list[Matter], results: dict[int, tally.MatterResult]) -> list[str]:
    lines = [fill(_("业主名册：专有部分总面积%(area)s平方米，业主人数%(heads)s人。"), {"area": roll.total_area, "heads": roll.total_heads})]
    for m in matters:
        r = results[m.no]
        rule = _("同意须占参与表决专有部分面积和人数均不低于四分之三") if r.rule == tally.Rule.SPECIAL else \
            _("同意须占参与表决专有部分面积和人数均过半数")
        lines.append(fill(_("第%(no)s项 %(title)s(民法典第二百七十八条第一款第%(item)s项；%(rule)s)："
                            "参与表决%(ph)s人、%(pa)s平方米(占总人数%(phs)s、总面积%(pas)s，%(quorum)s)；"
                            "同意%(ah)s人、%(aa)s平方米(占参与表决人数%(ahs)s、面积%(aas)s)，反对%(oh)s人、%(oa)s平方米，"
                            "弃权%(bh)s人、%(ba)s平方米。结果：%(passed)s。"), {
            "no": m.no, "title": m.title, "item": m.item, "rule": rule, "ph": r.participating_heads, "pa": r.participating_area,
            "phs": _percent(r.participation_heads_share), "pas": _percent(r.participation_area_share),
            "quorum": _("达到三分之二") if r.quorum_met else _("未达到三分之二"), "ah": r.agree_heads, "aa": r.agree_area,
            "ahs": _percent(r.agree_heads_share), "aas": _percent(r.agree_area_share), "oh": r.oppose_heads, "oa": r.oppose_area,
            "bh": r.abstain_heads, "ba": r.abstain_area, "passed": _("通过") if r.passed else _("未通过")}))
    return lines


def _board_entries(assembly: Assembly) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The board: one entry per effective ballot, heads under random pseudonyms, in board order
    (by receipt hash for a secret ballot, by first unit for a named one), chained. Read as plain
    rows (three queries), not model objects: a compound of 10,000 units has ~25,000 of them."""
    ballots = list(Ballot.objects.filter(assembly=assembly, void=False).order_by("pk")
                   .values_list("pk", "entry_id", "entry__area", "receipt_hash"))
    numbers = dict(assembly.matters.values_list("pk", "no"))
    choices: dict[int, dict[int, str]] = {}
    for ballot_id, matter_id, choice in BallotChoice.objects.filter(ballot__assembly=assembly, ballot__void=False).values_list(
            "ballot_id", "matter_id", "choice"):
        choices.setdefault(ballot_id, {})[numbers[matter_id]] = choice
    units: dict[int, list[str]] = {}
    if assembly.named:
        voted = {b[1] for b in ballots}
        for entry_id, label in RollUnit.objects.filter(roll_id=assembly.roll_id or 0).values_list("entry_id", "label"):
            if entry_id in voted:
                units.setdefault(entry_id, []).append(label)
    ids = board.pseudonyms(str(b[1]) for b in ballots)
    raw = []
    receipts = {}
    for ballot_id, entry_id, area, receipt in ballots:
        head = ids[str(entry_id)]
        if assembly.named:
            e = board.make_entry(head=head, area=area, choices=choices[ballot_id], units=sorted(units.get(entry_id, [])))
        else:
            e = board.make_entry(head=head, area=area, choices=choices[ballot_id], receipt_digest=receipt)
        receipts[head] = receipt
        raw.append(e)
    return board.chain(board.board_order(raw)), receipts


@transaction.atomic
def publish_result(*, actor: Any, assembly: Assembly, now: dt.datetime | None = None) -> Assembly:
    """After closing: the tally of every matter (exact fractions), the ballot board chained by
    hashes, the downloadable record (refused unless it verifies), and the preliminary result
    disclosed for objections. Slips whose two entries differ stop it until decided."""
    import json

    from django.core.files.base import ContentFile

    from .selectors import slip_counts

    now = now or timezone.now()
    assembly = _lock(assembly)
    require(actor, "assemblies.manage", assembly)
    LIFECYCLE.require(assembly.status, Action.PUBLISH_RESULT)
    blocked = slip_counts(assembly).blocked_slips
    if blocked:
        raise Conflict(Code.BLOCKED_SLIPS, fill(_("还有%(n)s张书面表决票两次录入不一致，须裁定后才能计票"), {"n": blocked}), slips=blocked)
    roll = _roll_of(assembly)
    matters = list(assembly.matters.order_by("no"))
    entries, receipts = _board_entries(assembly)
    totals = {"area": board.format_area(roll.total_area), "heads": roll.total_heads}
    matter_rows = [{"no": m.no, "item": m.item, "title": m.title} for m in matters]
    results = board.tally_entries(entries, roll_totals=totals, matters=matter_rows)
    record = board.build_record(
        assembly={"id": str(assembly.pk), "title": assembly.title, "ballot": "named" if assembly.named else "secret",
                  "compound": roll.scope_name, "convener": assembly.convener_name,
                  "opened_at": assembly.opens_at.isoformat(), "closed_at": (assembly.closed_at or now).isoformat()},
        roll_totals=totals, matters=matter_rows, entries=entries, results=results)
    BoardEntry.objects.bulk_create([BoardEntry(assembly=assembly, seq=e["seq"], data=e, hash=e["hash"],
                                               receipt_hash=receipts[e["head"]]) for e in entries], batch_size=2000)
    for m in matters:
        m.result = board.result_entry(m.no, results[m.no])
    Matter.objects.bulk_update(matters, ["result"])
    assembly.board_head, assembly.record_hash = record["head_hash"], record["record_hash"]
    assembly.record.save(f"assembly-{assembly.pk}.json", ContentFile(json.dumps(record, ensure_ascii=False, indent=1).encode()),
                         save=False)
    lines = _result_lines(assembly, roll, matters, results)
    lines.append(fill(_("表决公示板末项摘要 %(h)s，表决记录摘要 %(r)s：业主可凭回执码在表决公示板核对本人选票，"
                        "并可下载表决记录用核验程序重新计票。"), {"h": record["head_hash"], "r": record["record_hash"]}))
    node = regions.node_by_code_or_path(assembly.region_path[:12])
    d = disclosures.publish(actor=actor, kind="assemblies.result", region=node, title=fill(_("%(t)s表决结果公示"), {"t": assembly.title})[:120],
                            content="\n".join(lines), source=assembly, source_label=assembly.title, source_url=assembly_url(assembly), now=now)
    LIFECYCLE.apply(assembly, Action.PUBLISH_RESULT, actor=actor, lock=False,
                    changes={"ballots": len(entries), "passed": [m.no for m in matters if results[m.no].passed]})
    assembly.result_disclosure_id = d.pk
    assembly.save()
    _tell_owners(roll, assembly, fill(_("%(t)s表决结果已公示，可凭回执码核对本人选票"), {"t": assembly.title}))
    return assembly


@transaction.atomic
def announce(*, actor: Any, assembly: Assembly, now: dt.datetime | None = None) -> Assembly:
    """决定公告, once the result's disclosure period is over and every objection answered: per
    matter participation and 同意 by heads and area against the rule, passed or not, the one-year
    period to ask a court to revoke, and the board's and the record's hashes."""
    now = now or timezone.now()
    assembly = _lock(assembly)
    require(actor, "assemblies.manage", assembly)
    LIFECYCLE.require(assembly.status, Action.ANNOUNCE)
    state = disclosure_selectors.period_state(assembly.result_disclosure_id) if assembly.result_disclosure_id else None
    if state is not None and not state["ended"]:
        raise Conflict("illegal_transition", fill(_("结果公示期至%(d)s结束，结束后才能公告决定"), {"d": state["ends_on"]}))
    if state is not None and state["open_objections"]:
        raise Conflict("illegal_transition", fill(_("还有%(n)s条结果异议未答复"), {"n": state["open_objections"]}))
    roll = _roll_of(assembly)
    matters = list(assembly.matters.order_by("no"))
    passed = [m for m in matters if (m.result or {}).get("passed")]
    lines = [fill(_("%(c)s于%(o)s至%(e)s召开%(s)s业主大会。根据表决结果，业主大会作出如下决定："),
                  {"c": assembly.convener_name, "s": roll.scope_name,
                   "o": timezone.localtime(assembly.opens_at).strftime("%Y-%m-%d"),
                   "e": timezone.localtime(assembly.closes_at).strftime("%Y-%m-%d")})]
    for m in matters:
        r = m.result or {}
        lines.append(fill(_("第%(no)s项 %(t)s：%(p)s(参与表决%(ph)s人、%(pa)s平方米；同意%(ah)s人、%(aa)s平方米)"), {
            "no": m.no, "t": m.title, "p": _("通过") if r.get("passed") else _("未通过"), "ph": r.get("participating_heads"),
            "pa": r.get("participating_area"), "ah": r.get("agree_heads"), "aa": r.get("agree_area")}))
    lines.append(str(COURT_PERIOD))
    lines.append(fill(_("表决公示板末项摘要 %(h)s；表决记录摘要 %(r)s。"), {"h": assembly.board_head, "r": assembly.record_hash}))
    node = regions.node_by_code_or_path(assembly.region_path[:12])
    d = disclosures.publish(actor=actor, kind="assemblies.decision", region=node, title=fill(_("%(t)s决定公告"), {"t": assembly.title})[:120],
                            content="\n".join(lines), source=assembly, source_label=assembly.title, source_url=assembly_url(assembly), now=now)
    LIFECYCLE.apply(assembly, Action.ANNOUNCE, actor=actor, lock=False, changes={"passed": [m.no for m in passed]})
    assembly.decision_disclosure_id, assembly.announced_at = d.pk, now
    assembly.save(update_fields=["status", "decision_disclosure_id", "announced_at", "updated_at"])
    _tell_owners(roll, assembly, fill(_("%(t)s决定公告已发布"), {"t": assembly.title}))
    return assembly


# ---------------------------------------------------------------- the supervision clock

def result_running() -> Any:
    return Assembly.objects.filter(status=Status.CLOSED, result_due_on__isnull=False)


def _organisers(paths: set[str]) -> dict[str, list[Any]]:
    return accounts.holders_by_path((Role.COMMUNITY_ADMIN, Role.STREET_ADMIN), paths)


def clock_told(items: list[Assembly], level: int) -> dict[int, list[Any]]:
    """Who the clock tells of a result not yet published: the organisers (the community's and the
    street's admins) on the day it is due; past it, the street's admins (街道督办)."""
    if level == 0:
        office = _organisers({a.region_path[:12] for a in items} | {a.region_path[:9] for a in items})
        return {a.pk: office.get(a.region_path[:12], []) + office.get(a.region_path[:9], []) for a in items}
    office = accounts.holders_by_path((Role.STREET_ADMIN,), {supervision.office_path(a.region_path, level) for a in items})
    return {a.pk: office.get(supervision.office_path(a.region_path, level), []) for a in items}


def clock_notify(pairs: list[tuple[Assembly, list[Any]]], *, kind: str, level: int, actor: Any = None, note: str = "") -> None:
    def text(a: Assembly) -> str:
        if kind == "urge":
            who = getattr(actor, "display_name", "") or getattr(actor, "username", "")
            return fill(_("%(who)s督办业主大会表决结果公布：%(t)s"), {"who": who, "t": note})
        if kind == "warn":
            return fill(_("%(t)s的表决结果须于%(d)s前公布"), {"t": a.title, "d": a.result_due_on})
        return fill(_("%(t)s的表决结果已超过公布期限，%(l)s"), {"t": a.title, "l": supervision.level_name(level)})

    messaging.send_many("assemblies.supervision", [(u, message, a, assembly_url(a))
                                                   for a, users in pairs if users for message in [text(a)] for u in users])


def clock_handlers(a: Assembly) -> list[Any]:
    office = _organisers({a.region_path[:12], a.region_path[:9]})
    return office.get(a.region_path[:12], []) + office.get(a.region_path[:9], [])


# ---------------------------------------------------------------- a unit sold during the vote

@transaction.atomic
def transfer_unit(*, actor: Any, assembly: Assembly, unit: RollUnit, buyer_id: int, reason: str) -> RollEntry:
    """A unit sold after the roll was frozen (recorded by staff from the transfer registration):
    a ballot its head already cast stands; otherwise the buyer votes for it. The unit of a
    one-unit head changes hands with the head; a unit sold out of a several-unit head becomes
    the buyer's own head (the roll's totals follow, and the change is logged)."""
    assembly = _lock(assembly)
    require(actor, "assemblies.manage", assembly)
    if assembly.status not in (Status.CALLED, Status.VOTING):
        raise Conflict("illegal_transition", _("只有公告召开后至投票结束前需要登记转让；筹备阶段请直接更正房屋档案后重新编制名册"))
    reason = _reason(reason)
    roll = _lock_roll(_roll_of(assembly))
    unit = RollUnit.objects.select_for_update().select_related("entry").get(pk=unit.pk, roll=roll)
    entry = RollEntry.objects.select_for_update().get(pk=unit.entry_id)
    if Ballot.objects.filter(assembly=assembly, entry=entry, void=False).exists():
        raise Conflict(Code.ALREADY_VOTED, _("该专有部分的业主已投票，已投选票有效，买受人不再投票"))
    buyer = regions.resident_by_pk(buyer_id)
    if buyer is None:
        raise DomainError("invalid", _("买受人须是登记的居民"), field="buyer_id")
    before = entry.name
    owner = [{"name": buyer.name, "resident_id": buyer.pk, "key": f"buyer:{buyer.pk}"}]
    if entry.units == 1:
        entry.kind, entry.name, entry.owners, entry.voter_id = HeadKind.PERSON, buyer.name[:200], owner, buyer.pk
        entry.owner_key = f"owner:buyer:{buyer.pk}:{unit.pk}"[:200]
        entry.save(update_fields=["kind", "name", "owners", "voter", "owner_key"])
        # the seller's delegation of this head ends with his ownership
        Proxy.objects.filter(assembly=assembly, principal=entry, revoked_at__isnull=True).update(revoked_at=timezone.now())
        target = entry
    else:
        seq = (RollEntry.objects.filter(roll=roll).order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
        target = RollEntry.objects.create(roll=roll, seq=seq, kind=HeadKind.PERSON, owner_key=f"owner:buyer:{buyer.pk}:{unit.pk}"[:200],
                                          name=buyer.name[:200], owners=owner, voter_id=buyer.pk, area=unit.area, units=1)
        unit.entry = target
        unit.save(update_fields=["entry"])
        entry.area -= unit.area
        entry.units -= 1
        entry.save(update_fields=["area", "units"])
        _retotal(roll)
    RollCorrection.objects.create(roll=roll, unit=unit, field="owner", before=before, after=buyer.name[:200], reason=reason,
                                  by=actor if getattr(actor, "pk", None) else None)
    record_audit(actor=actor, action="assembly_roll.transfer", target=roll, region_path=roll.region_path,
                 changes={"unit": unit.label, "head": target.label, "split": target.pk != entry.pk, "reason": reason[:200]})
    return target
