"""Forms of the actions on one case. Each carries the case `version` it was rendered with;
the services compare it (`expected_version`) so that a stale form changes nothing."""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from gongzhi.cases import policies, sla
from gongzhi.cases.choices import (
    ABOUT_SERVING_COMPANY,
    CaseType,
    Category,
    Level,
    NotAcceptedReason,
    RatingLevel,
    RatingVia,
    SlaClass,
    Urgency,
)
from gongzhi.cases.forms.fields import MultipleFileField, StyledForm, Textarea, text_field
from gongzhi.cases.pending_requests import extension_request
from gongzhi.cases.services.assignment import respondent_options
from gongzhi.cases.services.handling import resolve_errors
from gongzhi.cases.services.reassignment import reassign_errors
from gongzhi.cases.texts import MAX_CONTENT, MAX_NOTE, MAX_RESOLUTION_NOTE

# --- Actions on one case ------------------------------------------------------------------------


def note_field(label: str, name: Any, max_length: int = MAX_NOTE, **kwargs: Any) -> Any:
    """A note or reason, of at most 500 characters unless said otherwise, as in the API (the
    service checks it too); `name` is the short label its too-long message uses."""
    kwargs.setdefault("required", False)
    return text_field(label, name, max_length, widget=Textarea(attrs={"rows": 2}), **kwargs)


