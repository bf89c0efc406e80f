"""The org tree (街道 > 社区 > 小区 > 楼栋 > 户), the people in it and who owns what.

Every node stores a materialized `path` ("S1/C3/P12/B40/U900/") written once by
`org.services`; a role granted at a node covers every object whose path starts with the
node's path. That single rule is the scope of every read in the project.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.org.querysets import ScopedQuerySet


class NodeKind(models.TextChoices):
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    COMPOUND = "compound", _("小区")
    BUILDING = "building", _("楼栋")
    UNIT = "unit", _("户")


class Node(models.Model):
    """Fields shared by every level of the tree."""

    name = models.CharField("名称", max_length=100)
    path = models.CharField(max_length=120, blank=True, db_index=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Street(Node):
    kind = NodeKind.STREET

    @property
    def parent(self) -> "Node | None":
        return None

    code = models.CharField("行政区划代码", max_length=20, unique=True)
    district = models.CharField("所属区", max_length=50, blank=True)
    city = models.CharField("所属市", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "街道"


class Community(Node):
    kind = NodeKind.COMMUNITY

    @property
    def parent(self) -> "Node":
        return self.street

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities")

    class Meta:
        verbose_name = verbose_name_plural = "社区"
        constraints = [
            models.UniqueConstraint(
                fields=["street", "name"],
                name="community_unique_name",
                violation_error_message="同一街道下社区名称不能重复",
            )
        ]


class Compound(Node):
    kind = NodeKind.COMPOUND

    @property
    def parent(self) -> "Node":
        return self.community

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="compounds")
    address = models.CharField("地址", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    built_year = models.PositiveSmallIntegerField("建成年份", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "小区"
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="compound_unique_name",
                violation_error_message="同一社区下小区名称不能重复",
            )
        ]


class Building(Node):
    kind = NodeKind.BUILDING

    @property
    def parent(self) -> "Node":
        return self.compound

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="buildings")
    floors = models.PositiveSmallIntegerField("层数", default=6)

    class Meta:
        verbose_name = verbose_name_plural = "楼栋"
        ordering = ["compound_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "name"],
                name="building_unique_name",
                violation_error_message="同一小区下楼栋名称不能重复",
            )
        ]

    @property
    def is_high_rise(self) -> bool:
        # 高层住宅: ten floors or more (GB 50016 uses 27 m, roughly ten storeys).
        return self.floors >= 10


class AreaSource(models.TextChoices):
    """Domain rule V7: registry area, else surveyed, else contract."""

    REGISTERED = "registered", _("不动产登记")
    SURVEYED = "surveyed", _("实测")
    CONTRACT = "contract", _("合同")


class Owner(models.Model):
    """An owning party: one person, a co-owned group voting through one person, or the developer.

    One Owner holding several units counts as one head (domain rule V6).
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("个人")
        CO_OWNED = "co_owned", _("共有")
        DEVELOPER = "developer", _("开发建设单位")

    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.PERSON)
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="owners")
    developer_name = models.CharField("开发建设单位名称", max_length=120, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "业主"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["person", "co_owned", "developer"]),
                name="owner_kind_valid",
            ),
            models.UniqueConstraint(
                fields=["compound"],
                condition=models.Q(kind="developer"),
                name="owner_one_developer_per_compound",
                violation_error_message="每个小区只有一个开发建设单位业主",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.DEVELOPER:
            return self.developer_name or "开发建设单位"
        return "、".join(m.person.name for m in self.members.all()) or f"业主#{self.pk}"


class Person(models.Model):
    """A natural person. Phone and ID number are stored here once and shown masked elsewhere."""

    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=20, blank=True, db_index=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    is_party_member = models.BooleanField("中共党员", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~models.Q(id_number=""),
                name="person_unique_id_number",
                violation_error_message="身份证号已登记",
            )
        ]

    def __str__(self) -> str:
        return self.name


class OwnerMember(models.Model):
    owner = models.ForeignKey(Owner, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ownerships")
    is_designated_voter = models.BooleanField("指定投票人", default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "person"], name="owner_member_unique"),
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(is_designated_voter=True),
                name="owner_one_designated_voter",
                violation_error_message="共有房屋只能指定一名投票人",
            ),
        ]


class Unit(Node):
    """A household unit (专有部分) with its exclusive area and the source of that area."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("已登记")
        POSSESSION = "possession", _("已交付未登记")
        UNSOLD = "unsold", _("未售/未交付")

    kind = NodeKind.UNIT

    @property
    def parent(self) -> "Node":
        return self.building

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="units")
    entrance = models.CharField("单元", max_length=10, default="1")
    room = models.CharField("房号", max_length=20)
    floor = models.SmallIntegerField("楼层", default=1)
    area = models.DecimalField("专有面积(㎡)", max_digits=9, decimal_places=2)
    area_source = models.CharField(
        "面积来源", max_length=12, choices=AreaSource.choices, default=AreaSource.REGISTERED
    )
    ownership_status = models.CharField(
        "产权状态", max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="units", null=True, blank=True
    )

    class Meta:
        verbose_name = verbose_name_plural = "房屋"
        ordering = ["building_id", "entrance", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "entrance", "room"],
                name="unit_unique_room",
                violation_error_message="同一楼栋单元下房号不能重复",
            ),
            models.CheckConstraint(
                condition=models.Q(area__gt=Decimal("0")), name="unit_area_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(area_source__in=["registered", "surveyed", "contract"]),
                name="unit_area_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.entrance}单元{self.room}"


class Residency(models.Model):
    class Kind(models.TextChoices):
        OWNER_OCCUPIER = "owner", _("业主自住")
        TENANT = "tenant", _("租户")
        FAMILY = "family", _("家庭成员")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="residencies")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="residencies")
    kind = models.CharField("居住类型", max_length=10, choices=Kind.choices)
    moved_in = models.DateField("入住日期", null=True, blank=True)
    moved_out = models.DateField("迁出日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "住户"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "person"],
                condition=models.Q(moved_out__isnull=True),
                name="residency_unique_current",
            )
        ]
