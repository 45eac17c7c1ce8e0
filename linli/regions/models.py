"""Region tree (市 → 区 → 街道 → 社区 → 网格) and the registry of houses and people.

Every row that belongs somewhere carries ``region_path``: the materialised path of its grid
(or community), so scoping a query is one indexed prefix filter.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.fields import EncryptedTextField, private_storage
from linli.core.masking import mask_id, mask_phone
from linli.core.models import TimeStamped

from . import choices

PATTERN = ["varchar_pattern_ops"]


class Level(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县")
    STREET = "street", _("街道/镇")
    COMMUNITY = "community", _("社区/村")
    GRID = "grid", _("网格")


# Significant length of ``path`` at each level of the 12-digit statistical code (+3 for grids).
PATH_LENGTH = {Level.CITY: 4, Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12, Level.GRID: 15}
LEVEL_ORDER = [Level.CITY, Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID]


class RegionNode(models.Model):
    """A node of the region tree. ``code`` is the 12-digit 统计用区划代码 (15 digits for grids:
    the community code and a 3-digit sequence); ``path`` is its significant prefix."""

    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    path = models.CharField(_("区划路径"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    full_name = models.CharField(_("全称"), max_length=200)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = _("区划节点")
        verbose_name_plural = _("区划节点")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="region_path_like", opclasses=PATTERN)]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="region_level_valid"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.name

    @property
    def region_path(self) -> str:
        return self.path

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        expected = 15 if self.level == Level.GRID else 12
        if not self.code.isdigit() or len(self.code) != expected:
            raise ValidationError({"code": _("区划代码应为%(n)s位数字") % {"n": expected}})
        self.path = self.code[: PATH_LENGTH[Level(self.level)]]
        if self.level != Level.CITY and (self.parent is None or not self.path.startswith(self.parent.path)
                                         or LEVEL_ORDER.index(Level(self.parent.level)) != LEVEL_ORDER.index(Level(self.level)) - 1):
            raise ValidationError({"parent": _("上级区划与代码或层级不符")})


class Compound(TimeStamped):
    """小区 — a residential compound, in one grid."""

    name = models.CharField(_("小区名称"), max_length=100)
    grid = models.ForeignKey(RegionNode, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="compounds")
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["region_path", "name"]
        indexes = [models.Index(fields=["region_path"], name="compound_region_like", opclasses=PATTERN)]
        constraints = [models.UniqueConstraint(fields=["grid", "name"], name="compound_unique_in_grid")]

    def __str__(self) -> str:
        return self.name


class Building(TimeStamped):
    """楼栋."""

    compound = models.ForeignKey(Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(_("楼栋"), max_length=50)
    grid = models.ForeignKey(RegionNode, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="buildings")
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    floors = models.PositiveSmallIntegerField(_("层数"), default=1)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["region_path", "compound_id", "name"]
        indexes = [models.Index(fields=["region_path"], name="building_region_like", opclasses=PATTERN)]
        constraints = [models.UniqueConstraint(fields=["compound", "name"], name="building_unique_in_compound")]

    def __str__(self) -> str:
        return f"{self.compound.name}{self.name}" if self.compound_id else self.name


class Unit(models.Model):
    """单元."""

    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("单元"), max_length=20)

    class Meta:
        verbose_name = _("单元")
        verbose_name_plural = _("单元")
        ordering = ["building_id", "name"]
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="unit_unique_in_building")]

    def __str__(self) -> str:
        return f"{self.building}{self.name}"


class Room(TimeStamped):
    """房屋 — with its registered exclusive area (专有部分面积), the basis of owners' votes."""

    Use = choices.Use
    AreaSource = choices.AreaSource

    unit = models.ForeignKey(Unit, verbose_name=_("单元"), on_delete=models.PROTECT, related_name="rooms")
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="rooms", editable=False)
    number = models.CharField(_("房号"), max_length=20)
    floor = models.SmallIntegerField(_("楼层"), default=1)
    exclusive_area = models.DecimalField(_("专有面积(㎡)"), max_digits=10, decimal_places=2)
    area_source = models.CharField(_("面积来源"), max_length=10, choices=AreaSource.choices, default=AreaSource.REGISTER)
    use = models.CharField(_("用途"), max_length=16, choices=Use.choices, default=Use.RESIDENTIAL)
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    address = models.CharField(_("地址"), max_length=300, editable=False)

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        ordering = ["region_path", "building_id", "unit_id", "number"]
        indexes = [
            models.Index(fields=["region_path"], name="room_region_like", opclasses=PATTERN),
        ]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="room_unique_in_unit"),
            models.CheckConstraint(condition=Q(exclusive_area__gt=0), name="room_area_positive"),
        ]

    def __str__(self) -> str:
        return self.address or self.number

    @property
    def short_address(self) -> str:
        """Compound, building, unit and number, without the city/district/street/community prefix."""
        return self.address.split(" ", 1)[-1] if self.address else self.number

    @property
    def area_name(self) -> str:
        return self.address.split(" ", 1)[0] if " " in (self.address or "") else ""


