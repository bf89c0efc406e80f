"""Cross-cutting data: the audit chain and the working-day calendar overrides."""

from django.conf import settings
from django.db import models


class AuditRecord(models.Model):
    """One append-only, hash-chained audit entry (domain rule G4).

    Rows are written only by `core.audit.record`; database triggers refuse UPDATE and DELETE.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        DENIED = "denied", "拒绝"
        FAILED = "failed", "失败"

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=["success", "denied", "failed"]),
                name="audit_outcome_valid",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """A single row locked while appending, so that the chain stays linear under concurrency."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class CalendarOverride(models.Model):
    """An administrator's correction of the official working-day calendar for one date."""

    date = models.DateField(unique=True)
    is_workday = models.BooleanField()
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "工作日历调整"
        verbose_name_plural = "工作日历调整"

    def __str__(self) -> str:
        kind = "工作日" if self.is_workday else "休息日"
        return f"{self.date} {kind}"