class ActionForm(StyledForm):
    """Base of every action form: the hidden version, and the service's keyword arguments.
    `user` is who fills it in (None: unknown), for the forms that offer each person their own."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, case: Any = None, user: Any = None, **kwargs: Any) -> None:
        self.case = case
        self.user = user
        super().__init__(*args, **kwargs)
        if case is not None and not self.is_bound:
            self.fields["version"].initial = case.version

    def service_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class NoteForm(ActionForm):
    """开始办理's form (a note only)."""

    note = note_field(_("备注"), _("备注"))

    def __init__(self, *args: Any, case: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        # 退单 is open while 已交办/已签收 only (workflow.py): say so before the work starts,
        # unless the street designated the unit, which may never return it.
        if case is None or not case.designated_by_street:
            self.fields["note"].help_text = _("开始办理后不能再退单；如非本单位职责，请先退单")


class ReasonForm(ActionForm):
    reason = note_field(
        _("理由"), _("理由"), required=True, error_messages={"required": _("请填写理由")}
    )


class EmptyActionForm(ActionForm):
    pass


URGENCY_ORDER = {value: rank for rank, value in enumerate(Urgency.values)}  # 一般 < 紧急 < 特急


class AssessForm(ActionForm):
    category = forms.ChoiceField(label=_("类别"), choices=[("", _("请选择")), *Category.choices])
    sla_class = forms.ChoiceField(
        label=_("时限类别"), choices=[("", _("请选择")), *SlaClass.choices]
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    type = forms.ChoiceField(label=_("诉求类型"), choices=CaseType.choices)
    respondent_company = forms.TypedChoiceField(
        label=_("被反映物业"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("该物业企业不是本小区的服务物业")},
    )
    note = note_field(_("研判意见（内部）"), _("研判意见"))

    def __init__(self, *args: Any, case: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self._respondent_choices(case)
        if case is not None and not self.is_bound:
            suggestion = case.suggestion or {}
            suggested = suggestion.get("category", "")
            category = case.category or (suggested if suggested in Category.values else "")
            # A petition (阳光信访) opens as 信访类 (S3); the assessor may still change it.
            sla_class = case.sla_class or sla.default_class(channel=case.channel, category=category)
            urgency = case.urgency
            if case.assessed_at is None:
                # Before the first 研判 the AI's reading of an emergency sign (燃气味, 电梯困人)
                # opens the form: whoever changes one field must not downgrade it unseen.
                if suggestion.get("sla_class") in SlaClass.values and not case.sla_class:
                    sla_class = sla.default_class(
                        channel=case.channel, category=category, suggested=suggestion["sla_class"]
                    )
                if URGENCY_ORDER.get(suggestion.get("urgency"), -1) > URGENCY_ORDER[urgency]:
                    urgency = suggestion["urgency"]
            self.initial.update(
                category=category,
                sla_class=sla_class,
                urgency=urgency,
                type=case.type,
                respondent_company=case.respondent_company_id,
            )

    def _respondent_choices(self, case: Any) -> None:
        """被反映物业 (S9): the compound's serving companies; blank means the serving company
        when the category is about its own conduct (the service decides)."""
        self.companies = {c.pk: c for c in respondent_options(case.compound)} if case else {}
        field = self.fields["respondent_company"]
        field.choices = [("", "—"), *((pk, c.name) for pk, c in self.companies.items())]
        categories = "、".join(
            str(label) for v, label in Category.choices if v in ABOUT_SERVING_COMPANY
        )
        field.help_text = _(
            "诉求反映的是哪家物业企业（可不填）。类别为%(categories)s时，不填即为本小区的服务物业。"
            "被反映的物业看不到诉求人的姓名、电话和具体位置。"
        ) % {"categories": categories}

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        data["respondent_company"] = self.companies.get(data.get("respondent_company"))
        return data


class LevelField(forms.ChoiceField):
    """The 责任层级 select: a refused choice (a stale page's) comes back showing `fallback`, the
    level its help text advises, not the first option the browser would fall back to."""

    offered: tuple[str, ...] = ()
    fallback = ""

    def bound_data(self, data: Any, initial: Any) -> Any:
        if self.offered and data not in self.offered and self.fallback:
            return self.fallback
        return super().bound_data(data, initial)


# How 交办/改派 name a level, as 批量交办 does ("物业：<企业>"): the compound's level is its
# property company, which "小区" alone did not say. The values stay the levels.
LEVEL_TARGETS: dict[str, Any] = {
    Level.COMPOUND: _("物业（小区）"),
    Level.COMMUNITY: _("社区"),
    Level.STREET: _("街道"),
    Level.DEPARTMENT: _("职能部门"),
}


class DispatchForm(ActionForm):
    level = LevelField(label=_("责任层级"), choices=list(LEVEL_TARGETS.items()))
    company = forms.TypedChoiceField(
        label=_("物业企业"), coerce=int, required=False, empty_value=None
    )
    department = text_field(_("职能部门（吹哨）"), _("职能部门"), 60, required=False)
    due_at = forms.DateTimeField(
        label=_("办理期限（可不填）"),
        required=False,
        help_text=_("不填则按时限规则自动计算；可提前，不能晚于时限规则规定的期限"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": _("请填写正确的日期时间")},
    )
    # The resident reads it in 办理过程 (the 研判意见 is the internal one).
    note = note_field(_("交办说明（诉求人可见）"), _("交办说明"))
    # 交办 opens at the routing suggestion; 改派 at the level the case sits at.
    offers_suggestion = True

    def __init__(
        self,
        *args: Any,
        case: Any = None,
        options: dict | None = None,
        user: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.user = user
        options = options or {"companies": [], "suggestion": None}
        self.companies = {c.pk: c for c in options["companies"]}
        self.fields["company"].choices = [
            ("", "—"),
            *((c.pk, c.name) for c in self.companies.values()),
        ]
        # Only the levels this user may send the case to are offered (a community worker does
        # not blow the whistle to a department); a stale page posting another is told why.
        self.levels = [value for value in Level.values if self._may_send_to(value)]
        self.fields["level"].widget.choices = [
            (value, label) for value, label in LEVEL_TARGETS.items() if value in self.levels
        ]
        if Level.DEPARTMENT not in self.levels:
            del self.fields["department"]  # nothing to name for whoever cannot send it there
        suggestion = options.get("suggestion")
        if suggestion is not None and self.offers_suggestion:
            self._open_at(suggestion)
        if user is not None and case is not None:  # S4: why the levels below are not offered
            below = policies.escalation_floor_note(user, case)
            if below:
                self.fields["level"].help_text = below

    def _may_send_to(self, level: str) -> bool:
        if self.user is None or self.case is None:
            return True
        return policies.can_dispatch_to(self.user, self.case, level)

    def _open_at(self, suggestion: Any) -> None:
        """The routing suggestion, or, when it names a level this user may not send to, the
        community (the street sends it on), with why (also beside a refused choice)."""
        if suggestion.level in self.levels or not self.levels:
            if not self.is_bound:
                self.initial.update(
                    level=suggestion.level,
                    company=suggestion.company.pk if suggestion.company else None,
                    department=suggestion.department,
                )
            return
        level = Level.COMMUNITY if Level.COMMUNITY in self.levels else self.levels[0]
        self.fields["level"].offered, self.fields["level"].fallback = tuple(self.levels), level
        if not self.is_bound:
            self.initial.update(level=level, company=None, department="")
        party = " · ".join(
            str(part) for part in (Level(suggestion.level).label, suggestion.department) if part
        )
        self.fields["level"].help_text = _(
            "派单规则建议交办至%(party)s，须由街道工作人员交办。请联系街道交办，或先交办至%(level)s。"
        ) % {"party": party, "level": Level(level).label}

    def clean_level(self) -> str:
        level = self.cleaned_data["level"]
        if not self._may_send_to(level):
            raise forms.ValidationError(
                _("只有街道工作人员可以派往%(level)s，请选择其他责任层级或联系街道。")
                % {"level": Level(level).label}
            )
        return level

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        # The company select keeps its choice when another level is picked: a company is
        # named only for a compound, or it would go on working on a community's case.
        compound = data.get("level") == Level.COMPOUND
        data["company"] = self.companies.get(data.get("company")) if compound else None
        return data


class ReassignForm(DispatchForm):
    """改派: the same choice of party and deadline as 交办, and a reason instead of a note."""

    note = None
    offers_suggestion = False
    reason = note_field(
        _("改派理由"),
        _("改派理由"),
        required=True,
        error_messages={"required": _("请填写改派理由")},
    )

    def __init__(self, *args: Any, case: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if case is not None and not self.is_bound:
            # Not the routing suggestion, which for a late case is often the party it is taken
            # from: the level it sits at now, with no party named (the street names one).
            self.initial.update(level=case.assigned_level, company=None, department="")

    def clean(self) -> dict[str, Any]:
        """Every error at once: the service's own checks of what was filled in (reason, party,
        deadline) beside this form's, where a field has none yet. The service checks again."""
        data = super().clean()
        if self.case is None:
            return data
        level = data.get("level") or ""
        errors = reassign_errors(
            case=self.case,
            level=level,
            company=self.companies.get(data.get("company")) if level == Level.COMPOUND else None,
            department=data.get("department") or "",
            reason=data.get("reason") or "",
            due_at=data.get("due_at"),
        )
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return data


class ResolveForm(ActionForm):
    public_reply = forms.CharField(
        label=_("公开答复（将告知诉求人，不得含个人信息）"),
        max_length=MAX_CONTENT,
        widget=Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写公开答复")},
    )
    resolution_note = note_field(_("处置说明（内部）"), _("处置说明"), MAX_RESOLUTION_NOTE)
    evidence = MultipleFileField(label=_("处置凭证（必传：照片或 PDF，每个不超过 5 MB）"))

    def clean(self) -> dict[str, Any]:
        """Every error at once: the service's checks (a missing reply and missing evidence
        together) beside this form's, where a field has none yet. The service checks again."""
        data = super().clean()
        if self.case is None:
            return data
        errors = resolve_errors(
            self.case,
            public_reply=data.get("public_reply") or "",
            resolution_note=data.get("resolution_note") or "",
            evidence=data.get("evidence") or [],
        )
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return data


class ExtendForm(ReasonForm):
    until = forms.DateTimeField(
        label=_("延期至"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("请选择延期后的期限"), "invalid": _("请填写正确的日期时间")},
    )


class RequestExtensionForm(ReasonForm):
    """申请延期: the days asked for; the deadline moves only once it is approved."""

    days = forms.IntegerField(
        label=_("申请延期天数"),
        min_value=1,
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
        error_messages={
            "required": _("请填写申请延期的天数"),
            "invalid": _("请填写整数天数"),
        },
    )
    field_order = ["days", "reason"]

    def __init__(self, *args: Any, case: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if case is None or not case.sla_class:
            return
        policy = sla.policy_for(case.sla_class)
        days = self.fields["days"]
        days.widget.attrs["max"] = policy.extension_days
        # The service's own limit, beside the field before anything is asked.
        limit = _("延期天数须在 1 至 %(n)d 天之间") % {"n": policy.extension_days}
        days.error_messages["min_value"] = limit
        days.validators.append(MaxValueValidator(policy.extension_days, message=limit))
        if case.sla_class == SlaClass.PETITION:
            note = _("最多 %(n)d 天。信访事项延期须经街道批准，批准后才延长期限并告知诉求人")
        else:
            note = _("最多 %(n)d 天。经社区或街道批准后才延长期限，并告知诉求人")
        self.fields["days"].help_text = note % {"n": policy.extension_days}


class ApproveExtensionForm(ActionForm):
    """批准延期: the request it approves is shown; an opinion may be added."""

    note = note_field(_("审批意见（可不填）"), _("审批意见"))

    def __init__(self, *args: Any, case: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        request = extension_request(case) if case is not None else {}
        if request:
            self.fields["note"].help_text = _(
                "申请延期 %(days)d 天，理由：%(reason)s。批准后办理期限顺延，并告知诉求人"
            ) % {"days": request["days"], "reason": request["reason"]}


class TerminateForm(ReasonForm):
    """终止: approving a request, or the street's own decision; the reason reaches the
    requester with where to turn if they disagree."""

    def __init__(self, *args: Any, case: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        note = _("终止理由将告知诉求人，并告知其如有异议可向街道反映")
        if case is not None and not case.termination_requested:
            note = _("未经申请直接终止，记为街道批准。") + note
        self.fields["reason"].label = _("终止理由")
        self.fields["reason"].help_text = note


class AnswerForm(ActionForm):
    reply = forms.CharField(
        label=_("答复内容（公开）"),
        max_length=MAX_CONTENT,
        widget=Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写答复内容")},
    )


class NotAcceptForm(ActionForm):
    reason = forms.ChoiceField(label=_("不予受理原因"), choices=NotAcceptedReason.choices)
    note = note_field(_("补充说明"), _("补充说明"))


RESOLVED_CHOICES = [("1", _("已解决")), ("0", _("未解决"))]


class RateForm(ActionForm):
    """The requester's own rating (via online); one per round."""

    resolved = forms.TypedChoiceField(
        label=_("问题是否解决"),
        choices=RESOLVED_CHOICES,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择问题是否解决")},
    )
    level = forms.ChoiceField(
        label=_("满意度"),
        choices=RatingLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意度")},
    )
    note = note_field(_("意见（可不填）"), _("意见"))

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "via": RatingVia.ONLINE}


class VisitForm(RateForm):
    """Staff record a phone or in-person return visit (S5)."""

    via = forms.ChoiceField(
        label=_("回访方式"), choices=[c for c in RatingVia.choices if c[0] != RatingVia.ONLINE]
    )
    exception_reason = note_field(
        _("例外办结理由（未解决或不满意时填写则直接办结）"), _("例外办结理由")
    )

    def __init__(self, *args: Any, case: Any = None, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, case=case, user=user, **kwargs)
        # 例外办结 only for whoever may record one (S5: the service checks the same policy).
        known = user is not None and case is not None
        self.exception_refused = policies.exception_refused_reason(user, case) if known else ""
        if self.exception_refused:
            del self.fields["exception_reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # A reason posted from a page that offered the field (opened before a role changed):
        # said on the form, the visit kept as typed, rather than recorded without it.
        if self.exception_refused and (self.data.get("exception_reason") or "").strip():
            self.add_error(None, self.exception_refused)
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class MergeForm(ActionForm):
    """并入原诉求 (S6): the earlier case, by its number (the AI card's 并入此诉求 fills it in)."""

    original = text_field(
        _("原诉求编号"),
        _("原诉求编号"),
        20,
        error_messages={"required": _("请填写原诉求编号")},
        widget=forms.TextInput(attrs={"placeholder": "NH…"}),
    )
