"""The default catalogue of community-level service items (事项目录), seeded by a migration and
then kept in admin. Limits are working days. Drawn from the items Chinese communities commonly
accept at one window; a city adjusts names, limits and materials to its own published list."""

from __future__ import annotations

from typing import Any

# materials: (name, form, count, required, condition)
ID = ("申请人居民身份证", "original", 1, True, "")
HUKOU = ("户口簿", "original", 1, True, "")
HUKOU_OR_RES = ("户口簿或居住证", "original", 1, True, "")
PHOTO = ("近期一寸免冠彩色照片", "original", 2, True, "")
BANK = ("本人银行账户(存折或银行卡)", "copy", 1, True, "")
AGENT = ("代办人身份证及委托书", "original", 1, False, "由他人代办时")
FORM = ("申请表(窗口提供或网上填写)", "form", 1, True, "")
INCOME = ("家庭收入及财产情况声明", "form", 1, True, "")
MARRIAGE = ("结婚证", "original", 1, True, "")
DISAB = ("第二代残疾人证", "original", 1, True, "")
HOSP = ("医疗机构诊断证明或病历", "copy", 1, False, "因病申请时")

ITEMS: list[tuple[str, str, str, str, int, int, str, bool, str, list[tuple[str, str, int, bool, str]]]] = [
    ("YL01", "高龄津贴申领", "elderly", "区民政局", 20, 10, "street", True,
     "本市户籍、年满80周岁的老年人。", [ID, HUKOU, BANK, AGENT]),
    ("YL02", "居家养老服务申请", "elderly", "区民政局", 20, 10, "street", True,
     "本市户籍或持居住证的60周岁以上老年人，经需求评估符合条件。", [ID, HUKOU_OR_RES, FORM, ("老年人能力评估结果", "copy", 1, False, "已评估的")]),
    ("YL03", "老年人优待证办理", "elderly", "区民政局", 10, 5, "community", True,
     "本市户籍或持居住证的60周岁以上老年人。", [ID, PHOTO, AGENT]),
    ("YL04", "长者饭堂助餐补贴申请", "elderly", "区民政局", 15, 7, "community", True,
     "60周岁以上，在长者饭堂就餐；特殊困难老人按档补贴。", [ID, FORM]),
    ("YL05", "特殊困难老年人家庭适老化改造申请", "elderly", "区民政局", 30, 20, "street", True,
     "分散供养特困、低保、低收入家庭中的高龄、失能、残疾老年人。", [ID, HUKOU, FORM, ("房屋产权或租赁证明", "copy", 1, True, "")]),
    ("YL06", "老年人意外伤害保险投保登记", "elderly", "区民政局", 10, 5, "community", True,
     "60周岁以上本市户籍老年人。", [ID, FORM]),
    ("CJ01", "困难残疾人生活补贴申请", "disability", "区残联", 20, 15, "street", True,
     "低保家庭、低收入家庭中的残疾人。", [ID, HUKOU, DISAB, BANK]),
    ("CJ02", "重度残疾人护理补贴申请", "disability", "区残联", 20, 15, "street", True,
     "残疾等级为一、二级且需长期照护的残疾人。", [ID, HUKOU, DISAB, BANK]),
    ("CJ03", "残疾人证新办(受理)", "disability", "区残联", 30, 20, "department", False,
     "本市户籍，符合残疾标准，需到指定医院评定。", [ID, HUKOU, PHOTO, FORM]),
    ("CJ04", "残疾人辅助器具适配申请", "disability", "区残联", 20, 15, "department", True,
     "持证残疾人。", [ID, DISAB, FORM]),
    ("CJ05", "残疾人就业见习补贴申请", "disability", "区残联", 20, 15, "department", True,
     "持证残疾人参加就业见习。", [ID, DISAB, ("见习协议", "copy", 1, True, "")]),
    ("JZ01", "最低生活保障初审", "assistance", "区民政局", 30, 20, "street", True,
     "家庭人均收入低于本市低保标准，财产符合规定。", [ID, HUKOU, INCOME, FORM, BANK, HOSP]),
    ("JZ02", "特困人员供养申请初审", "assistance", "区民政局", 30, 20, "street", True,
     "无劳动能力、无生活来源、无法定赡养抚养扶养义务人或其无履行能力。", [ID, HUKOU, INCOME, FORM]),
    ("JZ03", "临时救助申请", "assistance", "街道办事处", 15, 10, "street", True,
     "因突发事件、意外伤害、重大疾病等导致基本生活暂时出现严重困难。", [ID, HUKOU_OR_RES, FORM, HOSP, ("困难情况说明及相关证明", "copy", 1, True, "")]),
    ("JZ04", "低收入家庭认定申请", "assistance", "区民政局", 30, 20, "street", True,
     "家庭人均收入低于本市低收入标准。", [ID, HUKOU, INCOME, FORM]),
    ("JZ05", "医疗救助申请", "assistance", "区医保局", 20, 15, "department", True,
     "救助对象在定点医疗机构就医，个人负担仍较重。", [ID, ("医疗费用票据及清单", "original", 1, True, ""), ("出院小结", "copy", 1, True, "")]),
    ("JZ06", "困境儿童基本生活费申请", "assistance", "区民政局", 30, 20, "street", True,
     "父母重残、重病或服刑等导致生活困难的儿童。", [ID, HUKOU, FORM, ("儿童出生医学证明或户口页", "copy", 1, True, "")]),
    ("JZ07", "住房保障(公租房)申请受理", "assistance", "区住房城乡建设局", 30, 20, "department", True,
     "本市户籍住房困难的低收入家庭。", [ID, HUKOU, INCOME, FORM, MARRIAGE]),
    ("YB01", "城乡居民基本医疗保险参保登记", "insurance", "区医保局", 5, 1, "community", True,
     "未参加职工医保的本市户籍或持居住证人员。", [ID, HUKOU_OR_RES]),
    ("YB02", "城乡居民养老保险参保登记", "insurance", "区人社局", 5, 2, "community", True,
     "年满16周岁、非在校学生、未参加职工养老保险的本市户籍人员。", [ID, HUKOU]),
    ("YB03", "城乡居民养老保险待遇领取申请", "insurance", "区人社局", 20, 10, "department", True,
     "年满60周岁、累计缴费满15年。", [ID, HUKOU, BANK]),
    ("YB04", "社会保障卡申领", "insurance", "区人社局", 20, 10, "department", True,
     "已参加社会保险的人员。", [ID, PHOTO]),
    ("YB05", "医保门诊特定病种待遇申请", "insurance", "区医保局", 15, 10, "department", True,
     "确诊为门诊特定病种的参保人。", [ID, ("二级以上医院诊断证明", "original", 1, True, "")]),
    ("YB06", "异地就医备案", "insurance", "区医保局", 5, 1, "community", True,
     "异地长期居住或临时外出就医的参保人。", [ID, FORM]),
    ("JY01", "失业登记", "employment", "区人社局", 5, 1, "community", True,
     "法定劳动年龄内、有劳动能力和就业要求、处于无业状态的人员。", [ID, ("解除或终止劳动合同证明", "copy", 1, False, "原单位出具的")]),
    ("JY02", "就业困难人员认定", "employment", "区人社局", 20, 10, "street", True,
     "已办理失业登记，属大龄、残疾、低保家庭成员、连续失业一年以上等。", [ID, HUKOU, ("失业登记证明", "copy", 1, True, "")]),
    ("JY03", "就业创业证申领", "employment", "区人社局", 5, 3, "community", True,
     "劳动年龄内有就业创业需求的人员。", [ID, PHOTO]),
    ("JY04", "灵活就业人员社保补贴申请", "employment", "区人社局", 20, 15, "department", True,
     "就业困难人员灵活就业并缴纳社保。", [ID, ("社保缴费凭证", "copy", 1, True, "")]),
    ("JY05", "创业担保贷款申请受理", "employment", "区人社局", 30, 20, "department", True,
     "符合条件的创业人员。", [ID, ("营业执照", "copy", 1, True, ""), ("创业计划书", "original", 1, True, "")]),
    ("JY06", "职业技能培训报名", "employment", "区人社局", 5, 3, "community", True,
     "有培训需求的劳动者。", [ID]),
    ("HJ01", "居住登记(居住证申领受理)", "residence", "区公安分局", 15, 10, "department", True,
     "非本市户籍、在本市居住半年以上，有合法稳定就业、住所或连续就读之一。", [ID, PHOTO, ("居住证明(租赁合同或房产证明)", "copy", 1, True, "")]),
    ("HJ02", "居住证签注", "residence", "区公安分局", 5, 3, "community", True,
     "持居住证、继续在本市居住。", [ID, ("居住证", "original", 1, True, "")]),
    ("HJ03", "流动人口信息登记", "residence", "区公安分局", 3, 1, "community", True,
     "来本市居住的流动人口。", [ID]),
    ("HJ04", "出租屋信息登记", "residence", "区公安分局", 5, 2, "community", True,
     "出租房屋的业主。", [ID, ("房屋产权证明", "copy", 1, True, ""), ("租赁合同", "copy", 1, True, "")]),
    ("SY01", "生育登记", "family", "区卫生健康局", 5, 1, "community", True,
     "生育子女的夫妻。", [ID, MARRIAGE, HUKOU_OR_RES]),
    ("SY02", "独生子女父母奖励申请", "family", "区卫生健康局", 20, 10, "street", True,
     "符合条件的独生子女父母。", [ID, HUKOU, ("独生子女父母光荣证", "original", 1, True, "")]),
    ("SY03", "计划生育特殊家庭扶助金申请", "family", "区卫生健康局", 20, 15, "street", True,
     "独生子女伤残或死亡的家庭。", [ID, HUKOU, ("相关证明", "copy", 1, True, "")]),
    ("SY04", "0-3岁婴幼儿托育补贴申请", "family", "区卫生健康局", 20, 10, "street", True,
     "本市户籍或持居住证家庭的3周岁以下婴幼儿。", [ID, ("婴幼儿出生医学证明", "copy", 1, True, ""), BANK]),
    ("SY05", "婚育情况证明受理", "family", "区卫生健康局", 5, 3, "community", False,
     "需证明婚育情况的居民。", [ID, MARRIAGE]),
    ("WS01", "家庭医生签约", "health", "区卫生健康局", 5, 1, "community", True,
     "辖区居民。", [ID]),
    ("WS02", "65岁以上老年人免费体检预约", "health", "区卫生健康局", 5, 2, "community", True,
     "65周岁以上辖区常住老年人。", [ID]),
    ("WS03", "严重精神障碍患者监护补助申请", "health", "区卫生健康局", 20, 15, "street", True,
     "在册严重精神障碍患者的监护人。", [ID, ("监护关系证明", "copy", 1, True, ""), BANK]),
    ("TY01", "退役军人优待证申领", "veterans", "区退役军人事务局", 20, 10, "department", True,
     "退役军人和其他优抚对象。", [ID, PHOTO, ("退役证件", "copy", 1, True, "")]),
    ("TY02", "优抚对象信息采集", "veterans", "区退役军人事务局", 10, 5, "community", True,
     "辖区退役军人和其他优抚对象。", [ID, ("退役证件", "copy", 1, True, "")]),
    ("QT01", "法律援助申请受理", "other", "区司法局", 7, 5, "department", True,
     "经济困难的公民因法律事项需要帮助。", [ID, ("经济困难状况说明", "form", 1, True, ""), ("案件相关材料", "copy", 1, True, "")]),
    ("QT02", "人民调解申请", "other", "街道人民调解委员会", 30, 15, "community", True,
     "民间纠纷当事人。", [ID, ("纠纷情况说明", "form", 1, True, "")]),
]


