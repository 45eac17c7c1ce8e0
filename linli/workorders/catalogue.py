"""The default category tree with time limits (Guangdong 12345 hotline practice: consultation 2
working days, help and suggestions 10, complaints and reports 15; urgent orders in hours).
Seeded by a migration; editable in admin."""

from __future__ import annotations

from typing import Any

# (code, name, handle_limit, unit, urgent_hours, children[(code, name, limit?, unit?)])
TREE: list[tuple[str, str, int, str, int, list[tuple]]] = [
    ("01", "市容环境", 15, "wd", 24, [("0101", "垃圾清运"), ("0102", "占道经营"), ("0103", "违法搭建"), ("0104", "绿化养护")]),
    ("02", "市政设施", 10, "wd", 12, [("0201", "路灯不亮"), ("0202", "道路破损"), ("0203", "井盖缺失", 1), ("0204", "排水堵塞", 3)]),
    ("03", "物业管理", 10, "wd", 4, [("0301", "电梯故障", 2), ("0302", "公共区域卫生"), ("0303", "物业服务与收费")]),
    ("04", "噪音扰民", 5, "wd", 4, [("0401", "施工噪音"), ("0402", "社会生活噪音")]),
    ("05", "邻里纠纷", 10, "wd", 24, [("0501", "邻里矛盾"), ("0502", "漏水纠纷")]),
    ("06", "民生求助", 10, "wd", 24, [("0601", "困难救助"), ("0602", "就医就学求助")]),
    ("07", "咨询", 2, "wd", 8, [("0701", "政策咨询")]),
    ("08", "建议", 10, "wd", 24, [("0801", "意见建议")]),
    ("09", "投诉举报", 15, "wd", 24, [("0901", "投诉"), ("0902", "举报")]),
]


def seed(model: Any) -> int:
    created = 0
    for sort, (code, name, limit, unit, urgent, children) in enumerate(TREE):
        parent, made = model.objects.get_or_create(
            code=code, defaults={"name": name, "handle_limit": limit, "limit_unit": unit, "urgent_limit_hours": urgent, "sort": sort})
        created += made
        for csort, child in enumerate(children):
            ccode, cname, *rest = child
            _, made = model.objects.get_or_create(
                code=ccode, defaults={"name": cname, "parent": parent, "handle_limit": rest[0] if rest else limit,
                                      "limit_unit": unit, "urgent_limit_hours": urgent, "sort": csort})
            created += made
    return created
