"""The stored AI grid worker (AI网格员) suggestion of a case (G3: it suggests, a person decides).

One row per computation (filing, or a later recomputation); the newest is the one shown. The
suggestion never changes the case: the assessor's 研判 does, and the row records whether the
assessor took the advice (`decision`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.choices import Category, Level, SlaClass, Urgency


class SuggestedUrgency(models.TextChoices):
    """The triage library's urgency levels, named as the `Urgency` of the 研判 form each maps
    to: the card and the form speak one vocabulary."""

    EMERGENCY = "emergency", _("特急")
    URGENT = "urgent", _("紧急")
    NORMAL = "normal", _("一般")


URGENCY_FOR_CASE: dict[str, str] = {
    SuggestedUrgency.EMERGENCY: Urgency.CRITICAL,
    SuggestedUrgency.URGENT: Urgency.URGENT,
    SuggestedUrgency.NORMAL: Urgency.NORMAL,
}


# Under this confidence the card flags a category suggestion as a guess. Confidences are
# calibrated (README: ECE 0.03), so such suggestions are right fewer than 6 times in 10.
LOW_CONFIDENCE = 0.6


class RoutingBasis(models.TextChoices):
    """Where the suggested party came from: the street's routing table, or the fallback."""

    COMPOUND_RULE = "compound", _("本小区派单规则")
    STREET_RULE = "street", _("街道默认派单规则")
    NO_RULE = "none", _("未设派单规则，按时限类别")


class Decision(models.TextChoices):
    PENDING = "pending", _("待研判")
    ACCEPTED = "accepted", _("已采纳")
    OVERRIDDEN = "overridden", _("人工调整")


class CaseSuggestion(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="ai_suggestions")
    category = models.CharField("建议类别", max_length=20, choices=Category.choices, blank=True)
    confidence = models.DecimalField("置信度", max_digits=4, decimal_places=3, default=0)
    model_version = models.CharField("模型版本", max_length=60, blank=True)
    top_terms = models.JSONField("依据词语", default=list, blank=True)
    urgency = models.CharField(
        "建议紧急程度", max_length=10, choices=SuggestedUrgency.choices, blank=True
    )
    urgency_confidence = models.DecimalField(
        "紧急程度置信度", max_digits=4, decimal_places=3, default=0
    )
    sla_class = models.CharField(
        "建议时限类别", max_length=12, choices=SlaClass.choices, blank=True
    )
    level = models.CharField("建议责任层级", max_length=12, choices=Level.choices, blank=True)
    company = models.ForeignKey(
        "org.PropertyCompany",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="建议物业企业",
    )
    department = models.CharField("建议职能部门", max_length=60, blank=True)
    routing_basis = models.CharField(
        "承办建议依据", max_length=10, choices=RoutingBasis.choices, blank=True
    )
    urgency_terms = models.JSONField("紧急程度依据", default=list, blank=True)
    duplicate_ids = models.JSONField("疑似重复诉求", default=list, blank=True)
    # {"<case id>": {"score": 0.29, "words": ["煤气味", …]}}: why each looks like a repeat.
    duplicate_details = models.JSONField("疑似重复的相似度", default=dict, blank=True)
    no_suggestion_reason = models.CharField("无建议原因", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        "研判结果", max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "AI网格员建议"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="case_suggestion_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=list(Decision.values)),
                name="case_suggestion_decision_valid",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="case_suggestion_confidence_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_category_display() or '—'}"

    @property
    def confidence_percent(self) -> int:
        return round(self.confidence * 100)

    @property
    def urgency_confidence_percent(self) -> int:
        return round(self.urgency_confidence * 100)

    @property
    def uncertain(self) -> bool:
        """Whether the category is a guess the card should flag (see LOW_CONFIDENCE)."""
        return self.confidence < LOW_CONFIDENCE

    def duplicate_detail(self, case_id: int) -> dict:
        """{"score_percent": 29, "words": [...]} of one likely duplicate (empty if unknown)."""
        detail = (self.duplicate_details or {}).get(str(case_id)) or {}
        if "score" not in detail:
            return {}
        return {"score_percent": round(detail["score"] * 100), "words": detail.get("words", [])}

    @property
    def case_urgency(self) -> str:
        """The cases `Urgency` value the assess form should get."""
        return URGENCY_FOR_CASE.get(self.urgency, Urgency.NORMAL)
