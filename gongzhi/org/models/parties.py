"""The three parties of a compound: party branch, owners' committee and property company."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.org.models.accounts import User
from gongzhi.org.models.tree import Building, Community, Compound, Person, Unit


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
        DIRECTOR = "director", _("主任")
        DEPUTY = "deputy", _("副主任")
        MEMBER = "member", _("委员")

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
    LUMP_SUM = "lump_sum", _("包干制")
    COMMISSION = "commission", _("酬金制")
    TRUST = "trust", _("信托制")


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