# Items not accepted city-wide (属地办理), and where they are accepted instead: the applicant's own
# community, or any community window of their street. Everything else is 全市通办.
LOCAL_ITEMS: dict[str, str] = {
    "HJ01": "street",     # 居住登记: at the place of residence (street police station and its communities)
    "HJ03": "community",  # 流动人口信息登记: the community where the person lives
    "HJ04": "community",  # 出租屋信息登记: the community where the house is
    "YL05": "community",  # 适老化改造: needs a home assessment by the own community
    "SY05": "community",  # 婚育情况证明: only the own community knows the facts
    "WS01": "community",  # 家庭医生签约: with the own community's health service
    "WS02": "street",     # 老年人免费体检: at the street's community health centre
    "WS03": "community",  # 精神障碍患者监护补助: patients on the own community's register
    "TY02": "community",  # 优抚对象信息采集: the own community's veterans register
    "QT02": "street",     # 人民调解: the street's mediation committee
}


def seed(item_model: Any, material_model: Any) -> int:
    made = 0
    has_scope = any(f.name == "local_scope" for f in item_model._meta.get_fields())  # the model as of migration 0002 lacks it
    for sort, (code, name, cat, dept, legal, committed, finish, online, conditions, materials) in enumerate(ITEMS):
        defaults = {"name": name, "category": cat, "department": dept, "legal_limit_days": legal,
                    "committed_limit_days": committed, "finish_at": finish, "online": online, "conditions": conditions,
                    "citywide": code not in LOCAL_ITEMS, "sort": sort}
        if has_scope:
            defaults["local_scope"] = LOCAL_ITEMS.get(code, "community")
        if any(f.name == "deferral_allowed" for f in item_model._meta.get_fields()):
            defaults["deferral_allowed"] = code in DEFERRAL_ITEMS
        item, created = item_model.objects.get_or_create(code=code, defaults=defaults)
        if created:
            made += 1
            material_model.objects.bulk_create([
                material_model(item=item, name=m[0], form=m[1], count=m[2], required=m[3], condition=m[4], sort=i)
                for i, m in enumerate(materials)])
    return made


