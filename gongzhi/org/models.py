"""The org tree (街道 > 社区 > 小区 > 楼栋 > 户), people, ownership, the three parties and roles.

Every node stores a materialized `path` ("S1/C3/P12/B40/U900/") written once by
`org.services`; a role granted at a node covers every object whose path starts with the
node's path. That single rule is the scope of every read in the project.
"""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models

from gongzhi.org.querysets import ScopedQuerySet


class NodeKind(models.TextChoices):
    STREET = "street", "街道"
    COMMUNITY = "community", "社区"
    COMPOUND = "compound", "小区"
    BUILDING = "building", "楼栋"
    UNIT = "unit", "户"


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

    REGISTERED = "registered", "不动产登记"
    SURVEYED = "surveyed", "实测"
    CONTRACT = "contract", "合同"


class Owner(models.Model):
    """An owning party: one person, a co-owned group voting through one person, or the developer.

    One Owner holding several units counts as one head (domain rule V6).
    """

    class Kind(models.TextChoices):
        PERSON = "person", "个人"
        CO_OWNED = "co_owned", "共有"
        DEVELOPER = "developer", "开发建设单位"

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
        REGISTERED = "registered", "已登记"
        POSSESSION = "possession", "已交付未登记"
        UNSOLD = "unsold", "未售/未交付"

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
        OWNER_OCCUPIER = "owner", "业主自住"
        TENANT = "tenant", "租户"
        FAMILY = "family", "家庭成员"

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


class User(AbstractUser):
    """A login. Staff and residents alike; a resident's user links to their Person."""

    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    display_name = models.CharField("显示名称", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    STREET_OFFICER = "street_officer", "街道干部"
    COMMUNITY_WORKER = "community_worker", "社区工作者"
    GRID_WORKER = "grid_worker", "网格员"
    PARTY_MEMBER = "party_member", "党支部成员"
    COMMITTEE_MEMBER = "committee_member", "业委会成员"
    PROPERTY_STAFF = "property_staff", "物业人员"
    RESIDENT = "resident", "居民/业主"


class RoleGrant(models.Model):
    """A role granted at one node of the tree, covering everything below it.

    Property staff are granted at their company instead: their scope is the compounds of the
    company's current service contracts, so a lapsed contract ends their access by itself.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    scope_path = models.CharField(max_length=120, blank=True)
    scope_label = models.CharField("范围", max_length=200, blank=True)
    company = models.ForeignKey(
        "org.PropertyCompany", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "scope_path", "company"], name="role_grant_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role="property_staff", company__isnull=False)
                    | (~models.Q(role="property_staff") & ~models.Q(scope_path=""))
                ),
                name="role_grant_has_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"


# --- The three parties ------------------------------------------------------------------------


class PartyBranch(models.Model):
    """党支部 of a compound (or of a property company, when `company` is set)."""

    name = models.CharField("名称", max_length=100)
    compound = models.OneToOneField(
        Compound, null=True, blank=True, on_delete=models.PROTECT, related_name="party_branch"
    )
    company = models.OneToOneField(
        "org.PropertyCompany",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_branch",
    )

    class Meta:
        verbose_name = verbose_name_plural = "党组织"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(compound__isnull=False) | models.Q(company__isnull=False),
                name="party_branch_has_home",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PartyBranchMember(models.Model):
    branch = models.ForeignKey(PartyBranch, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    duty = models.CharField("职务", max_length=30, default="党员")
    # 党员责任区: the households this member looks after.
    households = models.ManyToManyField(Unit, blank=True, related_name="party_stewards")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "person"], name="branch_member_unique")
        ]


class OwnersCommittee(models.Model):
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="committees")
    term_start = models.DateField("任期开始")
    term_end = models.DateField("任期结束")
    filed_on = models.DateField("备案日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "业主委员会"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__gt=models.F("term_start")),
                name="committee_term_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.compound.name}业委会（{self.term_start:%Y}—{self.term_end:%Y}）"


class CommitteeMember(models.Model):
    class Office(models.TextChoices):
        DIRECTOR = "director", "主任"
        DEPUTY = "deputy", "副主任"
        MEMBER = "member", "委员"

    committee = models.ForeignKey(OwnersCommittee, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    office = models.CharField("职务", max_length=10, choices=Office.choices, default=Office.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["committee", "person"], name="committee_member_unique")
        ]


class PropertyCompany(models.Model):
    name = models.CharField("企业名称", max_length=120, unique=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    hotline = models.CharField("服务电话", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "物业服务企业"

    def __str__(self) -> str:
        return self.name


class FeeMode(models.TextChoices):
    LUMP_SUM = "lump_sum", "包干制"
    COMMISSION = "commission", "酬金制"
    TRUST = "trust", "信托制"


class ServiceContract(models.Model):
    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="contracts")
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="contracts")
    fee_mode = models.CharField("收费模式", max_length=12, choices=FeeMode.choices)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    fee_per_m2 = models.DecimalField("物业费(元/㎡·月)", max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "物业服务合同"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gt=models.F("start")),
                name="contract_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(fee_mode__in=["lump_sum", "commission", "trust"]),
                name="contract_fee_mode_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.compound}"


class Commitment(models.Model):
    """A public service commitment of the company: a contract term (民法典 Art. 938)."""

    contract = models.ForeignKey(
        ServiceContract, on_delete=models.CASCADE, related_name="commitments"
    )
    text = models.CharField("承诺内容", max_length=300)
    due = models.DateField("兑现期限", null=True, blank=True)
    kept_on = models.DateField("兑现日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务承诺"


class Grid(models.Model):
    """网格: a set of buildings looked after by grid workers."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="grids")
    name = models.CharField("网格名称", max_length=60)
    buildings = models.ManyToManyField(Building, blank=True, related_name="grids")
    workers = models.ManyToManyField(User, blank=True, related_name="grids")

    class Meta:
        verbose_name = verbose_name_plural = "网格"
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="grid_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
