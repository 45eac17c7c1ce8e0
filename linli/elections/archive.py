"""选举档案: the whole record of an election for the street office, as one ZIP:

- ``选举档案.xlsx``: the plan, the election committee, the voter list (names, numbers, basis or
  refusals), every correction with its reason, the objections to each disclosure with their
  answers, the nominations and the candidates, the proxies, the counting staff, the paper sheets
  (who entered and decided each), the tally of every round and the result; every cell inert
  for Excel (``core.exports``);
- ``ballots.json``: every counted ballot of every round (random key, channel, marks), in the
  order of their random keys, chained by ``core.hashchain`` (each entry carries the hash of the
  one before), so the archive shows whether a ballot was added, removed or changed;
- ``manifest.json``: the sha-256 of both files and the chain's head.

The export is written to the sensitive-access log (it holds the voters' names)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import hashchain
from linli.core.exports import xlsx_append
from linli.core.models import SensitiveAccess
from linli.core.services import record_audit, record_sensitive_access
from linli.core.text import fill
from linli.regions import selectors as regions

from . import proxies, selectors
from .models import (
    Ballot,
    Candidate,
    Election,
    Mark,
    Nomination,
    PaperSheet,
    Participation,
    Proxy,
    Recall,
    Round,
    Voter,
    VoterChange,
)
from .services import post_label, require


def ballot_chain(election: Election) -> list[dict[str, Any]]:
    """Every ballot of the election's rounds as a chained board."""
    marks: dict[Any, list[list[Any]]] = {}
    for ballot_id, post, person, mark, written in Mark.objects.filter(ballot__round__election=election).values_list(
            "ballot_id", "post", "person_id", "mark", "written"):
        marks.setdefault(ballot_id, []).append([post, person, mark, written])
    rows = Ballot.objects.filter(round__election=election).order_by("round__no", "id").values_list("id", "round__no", "channel")
    return hashchain.chain({"round": no, "ballot": str(pk), "channel": channel, "marks": sorted(marks.get(pk, []))}
                           for pk, no, channel in rows)


def _sheet(wb: Any, title: str, header: list[str], rows: Any) -> None:
    ws = wb.create_sheet(title[:31])
    xlsx_append(ws, header)
    for r in rows:
        xlsx_append(ws, r)


