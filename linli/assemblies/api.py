"""Owners' assembly endpoints. Thin: parse, call a selector or service, return a schema."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.core.errors import DomainError
from linli.core.pagination import PageNumberPagination
from linli.core.schemas import ApiRequest, ErrorOut

from . import selectors, services
from .models import Assembly
from .schemas import (
    AssemblyDetail,
    AssemblyIn,
    AssemblyRow,
    BallotIn,
    DesignateIn,
    ExtendIn,
    MatterOut,
    MyHeadOut,
    PaperIn,
    ProxyOut,
    PublicUnitOut,
    ReasonIn,
    ReceiptOut,
    RollEntryOut,
    RollOut,
    SlipOut,
    TransferIn,
    TurnoutOut,
    UnitCorrectIn,
)

router = Router(tags=["assemblies 业主大会"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def detail(request: ApiRequest, a: Assembly) -> AssemblyDetail:
    out = AssemblyDetail.from_orm(a)
    out.roll = RollOut.from_orm(a.roll) if a.roll_id else None
    out.matters = [MatterOut.from_orm(m) for m in selectors.matters(a)]
    out.actions = selectors.available_actions(request.auth, a)
    return out


def _get(request: ApiRequest, assembly_id: int) -> Assembly:
    return selectors.assembly_for(request.auth, assembly_id)


@router.get("", response={200: list[AssemblyRow], **READ_ERRORS}, summary="业主大会列表(工作人员按管辖范围，业主为本人名册所在)")
@paginate(PageNumberPagination)
def list_assemblies(request: ApiRequest, status: str = ""):  # type: ignore[no-untyped-def]
    return selectors.assemblies_for(request.auth, status=status[:12])


@router.post("", response={201: AssemblyDetail, **ERRORS}, summary="筹备业主大会(草稿，含表决事项)")
def create(request: ApiRequest, payload: AssemblyIn):  # type: ignore[no-untyped-def]
    a = services.create_assembly(actor=request.auth, compound_id=payload.compound_id, building_id=payload.building_id,
                                 title=payload.title, convener=payload.convener, convener_name=payload.convener_name,
                                 opens_at=payload.opens_at, closes_at=payload.closes_at, named=payload.named,
                                 allow_change=payload.allow_change, max_principals=payload.max_principals,
                                 matters=[m.dict() for m in payload.matters])
    return Status(201, detail(request, a))


@router.get("/{assembly_id}", response={200: AssemblyDetail, **READ_ERRORS}, summary="业主大会详情、事项与可执行操作")
def get_assembly(request: ApiRequest, assembly_id: int):  # type: ignore[no-untyped-def]
    return detail(request, _get(request, assembly_id))


# ---------------------------------------------------------------- roll

@router.post("/{assembly_id}/roll", response={200: AssemblyDetail, **ERRORS}, summary="从房屋档案编制业主名册并公示")
def freeze_roll(request: ApiRequest, assembly_id: int):  # type: ignore[no-untyped-def]
    services.freeze_roll(actor=request.auth, assembly=_get(request, assembly_id))
    return detail(request, _get(request, assembly_id))


@router.get("/{assembly_id}/roll/entries", response={200: list[RollEntryOut], **READ_ERRORS}, summary="名册计票主体(工作人员)")
@paginate(PageNumberPagination)
def roll_entries(request: ApiRequest, assembly_id: int):  # type: ignore[no-untyped-def]
    a = _get(request, assembly_id)
    return [RollEntryOut(id=e.pk, label=e.label, kind=e.kind, name=e.name, area=e.area, voter_id=e.voter_id,
                         units=[u.label for u in e.roll_units.all()]) for e in selectors.roll_entries(request.auth, a)]


@router.get("/{assembly_id}/roll/public", response={200: list[PublicUnitOut], **READ_ERRORS},
            summary="公示名册(只列房号与面积；本社区居民、名册业主与工作人员可见)")
@paginate(PageNumberPagination)
def public_roll(request: ApiRequest, assembly_id: int):  # type: ignore[no-untyped-def]
    return selectors.public_units(selectors.public_assembly(request.auth, assembly_id))


@router.patch("/{assembly_id}/roll/units/{unit_id}", response={200: PublicUnitOut, **ERRORS}, summary="更正专有部分面积或来源(须说明理由)")
def correct_unit(request: ApiRequest, assembly_id: int, unit_id: int, payload: UnitCorrectIn):  # type: ignore[no-untyped-def]
    a = _get(request, assembly_id)
    return services.correct_unit(actor=request.auth, unit=selectors.unit_for(request.auth, a, unit_id), area=payload.area,
                                 area_source=payload.area_source, reason=payload.reason)


@router.post("/{assembly_id}/roll/entries/{entry_id}/voter", response={200: RollEntryOut, **ERRORS},
             summary="登记共有人(或单位)指定的投票人")
def designate(request: ApiRequest, assembly_id: int, entry_id: int, payload: DesignateIn):  # type: ignore[no-untyped-def]
    a = _get(request, assembly_id)
    e = services.designate_voter(actor=request.auth, entry=selectors.entry_for(request.auth, a, entry_id),
                                 resident_id=payload.resident_id, reason=payload.reason)
    return RollEntryOut(id=e.pk, label=e.label, kind=e.kind, name=e.name, area=e.area, voter_id=e.voter_id,
                        units=[u.label for u in e.roll_units.all()])


@router.post("/{assembly_id}/roll/units/{unit_id}/transfer", response={200: RollEntryOut, **ERRORS},
             summary="登记投票期间的专有部分转让(已投选票有效；未投则由买受人投票)")
def transfer(request: ApiRequest, assembly_id: int, unit_id: int, payload: TransferIn):  # type: ignore[no-untyped-def]
    a = _get(request, assembly_id)
    e = services.transfer_unit(actor=request.auth, assembly=a, unit=selectors.unit_for(request.auth, a, unit_id),
                               buyer_id=payload.buyer_id, reason=payload.reason)
    return RollEntryOut(id=e.pk, label=e.label, kind=e.kind, name=e.name, area=e.area, voter_id=e.voter_id,
                        units=[u.label for u in e.roll_units.all()])


@router.post("/{assembly_id}/roll/lock", response={200: AssemblyDetail, **ERRORS}, summary="公示期满后锁定名册")
def lock_roll(request: ApiRequest, assembly_id: int):  # type: ignore[no-untyped-def]
    services.lock_roll(actor=request.auth, assembly=_get(request, assembly_id))
    return detail(request, _get(request, assembly_id))


# ---------------------------------------------------------------- the assembly's steps

@router.post("/{assembly_id}/call", response={200: AssemblyDetail, **ERRORS}, summary="发布召开公告(投票开始前至少15日)并告知居委会")
def call(request: ApiRequest, assembly_id: int):  # type: ignore[no-untyped-def]
    return detail(request, services.call(actor=request.auth, assembly=_get(request, assembly_id)))


@router.post("/{assembly_id}/open", response={200: AssemblyDetail, **ERRORS}, summary="开始投票(名册已锁定、已到开始时间)")
def open_voting(request: ApiRequest, assembly_id: int):  # type: ignore[no-untyped-def]
    return detail(request, services.open_voting(actor=request.auth, assembly=_get(request, assembly_id)))


@router.post("/{assembly_id}/extend", response={200: AssemblyDetail, **ERRORS}, summary="未达法定参与比例时延长一次(生成延期公告)")
def extend(request: ApiRequest, assembly_id: int, payload: ExtendIn):  # type: ignore[no-untyped-def]
    return detail(request, services.extend(actor=request.auth, assembly=_get(request, assembly_id), closes_at=payload.closes_at))


@router.post("/{assembly_id}/close", response={200: AssemblyDetail, **ERRORS}, summary="截止后结束投票")
def close(request: ApiRequest, assembly_id: int):  # type: ignore[no-untyped-def]
    return detail(request, services.close(actor=request.auth, assembly=_get(request, assembly_id)))


@router.post("/{assembly_id}/cancel", response={200: AssemblyDetail, **ERRORS}, summary="取消(投票开始前，须说明原因)")
def cancel(request: ApiRequest, assembly_id: int, payload: ReasonIn):  # type: ignore[no-untyped-def]
    return detail(request, services.cancel(actor=request.auth, assembly=_get(request, assembly_id), reason=payload.reason))


@router.get("/{assembly_id}/turnout", response={200: TurnoutOut, **READ_ERRORS}, summary="实时参与情况(人数与面积，不含各选项票数)")
def turnout(request: ApiRequest, assembly_id: int):  # type: ignore[no-untyped-def]
    a = _get(request, assembly_id)
    counts = selectors.turnout_counts(a)
    t = selectors.turnout(a, counts)
    by_channel = ({k: {"heads": v["heads"], "area": str(v["area"])} for k, v in counts.items()}
                  if request.auth.has_perm("assemblies.follow", a) else {})
    return TurnoutOut(total_area=t.total_area, total_heads=t.total_heads, area=t.area, heads=t.heads,
                      area_share=float(t.area / t.total_area) if t.total_area else 0.0,
                      heads_share=t.heads / t.total_heads if t.total_heads else 0.0, quorum_met=t.quorum_met,
                      by_channel=by_channel)


# ---------------------------------------------------------------- ballots

@router.get("/{assembly_id}/mine", response={200: list[MyHeadOut], **READ_ERRORS}, summary="我可以投票的房屋(本人、受托)")
def mine(request: ApiRequest, assembly_id: int):  # type: ignore[no-untyped-def]
    a = _get(request, assembly_id)
    return [MyHeadOut(entry_id=h["entry"].pk, head=h["entry"].label, units=h["units"], voted=h["voted"],
                      by_proxy=h["proxy"] is not None, delegated=h["delegated"] is not None) for h in selectors.my_heads(request.auth, a)]


@router.post("/{assembly_id}/vote-code", response={204: None, **ERRORS}, summary="发送投票确认短信验证码")
def vote_code(request: ApiRequest, assembly_id: int):  # type: ignore[no-untyped-def]
    from linli.core.middleware import client_ip

    services.send_vote_code(actor=request.auth, assembly=_get(request, assembly_id), client_ip=client_ip(request))  # type: ignore[arg-type]
    return Status(204, None)


@router.post("/{assembly_id}/ballots", response={201: ReceiptOut, **ERRORS}, summary="网上投票(须短信验证码)，返回回执码")
def cast(request: ApiRequest, assembly_id: int, payload: BallotIn):  # type: ignore[no-untyped-def]
    ballot, receipt = services.cast(actor=request.auth, assembly=_get(request, assembly_id), choices=payload.choices,
                                    code=payload.code, entry_id=payload.entry_id)
    return Status(201, ReceiptOut(receipt=receipt, head=ballot.entry.label, channel=ballot.channel, cast_at=ballot.cast_at))


# ---------------------------------------------------------------- paper, proxies

@router.post("/{assembly_id}/slips", response={200: list[SlipOut], **ERRORS}, summary="制作书面表决票(每户一张，唯一编码)")
def issue_slips(request: ApiRequest, assembly_id: int):  # type: ignore[no-untyped-def]
    a = _get(request, assembly_id)
    services.issue_slips(actor=request.auth, assembly=a)
    return _slips(request, a)


def _slips(request: ApiRequest, a: Assembly, status: str = "") -> list[SlipOut]:
    return [SlipOut(code=s.code, head=s.entry.label, status=s.status, entries=len(s.entries.all()))
            for s in selectors.slips(request.auth, a, status=status)]


@router.get("/{assembly_id}/slips", response={200: list[SlipOut], **READ_ERRORS}, summary="书面表决票及录入状态")
def list_slips(request: ApiRequest, assembly_id: int, status: str = ""):  # type: ignore[no-untyped-def]
    return _slips(request, _get(request, assembly_id), status[:10])


@router.post("/{assembly_id}/paper", response={200: SlipOut, **ERRORS},
             summary="录入书面表决票(两名录入员分别录入，一致才计入)")
def enter_paper(request: ApiRequest, assembly_id: int, payload: PaperIn):  # type: ignore[no-untyped-def]
    s = services.enter_paper(actor=request.auth, assembly=_get(request, assembly_id), code=payload.code, choices=payload.choices)
    return SlipOut(code=s.code, head=s.entry.label, status=s.status, entries=s.entries.count())


@router.post("/{assembly_id}/paper/decide", response={200: SlipOut, **ERRORS}, summary="两次录入不一致时由第三人裁定")
def decide_paper(request: ApiRequest, assembly_id: int, payload: PaperIn):  # type: ignore[no-untyped-def]
    s = services.decide_paper(actor=request.auth, assembly=_get(request, assembly_id), code=payload.code, choices=payload.choices)
    return SlipOut(code=s.code, head=s.entry.label, status=s.status, entries=s.entries.count())


NO_FILE = File(...)


@router.post("/{assembly_id}/proxies", response={201: ProxyOut, **ERRORS}, summary="登记书面委托(上传授权委托书)")
def record_proxy(request: ApiRequest, assembly_id: int, entry_id: Form[int], holder_id: Form[int],  # type: ignore[no-untyped-def]
                 document: UploadedFile = NO_FILE):
    a = _get(request, assembly_id)
    if entry_id < 1 or holder_id < 1:
        raise DomainError("invalid", _("请选择委托人并填写受托人"), field="entry_id")
    p = services.record_proxy(actor=request.auth, assembly=a, principal=selectors.entry_for(request.auth, a, entry_id),
                              holder_id=holder_id, document_name=document.name or "", document=document.read(10 * 1024 * 1024 + 1))
    return Status(201, ProxyOut(id=p.pk, principal=p.principal.label, holder_id=p.holder_id, created_at=p.created_at,
                                revoked_at=p.revoked_at))


@router.get("/{assembly_id}/proxies", response={200: list[ProxyOut], **READ_ERRORS}, summary="委托登记")
def list_proxies(request: ApiRequest, assembly_id: int):  # type: ignore[no-untyped-def]
    return [ProxyOut(id=p.pk, principal=p.principal.label, holder_id=p.holder_id, created_at=p.created_at, revoked_at=p.revoked_at)
            for p in selectors.proxies(request.auth, _get(request, assembly_id))]


@router.post("/proxies/{proxy_id}/revoke", response={200: ProxyOut, **ERRORS}, summary="撤销委托(投票开始前)")
def revoke_proxy(request: ApiRequest, proxy_id: int):  # type: ignore[no-untyped-def]
    p = services.revoke_proxy(actor=request.auth, proxy=selectors.proxy_for(request.auth, proxy_id))
    return ProxyOut(id=p.pk, principal=p.principal.label, holder_id=p.holder_id, created_at=p.created_at, revoked_at=p.revoked_at)
