"""Resident demands (诉求): the case, its event timeline, attachments and ratings; the street's
SLA classes and routing rules live in `config_models` (re-exported here).

Every write goes through `gongzhi.cases.services`; the models hold data and invariants only.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.choices import (
    AttachmentKind,
    CaseType,
    Category,
    Channel,
    Level,
    NotAcceptedReason,
    RatingLevel,
    RatingVia,
    SlaClass,
    Urgency,
)
from gongzhi.cases.querysets import (
    CaseQuerySet,
    ClockRank,
    IsActive,
    RunningDue,
    every_case_order,
)
from gongzhi.cases.workflow import AWAITING_DESK, CLOCK_STATUSES, OPEN_STATUSES, Status
from gongzhi.core.choice_labels import ChoiceLabels

CASE_NUMBER_PREFIX = "NH"  # 南湖; numbers look like NH202611290001


def _values(choices: type[models.TextChoices]) -> list[str]:
    return list(choices.values)


# The current 签收 deadline has not been flagged as missed yet. A flag is written at or after
# the deadline it flags, and every 交办 sets a deadline later than any earlier flag, so a flag
# left from an earlier dispatch reads as "not flagged" without anyone having to clear it.
RESPOND_UNFLAGGED = Q(respond_breached_at__isnull=True) | Q(
    respond_breached_at__lt=F("respond_due_at")
)


def queue_index_columns() -> list[Any]:
    """The columns of the work queue's partial indexes, in the queue's order: urgency and time
    left on the running clock (研判, 签收 or resolve deadline), then every column the scope,
    buckets and filters test (fresh expressions per index)."""
    return [
        ClockRank(),
        RunningDue(),
        *(
            F(name)
            for name in (
                "created_at", "id", "status", "compound", "sla_class", "channel", "due_at",
                "warn_at", "breached_at", "assigned_company", "assigned_level",
                "termination_requested", "requester", "created_by", "is_public", "respond_due_at",
                "assess_due_at",
            )
        ),
    ]  # fmt: skip


class Case(ChoiceLabels):
    number = models.CharField("编号", max_length=20, unique=True)
    channel = models.CharField("来源渠道", max_length=20, choices=Channel.choices)
    type = models.CharField("诉求类型", max_length=15, choices=CaseType.choices)
    title = models.CharField("标题", max_length=200)
    content = models.TextField("诉求内容")
    # Indexed by case_compound_created_idx (compound first), like the other FKs marked so.
    compound = models.ForeignKey(
        "org.Compound", on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    building = models.ForeignKey(
        "org.Building", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField("地址", max_length=200, blank=True)

    # The requester, stored once; shown masked per S9 (selectors.case_requester).
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requested_cases",
    )
    requester_name = models.CharField("诉求人", max_length=50, blank=True)
    requester_phone = models.CharField("联系电话", max_length=20, blank=True)
    # The phone's digits (requester_keys.phone_key), written with it: the work queue's search
    # finds a caller's cases by their whole number through case_requester_phone_idx.
    requester_phone_key = models.CharField(max_length=32, blank=True, editable=False)
    is_public = models.BooleanField("同意公开诉求内容", default=False)
    respondent_company = models.ForeignKey(
        "org.PropertyCompany",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="被反映物业企业",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # 研判
    category = models.CharField("类别", max_length=20, choices=Category.choices, blank=True)
    sla_class = models.CharField("时限类别", max_length=12, choices=SlaClass.choices, blank=True)
    urgency = models.CharField(
        "紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    suggestion = models.JSONField("AI研判建议", default=dict, blank=True)  # G3: advice only
    assessed_at = models.DateTimeField(null=True, blank=True)
    # The desk's deadline while it holds the case (deadlines.AWAITING_DESK): 研判期限, 受理 +
    # respond_minutes of the provisional class (sla.assess_window; none for a merged repeat),
    # cleared by 研判; or 交办期限, restarted by 退单 and 重办 (sla.redispatch_window) and kept
    # until 交办.
    assess_due_at = models.DateTimeField("研判期限", null=True, blank=True)
    # When the sweep found assess_due_at missed with the desk still holding the case (once per
    # deadline: 退单 and 重办 clear it with the new one).
    assess_breached_at = models.DateTimeField("研判超时时间", null=True, blank=True)

    # Indexed on PostgreSQL only (migration 0023): SQLite's planner counted the queue through it.
    status = models.CharField(
        "状态", max_length=15, choices=Status.choices, default=Status.RECEIVED
    )
    version = models.PositiveIntegerField(default=1)  # bumped by every human change (stale forms)
    round = models.PositiveSmallIntegerField("办理轮次", default=1)

    # 交办: the responsible party
    assigned_level = models.CharField("责任层级", max_length=12, choices=Level.choices, blank=True)
    assigned_company = models.ForeignKey(
        "org.PropertyCompany",
        null=True,
        blank=True,
        db_index=False,  # case_company_scope_idx
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        verbose_name="承办物业企业",
    )
    assigned_department = models.CharField("承办部门", max_length=60, blank=True)
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name="承办人",
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    designated_by_street = models.BooleanField("街道指定承办", default=False)
    escalation_level = models.PositiveSmallIntegerField("升级次数", default=0)

    # SLA clock (S3/S4)
    dispatched_at = models.DateTimeField("首次交办时间", null=True, blank=True)
    respond_due_at = models.DateTimeField("响应期限", null=True, blank=True)
    # When the sweep found respond_due_at missed (签收 overdue); see RESPOND_UNFLAGGED.
    respond_breached_at = models.DateTimeField("签收超时时间", null=True, blank=True)
    # When the handlers were warned that respond_due_at is near (once per 签收 deadline: every
    # 交办 and 改派 clears it, as warned_at for due_at).
    respond_warned_at = models.DateTimeField("签收预警时间", null=True, blank=True)
    clock_started_at = models.DateTimeField(null=True, blank=True)  # start of the current window
    due_at = models.DateTimeField("办理期限", null=True, blank=True)
    # The warning of the running deadline: the 研判 one while filed (受理), then due_at's.
    warn_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField("超时时间", null=True, blank=True)  # of the current due_at
    breach_count = models.PositiveSmallIntegerField(default=0)
    extension_count = models.PositiveSmallIntegerField("本轮延期次数", default=0)
    # A pending 申请延期 (by the handling company, or a petition's by the community): the days
    # asked for, 0 when none is pending. The deadline moves only when it is approved.
    extension_requested_days = models.PositiveSmallIntegerField("申请延期天数", default=0)
    return_count = models.PositiveSmallIntegerField("退单次数", default=0)
    responded_at = models.DateTimeField("签收时间", null=True, blank=True)
    resolved_at = models.DateTimeField("处置时间", null=True, blank=True)
    visit_due_at = models.DateTimeField("回访期限", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    supervised = models.BooleanField("督办", default=False)
    supervised_at = models.DateTimeField(null=True, blank=True)
    termination_requested = models.BooleanField("已申请终止", default=False)
    not_accepted_reason = models.CharField(
        "不予受理原因", max_length=15, choices=NotAcceptedReason.choices, blank=True
    )

    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
        verbose_name="重复诉求所并入的诉求",
    )
    external_order_no = models.CharField("外部工单编号", max_length=40, blank=True)
    # A deadline set by the hotline or a superior; a dispatch never goes past it.
    external_due_at = models.DateTimeField("上级规定办理时限", null=True, blank=True)
    public_reply = models.TextField("公开答复", blank=True)  # S9: free of personal data
    resolution_note = models.TextField("处置说明", blank=True)
    created_at = models.DateTimeField("受理时间", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CaseQuerySet.as_manager()
    scope_path_field = "compound__path"

    class Meta:
        verbose_name = verbose_name_plural = "诉求"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The SLA sweeps scan only open cases near or past their deadline.
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=sorted(CLOCK_STATUSES), breached_at__isnull=True),
                name="case_open_due_idx",
            ),
            models.Index(
                fields=["warn_at"],
                condition=Q(status__in=sorted(CLOCK_STATUSES), warned_at__isnull=True),
                name="case_open_warn_idx",
            ),
            # The response sweep: dispatched cases not yet signed for whose 签收 deadline has
            # not been flagged (a few minutes' worth of dispatches), by that deadline.
            models.Index(
                fields=["respond_due_at"],
                condition=Q(status="dispatched") & RESPOND_UNFLAGGED,
                name="case_respond_due_idx",
            ),
            # The desk's sweep: filed cases nobody assessed, and cases handed back nobody
            # handed over again, whose deadline is not flagged yet.
            models.Index(
                fields=["assess_due_at"],
                condition=Q(status__in=sorted(AWAITING_DESK)) & Q(assess_breached_at__isnull=True),
                name="case_assess_due_idx",
            ),
            models.Index(
                fields=["visit_due_at"], condition=Q(status="resolved"), name="case_visit_due_idx"
            ),
            # The work queue's search by a requester's whole phone number, among all cases.
            models.Index(
                fields=["requester_phone_key"],
                condition=~Q(requester_phone_key=""),
                name="case_requester_phone_idx",
            ),
            # Also the count of a compound's finished cases (the queue's 已结束 tab, capped at
            # COUNT_CAP + 1), read from this index alone thanks to the trailing status.
            models.Index(
                fields=["compound", "created_at", "status"], name="case_compound_created_idx"
            ),
            # A company's cases by status, with the compound so that its counts (the 已结束 tab:
            # its finished cases in the compounds it serves) are read from the index alone.
            models.Index(
                fields=["assigned_company", "status", "compound"], name="case_company_scope_idx"
            ),
            # 诉求公开 (public_selectors): a street's published cases newest first, read
            # backwards and a page at a time; a tenth of the cases or fewer.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(is_public=True),
                name="case_public_idx",
            ),
            # The work queue's order (selectors.case_queue): cases still in the loop by urgency
            # and time left, read in index order, LIMIT a page; and for queues of every case
            # (全部), the finished ones after them, newest first. The active one also holds
            # every column the scope, buckets and filters test: a case that does not match is
            # skipped in the index, so a sparse filter costs a walk of this small index, not a
            # row per case.
            models.Index(
                *queue_index_columns(),
                condition=Q(IsActive()),
                name="case_queue_active_idx",
            ),
            # 督办中 (the queue's filter, the dashboard's tile): supervised cases still in the
            # loop, a few in a thousand, in the queue's order with the same columns. Without
            # it their page and count read every unfinished case's row to test the flag.
            models.Index(
                *queue_index_columns(),
                condition=Q(supervised=True) & Q(IsActive()),
                name="case_supervised_idx",
            ),
            models.Index(*every_case_order(), name="case_queue_idx"),
            # The work queue's counts (selectors.queue_counts, capped at COUNT_CAP + 1): the
            # unfinished cases of the compounds in scope, by status and deadline, with every
            # column the buckets and filters test, so a count reads only this small index.
            models.Index(
                fields=[
                    "compound",
                    "status",
                    "due_at",
                    "warn_at",
                    "breached_at",
                    "created_at",
                    "sla_class",
                    "channel",
                    "assigned_company",
                    "assigned_level",
                    "termination_requested",
                    "requester",
                    "created_by",
                    "is_public",
                    "respond_due_at",
                    "assess_due_at",
                ],
                condition=Q(IsActive()),
                name="case_active_scope_idx",
            ),  # fmt: skip
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=_values(Status)), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=_values(Channel)), name="case_channel_valid"
            ),
            models.CheckConstraint(condition=Q(type__in=_values(CaseType)), name="case_type_valid"),
            models.CheckConstraint(
                condition=Q(category__in=[*_values(Category), ""]), name="case_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(sla_class__in=[*_values(SlaClass), ""]), name="case_sla_class_valid"
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=_values(Urgency)), name="case_urgency_valid"
            ),
            models.CheckConstraint(
                condition=Q(assigned_level__in=[*_values(Level), ""]), name="case_level_valid"
            ),
            models.CheckConstraint(condition=Q(round__gte=1), name="case_round_positive"),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | Q(status="merged"),
                name="case_duplicate_is_merged",
            ),
            models.UniqueConstraint(
                fields=["external_order_no"],
                condition=~Q(external_order_no=""),
                name="case_unique_external_order_no",
                violation_error_message="外部工单编号已存在",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def external_due_passed(self) -> bool:
        """The hotline's or petition office's own deadline (办理时限 of an imported order) is
        past: shown beside it, since the case's clock restarts with its SLA class."""
        return self.external_due_at is not None and self.external_due_at <= timezone.now()

    @property
    def is_consultation(self) -> bool:
        return self.type == CaseType.CONSULTATION