class Ownership(models.Model):
    """Who owns a room: a person (a resident or not), the developer (units unsold or
    undelivered), or an organisation. ``owner_key`` identifies one owner across rooms, so one
    buyer of several units counts once."""

    class Kind(models.TextChoices):
        PERSON = "person", _("个人")
        DEVELOPER = "developer", _("建设单位(开发商)")
        ORGANISATION = "organisation", _("单位")

    room = models.ForeignKey(Room, verbose_name=_("房屋"), on_delete=models.CASCADE, related_name="ownerships")
    kind = models.CharField(_("权属类型"), max_length=16, choices=Kind.choices)
    resident = models.ForeignKey("Resident", verbose_name=_("居民"), null=True, blank=True, on_delete=models.PROTECT, related_name="ownerships")
    owner_name = models.CharField(_("权利人"), max_length=100)
    owner_key = models.CharField(_("权利人标识"), max_length=80, db_index=True, editable=False)
    share = models.DecimalField(_("份额"), max_digits=5, decimal_places=4, default=1)
    since = models.DateField(_("起始日期"), null=True, blank=True)
    until = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("房屋权属")
        verbose_name_plural = _("房屋权属")
        constraints = [
            models.CheckConstraint(condition=Q(share__gt=0) & Q(share__lte=1), name="ownership_share_range"),
            models.CheckConstraint(condition=~Q(kind="person") | Q(owner_key__startswith="p:"), name="ownership_person_key"),
        ]

    def __str__(self) -> str:
        return f"{self.room} · {self.owner_name}"

    @property
    def region_path(self) -> str:
        return self.room.region_path