def _dt(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def workbook(election: Election, chain: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    from linli.disclosures import selectors as disclosure_selectors

    wb = Workbook(write_only=True)
    e = election
    _sheet(wb, _("选举方案"), [_("项目"), _("内容")], [
        [_("名称"), e.title], [_("社区"), e.community.name], [_("选举方式"), e.get_mode_display()], [_("选举日"), e.election_day.isoformat()],
        [_("职数"), "、".join(f"{post_label(p)}{n}" for p, n in e.seats.items())], [_("选民年龄"), e.min_age],
        [_("居住满(月)"), e.months], [_("仅户籍居民"), _("是") if e.registered_only else _("否")], [_("女性成员至少"), e.women_at_least],
        [_("选民榜提前公布(天)"), e.list_days], [_("候选人名单提前公布(天)"), e.candidates_days],
        [_("每人最多接受委托(人)"), e.proxy_max], [_("罢免须选民联名(几分之一以上)"), e.recall_one_in],
        [_("罢免须户代表或小组代表联名(几分之一以上)"), e.recall_reps_one_in], [_("状态"), e.get_status_display()],
        [_("选民名单公布时间"), _dt(e.voters_published_at)], [_("候选人名单公布时间"), _dt(e.candidates_published_at)],
        [_("委托投票名单公布时间"), _dt(e.proxies_published_at)]])
    _sheet(wb, _("选举委员会"), [_("姓名"), _("职务")], ([m["name"], m["role"]] for m in selectors.committee(e)))
    voters = list(Voter.objects.filter(election=e).order_by("number", "pk"))
    labels = regions.resident_labels(v.resident_id for v in voters)
    _sheet(wb, _("选民名单"), [_("选民证号"), _("姓名"), _("住址"), _("年龄"), _("参加投票"), _("依据"), _("不列入原因"), _("外出"), _("已更正")],
           ([v.number or "", labels.get(v.resident_id, ("", "", ""))[0], labels.get(v.resident_id, ("", "", ""))[2], v.age,
             _("是") if v.votes else _("否"), v.basis, v.refusals, _("是") if v.away else "", _("是") if v.corrected else ""] for v in voters))
    _sheet(wb, _("名单更正"), [_("时间"), _("选民"), _("更正前"), _("更正后"), _("理由"), _("公布后更正"), _("所依据的异议")],
           ([_dt(c.at), labels.get(c.voter.resident_id, ("",))[0], json.dumps(c.before, ensure_ascii=False),
             json.dumps(c.after, ensure_ascii=False), c.reason, _("是") if c.after_publication else "", c.objection_id or ""]
            for c in VoterChange.objects.filter(election=e).select_related("voter").order_by("at", "pk")))
    objections = []
    for what, series in ((_("选民名单"), e.voter_disclosure_id), (_("候选人名单"), e.candidate_disclosure_id),
                         (_("委托投票名单"), e.proxy_disclosure_id)):
        for d in disclosure_selectors.versions(series) if series else []:
            for o in disclosure_selectors.objections_of(d):
                objections.append([what, d.version, o.pk, _dt(o.created_at), o.text, o.get_status_display(), o.get_outcome_display(),
                                   o.answer, _dt(o.answered_at)])
    _sheet(wb, _("异议与答复"), [_("公示"), _("版本"), _("异议"), _("提出时间"), _("异议内容"), _("状态"), _("核实结果"), _("答复"), _("答复时间")],
           objections)
    noms = list(Nomination.objects.filter(election=e).select_related("nominee").order_by("post", "pk"))
    nlabels = regions.resident_labels(n.nominee.resident_id for n in noms)
    _sheet(wb, _("提名"), [_("职位"), _("被提名人"), _("提名方式"), _("推荐人数"), _("状态"), _("登记时间")],
           ([post_label(n.post), nlabels.get(n.nominee.resident_id, ("",))[0], _("选举委员会") if n.by_committee else _("选民联名"),
             n.nominators.count(), n.get_status_display(), _dt(n.entered_at)] for n in noms))
    cands = list(Candidate.objects.filter(election=e).select_related("voter").order_by("post", "position"))
    clabels = regions.resident_labels(c.voter.resident_id for c in cands)
    _sheet(wb, _("正式候选人"), [_("职位"), _("排序"), _("姓名"), _("年龄")],
           ([post_label(c.post), c.position, clabels.get(c.voter.resident_id, ("",))[0], c.voter.age] for c in cands))
    _sheet(wb, _("委托投票"), [_("委托人选民证号"), _("委托人"), _("受委托人选民证号"), _("受委托人"), _("关系"), _("登记时间"), _("撤销时间"), _("撤销原因")],
           ([x.principal.number or "", labels.get(x.principal.resident_id, ("",))[0], x.holder.number or "",
             labels.get(x.holder.resident_id, ("",))[0], x.get_relation_display(), _dt(x.created_at), _dt(x.revoked_at), x.revoke_reason]
            for x in Proxy.objects.filter(election=e).select_related("principal", "holder").order_by("created_at", "pk")))
    _sheet(wb, _("计票工作人员"), [_("分工"), _("姓名"), _("产生方式")], ([x["role"], x["name"], x["staff"].chosen] for x in proxies.staff_lines(e)))
    _sheet(wb, _("纸质选票录入"), [_("轮次"), _("票号"), _("票箱"), _("状态"), _("第一次录入人"), _("第二次录入人"), _("裁定人")],
           ([s.round.no, s.no, s.get_channel_display(), s.get_status_display(), s.first_by.username,
             s.second_by.username if s.second_by else "", s.decided_by.username if s.decided_by else ""]
            for s in PaperSheet.objects.filter(round__election=e).select_related("round", "first_by", "second_by", "decided_by")
            .order_by("round__no", "no")))
    tally = []
    for r in selectors.rounds(e):
        rnd = r["round"]
        took = Participation.objects.filter(round=rnd).count()
        for p in r["posts"]:
            for line in p["lines"]:
                tally.append([rnd.no, rnd.get_kind_display(), rnd.registered, took, p["label"], p.get("seats", ""), line["name"],
                              _("另选") if line["written"] else "", line["votes"], _("当选") if line["elected"] else ""])
        for x in r["recall"]:  # 罢免表决: the approvals as the votes, recalled or not
            tally.append([rnd.no, rnd.get_kind_display(), rnd.registered, took, x["label"], "", x["name"], "",
                          fill(_("同意%(y)s 不同意%(n)s 弃权%(a)s"), {"y": x["yes"], "n": x["no"], "a": x["abstain"]}),
                          _("罢免") if x["recalled"] else _("继续任职")])
    _sheet(wb, _("计票结果"), [_("轮次"), _("类型"), _("登记选民数"), _("投票人数"), _("职位"), _("应选"), _("姓名"), _("另选他人"), _("得票"), _("结果")],
           tally)
    _sheet(wb, _("选票链"), [_("序号"), _("轮次"), _("选票"), _("方式"), _("前一摘要"), _("摘要")],
           ([x["seq"], x["round"], x["ballot"], x["channel"], x["prev"], x["hash"]] for x in chain))
    _sheet(wb, _("当选名单"), [_("职务"), _("姓名")], ([x["label"], x["name"]] for x in selectors.elected(e)))
    recalls = Recall.objects.filter(election=e).select_related("round").order_by("lodged_at", "pk")
    names = regions.resident_labels(Voter.objects.filter(pk__in=[m for r in recalls for m in r.member_ids]).values_list("resident_id", flat=True))
    person = dict(Voter.objects.filter(pk__in=[m for r in recalls for m in r.member_ids]).values_list("pk", "resident_id"))

    def name(voter_id: int) -> str:
        rid = person.get(voter_id)
        return names[rid][0] if rid in names else ""

    _sheet(wb, _("罢免"), [_("提出时间"), _("被提出罢免的成员"), _("罢免理由"), _("联名人数"), _("须联名(人)"), _("申辩意见"), _("状态"),
                         _("表决轮次"), _("被罢免")],
           ([_dt(r.lodged_at), "、".join(name(m) for m in r.member_ids), r.reason, r.signers.count(), r.needed,
             "\n".join(f"{name(int(m['voter']))}：{m.get('defence', '')}" for m in r.members), r.get_status_display(), r.round.no if r.round else "",
             "、".join(name(m) for m in r.recalled)] for r in recalls))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export(*, actor: Any, election: Election) -> bytes:
    """The archive as a ZIP, for the organisers over the election (the street office among them)."""
    require(actor, "elections.manage", election)
    chain = ballot_chain(election)
    book = workbook(election, chain)
    board = json.dumps(chain, ensure_ascii=False, indent=1).encode("utf-8")
    manifest = {"election": election.pk, "title": election.title, "exported_at": timezone.now().isoformat(),
                "rounds": Round.objects.filter(election=election).count(), "ballots": len(chain),
                "ballots_head": hashchain.head_hash(chain),
                "files": {"选举档案.xlsx": hashlib.sha256(book).hexdigest(), "ballots.json": hashlib.sha256(board).hexdigest()}}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("选举档案.xlsx", book)
        z.writestr("ballots.json", board)
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    record_sensitive_access(actor=actor, kind=SensitiveAccess.Kind.EXPORT, target=election, fields=["voters"],
                            reason=_("导出选举档案"), region_path=election.region_path, label=election.title)
    record_audit(actor=actor, action="election.archive", target=election, region_path=election.region_path,
                 changes={"ballots": len(chain)})
    return out.getvalue()