class EventKind(models.TextChoices):
    FILED = "filed", _("受理")
    ASSESSED = "assessed", _("研判")
    DISPATCHED = "dispatched", _("交办")
    REASSIGNED = "reassigned", _("改派")
    ACCEPTED = "accepted", _("签收")
    STARTED = "started", _("开始办理")
    RESOLVED = "resolved", _("处置完毕")
    RETURNED = "returned", _("退单")
    EXTENDED = "extended", _("延期")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_REJECTED = "extension_rejected", _("驳回延期申请")
    SUPERVISED = "supervised", _("督办")
    ANSWERED = "answered", _("答复办结")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    VISITED = "visited", _("回访评价")
    REOPENED = "reopened", _("重办")
    CLOSED = "closed", _("办结")
    EXCEPTION = "exception", _("例外办结")
    TERMINATION_REQUESTED = "termination_requested", _("申请终止")
    TERMINATED = "terminated", _("终止")
    REPEATED = "repeated", _("重复反映")
    SLA_WARNED = "sla_warned", _("即将超时")
    SLA_BREACHED = "sla_breached", _("超时")
    RESPOND_BREACHED = "respond_breached", _("响应超时")  # not signed for (签收) in time
    ASSESS_OVERDUE = "assess_overdue", _("研判超时")  # filed, not assessed (研判) in time
    DISPATCH_OVERDUE = "dispatch_overdue", _("交办超时")  # 退单/重办, not handed over in time
    # An internal note of the 交办 (the AI grid worker's suggested party weighed); no hand-over.
    DISPATCH_NOTE = "dispatch_note", _("交办备注")
    ESCALATED = "escalated", _("升级")
    AUTO_CLOSED = "auto_closed", _("自动办结")
    ATTACHMENT = "attachment", _("上传附件")
    IMPORTED = "imported", _("导入")


