"""Cross-cutting data: the audit chain and the working-day calendar overrides."""

import datetime as dt

from django.conf import settings
from django.db import models

from gongzhi.core.masking import mask_phone


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


# --- Notifications (gongzhi.core.notifications) ----------------------------------------------


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> "NotificationQuerySet":
        """A notification is its recipient's alone: scoping is by recipient, not by the tree."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One in-app message to one user. External deliveries (email, SMS) hang off it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类型", max_length=64)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    # The title's and body's messages, rendered again in each reader's language
    # (notifications/texts.py); title and body above are the platform-language rendering.
    texts = models.JSONField(default=dict, blank=True)
    link = models.CharField("链接", max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    urgent = models.BooleanField(default=False)  # may reach staff in quiet hours
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "通知"
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_dedupe",
                violation_error_message="同一通知已发送过。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def shown_title(self) -> str:
        """The title in the reader's (active) language."""
        from gongzhi.core.notifications.texts import shown

        return shown(self.title, self.texts.get("title"))

    @property
    def shown_body(self) -> str:
        from gongzhi.core.notifications.texts import shown

        return shown(self.body, self.texts.get("body"))


class NotificationPreference(models.Model):
    """How a user wants to be told. In-app is always on; email and SMS are optional.

    Quiet hours are local wall-clock times (settings.TIME_ZONE); start > end wraps midnight.
    Muted kinds silence the external channels only; the inbox still gets the message.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField("邮件通知", default=True)
    sms_enabled = models.BooleanField("短信通知", default=True)
    muted_kinds = models.JSONField("不接收外部通知的类型", default=list, blank=True)
    quiet_hours_enabled = models.BooleanField("启用免打扰时段", default=True)
    quiet_start = models.TimeField("免打扰开始", default=dt.time(22, 0))
    quiet_end = models.TimeField("免打扰结束", default=dt.time(7, 0))
    urgent_bypasses_quiet_hours = models.BooleanField("紧急事项不受免打扰限制", default=True)
    # The language of the user's email and text messages (the inbox follows the page's).
    # Each language is named in itself, as a language switcher names it.
    LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
    language = models.CharField(
        "邮件和短信语言", max_length=10, choices=LANGUAGES, default="zh-hans"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知偏好"

    def __str__(self) -> str:
        return f"通知偏好 · {self.user_id}"


class QueuedSend(models.Model):
    """The life of one external message in the database queue: claimed pending → sending by
    compare-and-swap, so it goes out at most once; then sent, or failed after its retries."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "失败"
        CANCELLED = "cancelled", "已取消"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        abstract = True


class Delivery(QueuedSend):
    """One external send of a notification on one channel; the database is the queue."""

    class Channel(models.TextChoices):
        EMAIL = "email", "邮件"
        SMS = "sms", "短信"

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = verbose_name_plural = "通知投递"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_one_per_channel"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=["email", "sms"]), name="delivery_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["pending", "sending", "sent", "failed", "cancelled"]
                ),
                name="delivery_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.notification_id} {self.status}"


class PhoneSms(QueuedSend):
    """A text message to a phone number given without an account (the requester of a hotline
    or walk-in case gave only a number). The same queue as `Delivery`; (phone, dedupe_key) is
    unique, so a rerun of the step that wrote it writes nothing (core.notifications.phone).
    """

    phone = models.CharField("手机号", max_length=11)  # 11 digits; shown masked (G1)
    kind = models.CharField("类型", max_length=64)
    text = models.CharField("内容", max_length=300)
    title = models.CharField("摘要", max_length=35)  # the variable of a template provider
    link = models.CharField("链接", max_length=200, blank=True)  # the ending of `text`, if any
    dedupe_key = models.CharField(max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "号码短信"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="phone_sms_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["phone", "dedupe_key"],
                name="phone_sms_dedupe",
                violation_error_message="同一短信已发送过。",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["pending", "sending", "sent", "failed", "cancelled"]
                ),
                name="phone_sms_status_valid",
            ),
            models.CheckConstraint(condition=~models.Q(dedupe_key=""), name="phone_sms_keyed"),
        ]

    def __str__(self) -> str:
        return f"短信 {mask_phone(self.phone)} {self.kind} {self.status}"


class RateCounter(models.Model):
    """Requests counted in one fixed window (gongzhi.core.ratelimit): one row per bucket and
    window, bumped by a single atomic upsert so every worker process counts together."""

    bucket = models.CharField(max_length=200)
    window_start = models.BigIntegerField(help_text="Unix time the window began")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "window_start"], name="rate_counter_unique")
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_counter_window_idx")]

    def __str__(self) -> str:
        return f"{self.bucket}@{self.window_start}: {self.count}"