# Items a window may accept with a mandatory material still missing (容缺受理), to be supplied
# before the decision: applications for support where the person's need does not wait (救助,
# subsidies of the elderly and the disabled). Registrations done on the spot, and items decided
# by a department on the papers, are not: without the material there is nothing to decide on.
DEFERRAL_ITEMS: frozenset[str] = frozenset({
    "YL01", "YL02", "YL05", "CJ01", "CJ02", "JZ01", "JZ02", "JZ03", "JZ04", "JZ05", "JZ06", "SY04", "WS03",
})


def _field(name: str, label: str, kind: str = "text", *, required: bool = True, **more: Any) -> dict[str, Any]:
    return {"name": name, "label": label, "type": kind, "required": required, **more}


ADDRESS = _field("address", "居住地址", help="本社区内的门牌地址，如 猎德花园3栋2单元501")
RELATIVE_KINDS = ["配偶", "父母", "子女", "兄弟姐妹", "祖父母", "外祖父母", "孙子女", "外孙子女", "其他近亲属"]

# (code, name, purpose, checks, template, fields): each blank of the template is one declared
# field, or {name} / {id} (the subject's name and masked ID number); the text reads as one
# sentence with every field filled in
CERTIFICATE_KINDS: list[tuple[str, str, str, str, str, list[dict[str, Any]]]] = [
    ("ZM01", "居住证明", "办理居住证、入学等需证明在本社区实际居住且无其他证明材料的",
     "入户核实、出租屋登记信息",
     "兹证明{name}(身份证号{id})自{since}起在本社区{address}实际居住至今，居住方式为{tenure}。",
     [_field("since", "居住起始年月", "month"), ADDRESS,
      _field("tenure", "居住方式", "choice", options=["自有住房", "租住", "借住", "单位宿舍"])]),
    ("ZM02", "亲属关系证明", "户籍、档案等无法反映亲属关系，需社区根据掌握情况证明的",
     "户籍信息、走访核实",
     "兹证明{name}(身份证号{id})，住本社区{address}，与{relative_name}(身份证号{relative_id})系{relation}关系。",
     [ADDRESS, _field("relative_name", "亲属姓名"), _field("relative_id", "亲属身份证号", "id_number"),
      _field("relation", "亲属关系", "choice", options=["夫妻", "父子", "父女", "母子", "母女", "兄弟", "姐妹", "兄妹", "姐弟",
                                                     "祖孙", "外祖孙"])]),
    ("ZM03", "居民死亡证明(居家正常死亡)", "在家中正常死亡、无医疗机构出具死亡证明的",
     "社区卫生服务机构意见、入户核实",
     "兹证明本社区居民{deceased_name}(身份证号{deceased_id})，生前住本社区{address}，于{died_on}在家中因{cause}死亡，"
     "经社区卫生服务机构确认属正常死亡，{name}(身份证号{id})系其{relation}。",
     [_field("deceased_name", "死者姓名"), _field("deceased_id", "死者身份证号", "id_number"), ADDRESS,
      _field("died_on", "死亡日期", "date"), _field("cause", "死亡原因", help="如 年老体衰、慢性病病故"),
      _field("relation", "申请人与死者关系", "choice", options=RELATIVE_KINDS)]),
    ("ZM04", "监护关系证明", "办理残疾人、精神障碍患者等事务需证明监护人的",
     "户籍信息、亲属意见",
     "兹证明{name}(身份证号{id})，住本社区{address}，系{ward_kind}{ward_name}(身份证号{ward_id})的{relation}，"
     "依法担任其监护人。",
     [ADDRESS, _field("ward_kind", "被监护人情况", "choice", options=["未成年人", "精神障碍患者", "智力残疾人", "失能老年人"]),
      _field("ward_name", "被监护人姓名"), _field("ward_id", "被监护人身份证号", "id_number"),
      _field("relation", "与被监护人关系", "choice", options=RELATIVE_KINDS)]),
    ("ZM05", "生活困难情况证明", "申请助学、减免等需说明家庭困难情况的",
     "入户核实、救助档案",
     "兹证明{name}(身份证号{id})家住本社区{address}，家庭共{members}口人，家庭月收入约{income}元，因{cause}家庭生活困难{assistance}。",
     [ADDRESS, _field("members", "家庭人口", "integer", min=1, max=20),
      _field("income", "家庭月收入(元)", "integer", min=0, max=1000000),
      _field("cause", "困难原因", help="如 主要劳动力患重病、家庭成员残疾"),
      _field("assistance", "已享受的救助", "choice", required=False, phrase="，现享受{value}待遇",
             options=["最低生活保障", "特困人员救助供养", "低收入家庭救助", "临时救助"])]),
    ("ZM06", "未再婚(丧偶后)情况证明", "办理遗属待遇等需证明丧偶后未再婚、民政系统无法查询的",
     "入户核实、邻里走访",
     "兹证明{name}(身份证号{id})，住本社区{address}，其配偶{spouse_name}于{spouse_died_on}去世，本人此后至今未再婚。",
     [ADDRESS, _field("spouse_name", "配偶姓名"), _field("spouse_died_on", "配偶去世日期", "date")]),
]