class CaseEvent(ChoiceLabels):
    """One row per change: the timeline, the SLA clock history and the case's audit trail."""

    Kind = EventKind

    case = models.ForeignKey(  # indexed by case_event_case_idx (case first)
        Case, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField("事件", max_length=25, choices=EventKind.choices)
    old_status = models.CharField(max_length=15, blank=True)
    new_status = models.CharField(max_length=15, blank=True)
    note = models.TextField("说明", blank=True)
    # Internal notes are shown to staff only, never to the requester or the public.
    internal = models.BooleanField(default=False)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "诉求事件"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="case_event_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=_values(EventKind)), name="case_event_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


def _attachment_path(instance: "CaseAttachment", filename: str) -> str:
    # Never keep the uploader's file name in the path (it may contain a name or phone).
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{timezone.now():%Y/%m}/{instance.case_id}-{timezone.now():%H%M%S%f}.{suffix}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("类型", max_length=10, choices=AttachmentKind.choices)
    file = models.FileField("文件", upload_to=_attachment_path)
    content_type = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField(default=0)
    round = models.PositiveSmallIntegerField(default=1)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "诉求附件"
        ordering = ["uploaded_at", "id"]


class CaseRating(ChoiceLabels):
    """S5: the return visit of one round: resolved or not, and a 5-level rating."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField("轮次")
    resolved = models.BooleanField("问题是否解决")
    level = models.CharField("满意度", max_length=20, choices=RatingLevel.choices)
    via = models.CharField("方式", max_length=10, choices=RatingVia.choices)
    note = models.TextField("回访记录", blank=True)
    exception_reason = models.TextField("例外办结理由", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "回访评价"
        ordering = ["case_id", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "round"],
                name="case_rating_once_per_round",
                violation_error_message="本轮已回访评价",
            ),
            models.CheckConstraint(
                condition=Q(level__in=_values(RatingLevel)), name="case_rating_level_valid"
            ),
        ]


class CaseCounter(models.Model):
    """The last case number issued on one local day."""

    day = models.DateField(primary_key=True)
    value = models.PositiveIntegerField(default=0)


from gongzhi.cases.config_models import RoutingRule, SlaPolicy  # noqa: E402,F401  (设置)
from gongzhi.cases.pending_uploads import PendingUpload  # noqa: E402,F401  (暂存照片)
from gongzhi.cases.suggestions import CaseSuggestion  # noqa: E402,F401  (AI网格员, G3)
