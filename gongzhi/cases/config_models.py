"""The street's configuration of the closed loop (设置): the deadlines of each SLA class (S3)
and the routing rules (category → party). Re-exported by `cases.models`; edited through
`services.configuration`."""

from django.db import models
from django.db.models import Q

from gongzhi.cases.choices import Category, Level, SlaClass


class SlaPolicy(models.Model):
    """S3: the deadlines of one SLA class (street-editable; defaults from a data migration)."""

    class Clock(models.TextChoices):
        HOURS = "hours", "自然小时（7×24）"
        WORKING_DAYS = "working_days", "工作日"

    code = models.CharField("类别", max_length=20, choices=SlaClass.choices, unique=True)
    name = models.CharField("名称", max_length=50)
    respond_minutes = models.PositiveIntegerField("响应时限（分钟）")
    clock = models.CharField("计时方式", max_length=15, choices=Clock.choices)
    resolve_hours = models.PositiveIntegerField("处置时限（小时）", null=True, blank=True)
    resolve_working_days = models.PositiveIntegerField("处置时限（工作日）", null=True, blank=True)
    escalation_hours = models.PositiveIntegerField("升级后上一级处置时限（小时）", default=24)
    escalation_working_days = models.PositiveIntegerField(
        "升级后上一级处置时限（工作日）", null=True, blank=True
    )
    warn_percent = models.PositiveSmallIntegerField(
        "到期预警（剩余时限百分比）", default=20, help_text="剩余时间少于时限的该比例时预警"
    )
    max_extensions = models.PositiveSmallIntegerField("最多延期次数", default=1)
    extension_days = models.PositiveIntegerField("每次最多延期（自然日）", default=5)
    auto_close_days = models.PositiveSmallIntegerField("处置后无评价自动办结（天）", default=7)
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理时限规则"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(clock="hours", resolve_hours__gt=0)
                    | Q(clock="working_days", resolve_working_days__gt=0)
                ),
                name="sla_policy_resolve_matches_clock",
                violation_error_message="按小时计时须填写处置小时数，按工作日计时须填写工作日数",
            ),
            models.CheckConstraint(
                # NULL > 0 is unknown, which a CHECK lets through: say "not null" outright.
                condition=Q(clock="hours")
                | Q(
                    clock="working_days",
                    escalation_working_days__isnull=False,
                    escalation_working_days__gt=0,
                ),
                name="sla_policy_escalation_matches_clock",
                violation_error_message="按工作日计时须填写升级后上一级的处置时限（工作日）",
            ),
            models.CheckConstraint(
                condition=Q(warn_percent__lte=90), name="sla_policy_warn_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Category → responsible party. A rule without compound is the street's default."""

    compound = models.ForeignKey(
        "org.Compound", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    level = models.CharField("责任层级", max_length=12, choices=Level.choices)
    company = models.ForeignKey(
        "org.PropertyCompany", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = models.CharField("职能部门", max_length=60, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "派单规则"
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "category"],
                name="routing_rule_unique",
                violation_error_message="该小区此类别已有派单规则",
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(compound__isnull=True),
                name="routing_rule_default_unique",
                violation_error_message="此类别已有街道默认派单规则",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} → {self.get_level_display()}"