# the templates the kinds were seeded with before they declared fields (one free "detail" blank);
# migration 0009 moves kinds still carrying one of these to the templates and fields above
OLD_TEMPLATES: dict[str, str] = {
    "ZM01": "兹证明{name}(身份证号{id})自{detail}起在本社区{address}实际居住。",
    "ZM02": "兹证明{name}(身份证号{id})，住本社区{address}，{detail}。",
    "ZM03": "兹证明本社区居民{name}(身份证号{id})，住{address}，{detail}。",
    "ZM04": "兹证明{name}(身份证号{id})，住本社区{address}，{detail}。",
    "ZM05": "兹证明{name}(身份证号{id})家住本社区{address}，{detail}。",
    "ZM06": "兹证明{name}(身份证号{id})，住本社区{address}，{detail}。",
}


def seed_certificate_kinds(model: Any) -> int:
    made = 0
    has_fields = any(f.name == "fields" for f in model._meta.get_fields())  # the model before migration 0009 lacks it
    for sort, (code, name, purpose, checks, template, fields) in enumerate(CERTIFICATE_KINDS):
        defaults: dict[str, Any] = {"name": name, "purpose": purpose, "checks": checks, "sort": sort,
                                    "template": template if has_fields else OLD_TEMPLATES[code]}
        if has_fields:
            defaults["fields"] = fields
        _, created = model.objects.get_or_create(code=code, defaults=defaults)
        made += created
    return made


def update_certificate_kinds(model: Any) -> int:
    """Seeded kinds nobody has reworded since (template as seeded) get their declared fields."""
    changed = 0
    for code, _name, _purpose, _checks, template, fields in CERTIFICATE_KINDS:
        changed += model.objects.filter(code=code, template=OLD_TEMPLATES[code]).update(template=template, fields=fields)
    return changed