class Household(TimeStamped):
    """户 — lives in a room."""

    number = models.CharField(_("户号"), max_length=32, unique=True)
    room = models.ForeignKey(Room, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="households")
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    representative = models.ForeignKey(
        "Resident", verbose_name=_("户代表"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["region_path", "number"]
        indexes = [models.Index(fields=["region_path"], name="household_region_like", opclasses=PATTERN)]

    def __str__(self) -> str:
        return f"{self.number} {self.room}"


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    TENANT = "tenant", _("租住")
    OTHER = "other", _("其他")


class Tag(models.TextChoices):
    ELDER = "elder", _("老年人")
    CHILD = "child", _("儿童")
    LIVING_ALONE = "living_alone", _("独居")
    VETERAN = "veteran", _("退役军人")
    PARTY_MEMBER = "party_member", _("党员")
    VOLUNTEER = "volunteer", _("志愿者")
    TENANT = "tenant", _("流动人口")


class SensitiveTag(models.TextChoices):
    """PIPL sensitive personal information: stored encrypted, shown only to those who need it."""

    DISABLED = "disabled", _("残疾人")
    LOW_INCOME = "low_income", _("低保/低收入")
    CHRONIC = "chronic", _("慢性病")
    SPECIAL_CARE = "special_care", _("特殊关爱对象")


class Resident(TimeStamped):
    """居民. ID number and phone are encrypted with keyed hashes for exact search."""

    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=200, editable=False)
    name_initials = models.CharField(_("拼音首字母"), max_length=50, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number = EncryptedTextField(_("身份证号"))
    id_hash = models.CharField(_("身份证检索码"), max_length=64, unique=True, editable=False)
    phone = EncryptedTextField(_("手机号"), blank=True, default="")
    phone_hash = models.CharField(_("手机号检索码"), max_length=64, blank=True, default="", db_index=True, editable=False)
    phone_tail = models.CharField(_("手机尾号"), max_length=4, blank=True, default="", editable=False)
    grid = models.ForeignKey(RegionNode, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="residents")
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    household = models.ForeignKey(Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices, blank=True)
    moved_in = models.DateField(_("迁入日期"), null=True, blank=True)
    moved_out = models.DateField(_("迁出日期"), null=True, blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    sensitive_tags = EncryptedTextField(_("敏感标签"), blank=True, default="")

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["name_pinyin", "id"]
        indexes = [
            models.Index(fields=["region_path", "name_pinyin"], name="resident_region_like", opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["name_initials", "region_path"], name="resident_initials_like", opclasses=PATTERN * 2),
            models.Index(fields=["name_pinyin", "region_path"], name="resident_pinyin_like", opclasses=PATTERN * 2),
            models.Index(fields=["name", "region_path"], name="resident_name_like", opclasses=PATTERN * 2),
            models.Index(fields=["phone_tail", "region_path"], name="resident_phone_tail", opclasses=PATTERN * 2),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(gender__in=["M", "F"]), name="resident_gender_valid"),
            models.CheckConstraint(condition=Q(moved_out__isnull=True) | Q(moved_in__isnull=True) | Q(moved_out__gte=models.F("moved_in")), name="resident_moved_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def moved_in_near_birth(self) -> bool:
        """A move-in date up to a year after birth (registered at birth, as a baby) would give away
        the birth date hidden in the ID number: masked views show only its year."""
        return bool(self.moved_in and self.birth_date and self.moved_in <= self.birth_date + dt.timedelta(days=366))

    @property
    def masked_moved_in(self) -> dt.date | None:
        """The move-in date as a masked view may show it (None when only the year may show)."""
        return None if self.moved_in_near_birth else self.moved_in

    @property
    def moved_in_year(self) -> int | None:
        return self.moved_in.year if self.moved_in else None

    @property
    def tag_labels(self) -> list[str]:
        labels = {t.value: str(t.label) for t in Tag}
        return [labels.get(t, t) for t in self.tags]

    @property
    def sensitive_tag_labels(self) -> list[str]:
        labels = {t.value: str(t.label) for t in SensitiveTag}
        return [labels.get(t, t) for t in self.sensitive_tag_list]

    @property
    def sensitive_tag_list(self) -> list[str]:
        return [t for t in (self.sensitive_tags or "").split(",") if t]

    @property
    def is_current(self) -> bool:
        return self.moved_out is None


class MobilisationDuty(TimeStamped):
    """The mobilisation chain 社区 → 楼长 → 居民代表 → 户代表: a building leader or resident
    representative responsible for a building. Household representatives are on Household."""

    class Kind(models.TextChoices):
        BUILDING_LEADER = "building_leader", _("楼长")
        REPRESENTATIVE = "representative", _("居民代表")

    kind = models.CharField(_("职责"), max_length=20, choices=Kind.choices)
    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.PROTECT, related_name="duties")
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.CASCADE, related_name="duties")
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("动员体系职责")
        verbose_name_plural = _("动员体系职责")
        constraints = [
            models.UniqueConstraint(fields=["kind", "resident", "building"], name="duty_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.building} {self.get_kind_display()} {self.resident}"


class HomeVisit(TimeStamped):
    """入户走访 by a grid worker."""

    class Purpose(models.TextChoices):
        ROUTINE = "routine", _("日常走访")
        VERIFY = "verify", _("信息核实")
        CARE = "care", _("关爱探访")
        NOTICE = "notice", _("政策宣传")
        DISPUTE = "dispute", _("矛盾排查")

    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="visits")
    region_path = models.CharField(_("区划路径"), max_length=15, editable=False)
    visitor = models.ForeignKey("accounts.User", verbose_name=_("走访人"), on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("走访日期"))
    purpose = models.CharField(_("事由"), max_length=16, choices=Purpose.choices, default=Purpose.ROUTINE)
    met = models.BooleanField(_("见到住户"), default=True)
    notes = models.TextField(_("情况记录"), blank=True)
    needs_follow_up = models.BooleanField(_("需跟进"), default=False)

    class Meta:
        verbose_name = _("入户走访")
        verbose_name_plural = _("入户走访")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["region_path", "visited_on"], name="visit_region_date", opclasses=["varchar_pattern_ops", "date_ops"])]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.household}"


def import_file_name(instance: object, filename: str) -> str:
    import uuid

    return f"imports/{uuid.uuid4().hex}.bin"


class ImportBatch(TimeStamped):
    """An uploaded Excel file: validated first (report per row), written only on confirmation."""

    class Kind(models.TextChoices):
        RESIDENTS = "residents", _("居民")
        HOUSES = "houses", _("房屋")

    class Status(models.TextChoices):
        VALIDATED = "validated", _("已校验，待确认")
        IMPORTED = "imported", _("已导入")
        DISCARDED = "discarded", _("已放弃")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.VALIDATED)
    uploaded_by = models.ForeignKey("accounts.User", verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=15, blank=True)
    filename = models.CharField(_("文件名"), max_length=200)
    file = models.FileField(_("文件(加密保存)"), upload_to=import_file_name, storage=private_storage, blank=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    valid_rows = models.PositiveIntegerField(_("有效行数"), default=0)
    error_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    imported_rows = models.PositiveIntegerField(_("导入行数"), default=0)
    errors = models.JSONField(_("校验报告"), default=list, blank=True)

    class Meta:
        verbose_name = _("Excel导入")
        verbose_name_plural = _("Excel导入")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["validated", "imported", "discarded"]), name="import_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"
