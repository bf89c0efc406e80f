"""Filing, the work queue, imports and metrics filters. Forms check shape; services meaning."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.choices import (
    CaseType,
    Channel,
    Level,
    SlaClass,
)
from gongzhi.cases.forms.fields import (
    MAX_PHOTOS,
    MultipleFileField,
    PeriodDatesForm,
    QuickSelect,
    StyledForm,
    Textarea,
    formatted_lazy,
    text_field,
    words_required,
)
from gongzhi.cases.forms.kept_photos import KeptPhotosForm
from gongzhi.cases.metrics import Grouping
from gongzhi.cases.periods import (
    EARLIEST,
    LATEST,
    Preset,
    local_today,
    matching_preset,
    preset_period,
)
from gongzhi.cases.services.intake import address_errors, phone_errors
from gongzhi.cases.texts import (
    MAX_ADDRESS,
    MAX_CONTENT,
    MAX_REQUESTER_NAME,
    MAX_TITLE,
    no_words_message_lazy,
    title_from,
    title_no_words_message_lazy,
    too_long_message_lazy,
)
from gongzhi.cases.workflow import Status
from gongzhi.core.parsing import parse_id, parse_int
from gongzhi.org.grant_labels import community_label

# --- Filing -----------------------------------------------------------------------------------

# Content and a given title must say something in words: "😡", "？？？" or a zero-width space
# alone are refused here, and by the service for the API and the import.
CONTENT_WORDS = words_required(no_words_message_lazy())
TITLE_WORDS = words_required(title_no_words_message_lazy())


class ReportForm(KeptPhotosForm):
    """我要反映: the resident's phone form."""

    type = forms.ChoiceField(
        label=_("诉求类型"),
        choices=[(v, label) for v, label in CaseType.choices if v != CaseType.OTHER],
        initial=CaseType.HELP,
    )
    title = text_field(
        _("标题（可不填）"), _("标题"), MAX_TITLE, required=False, validators=[TITLE_WORDS]
    )
    content = forms.CharField(
        label=_("反映内容"),
        max_length=MAX_CONTENT,
        validators=[CONTENT_WORDS],
        widget=Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("请填写反映内容"),
            "max_length": too_long_message_lazy(_("反映内容"), MAX_CONTENT),
        },
    )
    place = forms.ChoiceField(
        label=_("涉及位置"),
        error_messages={"invalid_choice": _("请选择您所在小区的房屋、楼栋或公共区域")},
    )
    photos = MultipleFileField(
        label=_("照片（可多张，每张不超过 5 MB）"),
        image_only=True,
        help_text=formatted_lazy(_("最多 %(n)d 张，支持 JPG、PNG、GIF、WebP"), n=MAX_PHOTOS),
    )
    is_public = forms.BooleanField(
        label=_("可以公开（隐去个人信息后在透明小区展示）"), required=False
    )

    def __init__(
        self, *args: Any, places: list[tuple[str, str]], requester_name: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.requester_name = requester_name  # kept out of a title made from the content (S9)
        self.fields["place"].choices = places
        if places:
            self.fields["place"].initial = places[0][0]

    def clean_content(self) -> str:
        content = self.cleaned_data["content"].strip()
        if not content:
            raise ValidationError(_("请填写反映内容"))
        return content

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("content") and not (data.get("title") or "").strip():
            data["title"] = title_from(data["content"], [self.requester_name])
        return data


class TelInput(forms.TextInput):
    """Someone else's phone number, typed by staff: the phone's dial pad, no autofill."""

    input_type = "tel"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "tel", "autocomplete": "off", **(attrs or {})})


class IntakeForm(KeptPhotosForm):
    """Staff record a demand from any channel (S1). The service's checks of these fields (the
    phone's format, a flat the building lacks) run here too, so that a refused form lists every
    error at once: a grid worker re-picks the photo once, not once per round."""

    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=[c for c in Channel.choices if c[0] != Channel.ONLINE],
        error_messages={
            "required": _("请选择来源渠道"),
            "invalid_choice": _("您不能登记该来源渠道的诉求，请选择其他渠道"),
        },
    )
    type = forms.ChoiceField(
        label=_("诉求类型"),
        choices=CaseType.choices,
        initial=CaseType.HELP,
        error_messages={"required": _("请选择诉求类型")},
    )
    compound = forms.TypedChoiceField(
        label=_("小区"),
        coerce=int,
        error_messages={"required": _("请选择小区")},
    )
    address = text_field(
        _("楼栋/房号/位置"),
        _("地址"),
        MAX_ADDRESS,
        required=False,
        help_text=_("写明楼栋和房号（如“3栋2单元502”）即自动关联到该户"),
    )
    title = text_field(_("标题"), _("标题"), MAX_TITLE, required=False, validators=[TITLE_WORDS])
    content = forms.CharField(
        label=_("诉求内容"),
        max_length=MAX_CONTENT,
        validators=[CONTENT_WORDS],
        widget=Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("请填写诉求内容"),
            "max_length": too_long_message_lazy(_("诉求内容"), MAX_CONTENT),
        },
    )
    requester_name = text_field(
        _("诉求人姓名"), _("诉求人姓名"), MAX_REQUESTER_NAME, required=False
    )
    requester_phone = text_field(_("联系电话"), _("联系电话"), 20, required=False, widget=TelInput)
    is_public = forms.BooleanField(label=_("诉求人同意公开"), required=False)
    photos = MultipleFileField(label=_("现场照片"))

    def __init__(
        self, *args: Any, compounds: list[Any], channels: list[str] | None = None, **kwargs: Any
    ) -> None:
        """`channels`: the ones this person may record (ui_selectors.intake_channels)."""
        super().__init__(*args, **kwargs)
        self.compounds = {c.pk: c for c in compounds}
        self.fields["compound"].choices = [(c.pk, c.name) for c in compounds]
        if channels is not None:
            channel = self.fields["channel"]
            channel.choices = [c for c in channel.choices if c[0] in channels]
            if Channel.HOTLINE_12345 not in channels:
                channel.help_text = _("12345热线工单和阳光信访件由社区或街道登记")

    def clean_requester_phone(self) -> str:
        phone = self.cleaned_data["requester_phone"]
        if errors := phone_errors(phone):
            raise ValidationError(errors["requester_phone"])
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("compound") is not None:
            data["compound"] = self.compounds[data["compound"]]
            if data.get("address") and "address" not in self.errors:
                for field, message in address_errors(data["compound"], data["address"]).items():
                    self.add_error(field, message)
        if data.get("content") and not (data.get("title") or "").strip():
            data["title"] = title_from(data["content"], [data.get("requester_name")])
        return data


# --- Work queue ---------------------------------------------------------------------------------

BUCKET_CHOICES = [
    ("open", _("未办结")),
    ("todo", _("待我处理")),
    ("warning", _("即将超时")),
    ("resolved", _("待回访")),
    ("closed", _("已结束")),
    ("all", _("全部")),
]


class FiledDayField(forms.DateField):
    """受理日期: one local day, written 2026-11-30, or "today" (a link that always means the day
    it is opened)."""

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str) and value.strip().lower() == "today":
            return local_today()
        day = super().to_python(value)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ValidationError(_("日期须在2000年1月1日至2099年12月31日之间"), code="invalid")
        return day


class QueueFilterForm(StyledForm):
    """The work queue's filters. A filter whose value is not valid (a foreign compound or
    community, a wrong date) is dropped; the others still apply."""

    bucket = forms.ChoiceField(choices=BUCKET_CHOICES, required=False)
    q = forms.CharField(label=_("搜索"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部状态")), *Status.choices],
        required=False,
        widget=QuickSelect,
    )
    sla_class = forms.ChoiceField(
        label=_("时限类别"),
        choices=[("", _("全部时限类别")), *SlaClass.choices],
        required=False,
        widget=QuickSelect,
    )
    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=[("", _("全部渠道")), *Channel.choices],
        required=False,
        widget=QuickSelect,
    )
    community = forms.TypedChoiceField(
        label=_("社区"), coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    compound = forms.TypedChoiceField(
        label=_("小区"), coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    filed = FiledDayField(
        label=_("受理日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("受理日期无效，请按“2026-11-30”的格式填写")},
    )
    overdue = forms.BooleanField(label=_("仅看已超时"), required=False)
    supervised = forms.BooleanField(label=_("仅看督办中"), required=False)
    # 搜索更早的诉求: a text search reads the cases recorded before this one (a case id).
    before = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )
    # The search `before` was chosen for: a new search starts again from the newest cases.
    before_q = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, compounds: list[Any], communities: list[Any] | None = None, **kwargs: Any
    ) -> None:
        """`communities`: those of `compounds` unless given."""
        super().__init__(*args, **kwargs)
        self.fields["compound"].choices = [
            ("", _("全部小区")),
            *((c.pk, c.name) for c in compounds),
        ]
        if communities is None:
            communities = list({c.community_id: c.community for c in compounds}.values())
        # A choice of community only for those who see several (a street officer; a company
        # serving compounds of several communities): for others it would filter nothing.
        self.shows_community = len(communities) > 1
        self.fields["community"].choices = [
            ("", _("全部社区")),
            *((c.pk, community_label(c.name)) for c in communities if self.shows_community),
        ]
        self.compounds_of: dict[int, list[int]] = {}  # community → its compounds listed here
        for compound in compounds:
            self.compounds_of.setdefault(compound.community_id, []).append(compound.pk)
        # The filters sit in one row without visible labels: name them for screen readers.
        for field in self.fields.values():
            if field.label:
                field.widget.attrs.setdefault("aria-label", str(field.label))
        self.fields["q"].widget.attrs["placeholder"] = _("搜索内容、小区、编号、诉求人电话或姓名")

    def clean_filed(self) -> dt.date | None:
        day = self.cleaned_data.get("filed")
        if day is not None and self.data.get("filed") != day.isoformat():
            self.data = self.data.copy()  # "today" (or 2026-1-5): show the day it stands for
            self.data["filed"] = day.isoformat()
        return day

    def _community_compounds(self, community: int | None) -> list[int] | None:
        """The chosen community's compounds among those the user may choose (None: any)."""
        return None if community is None else self.compounds_of.get(community, [])

    def _window_end(self, data: dict[str, Any]) -> int | None:
        """`before` for the search it was chosen for (搜索更早的诉求); None once the box is
        cleared or holds another search (`before_q` differs), which reads the newest again."""
        q = (data.get("q") or "").strip()
        if not q or ("before_q" in self.data and (data.get("before_q") or "").strip() != q):
            return None
        return data.get("before")

    def queue_filters(self) -> dict[str, Any]:
        """Keyword arguments for `selectors.case_queue` (invalid filters are dropped)."""
        self.is_valid()
        data = self.cleaned_data  # the valid fields only
        bucket = data.get("bucket") or "open"
        return {
            "bucket": None if bucket == "all" else bucket,
            "q": data.get("q", ""),
            "status": data.get("status") or None,
            "sla_class": data.get("sla_class", ""),
            "channel": data.get("channel") or None,
            "compound_ids": self._community_compounds(data.get("community")),
            "compound_id": data.get("compound"),
            "filed": data.get("filed"),
            "overdue": bool(data.get("overdue")),
            "under_supervision": bool(data.get("supervised")),
            "before": self._window_end(data),
            "order": "urgency",
        }


class BulkDispatchForm(StyledForm):
    """Select several cases → one party. `cases` values are "pk:version" (stale-safe)."""

    cases = forms.MultipleChoiceField(
        error_messages={"required": _("请至少选择一件诉求")}, widget=forms.CheckboxSelectMultiple
    )
    target = forms.ChoiceField(label=_("交办给"), error_messages={"required": _("请选择承办单位")})

    def __init__(self, *args: Any, companies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.companies = {c.pk: c for c in companies}
        self.fields["target"].choices = [
            ("", _("请选择承办单位")),
            *((f"company:{c.pk}", _("物业：%(name)s") % {"name": c.name}) for c in companies),
            ("community", _("社区")),
            ("street", _("街道")),
        ]
        # Any "pk:version" pair is acceptable shape; the selector decides visibility.
        self.fields["cases"].choices = (
            [(v, v) for v in self.data.getlist("cases")] if self.data else []
        )

    def clean_cases(self) -> list[tuple[int, int]]:
        pairs = []
        for value in self.cleaned_data["cases"]:
            pk, _sep, version = value.partition(":")
            case_id, seen_version = parse_id(pk), parse_int(version)
            if case_id is None or seen_version is None:
                raise ValidationError(_("所选诉求无效，请刷新后重试"))
            pairs.append((case_id, seen_version))
        return pairs

    def assignee(self) -> dict[str, Any]:
        target = self.cleaned_data["target"]
        if target.startswith("company:"):
            return {"level": Level.COMPOUND, "company": self.companies[int(target[8:])]}
        return {"level": target}


# --- Imports and metrics ------------------------------------------------------------------------


class ImportForm(StyledForm):
    file = forms.FileField(
        label=_("12345 工单 Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": _("请选择要导入的 Excel 文件")},
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        name = file.name.lower()
        if name.endswith(".csv"):
            raise ValidationError(_("这是 CSV 文件，请在 Excel 中另存为 .xlsx 后再导入"))
        if name.endswith(".xls"):
            raise ValidationError(
                _("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再导入")
            )
        if not name.endswith(".xlsx"):
            raise ValidationError(_("仅支持 .xlsx 格式的 Excel 文件"))
        if file.size > 10 * 1024 * 1024:
            raise ValidationError(_("文件不能超过 10 MB"))
        return file


class MetricsFilterForm(PeriodDatesForm):
    """Period (a quick choice or two dates, in local time), grouping and community.

    Always bound (to the query string, empty the first time): with nothing chosen it means
    本月 by 小区. A quick choice wins over the dates, which are then shown as the days it stands
    for, so that 查询 after editing one of them asks for exactly the edited days."""

    period = forms.ChoiceField(
        label=_("期间"),
        choices=Preset.choices,
        required=False,
        error_messages={"invalid_choice": _("请选择本月、上月、本季度、本年或自定义日期")},
    )
    field_order = ("period", "start", "end", "group", "community")
    group = forms.ChoiceField(
        label=_("分组"),
        choices=Grouping.choices,
        required=False,
        error_messages={"invalid_choice": _("请选择按小区、社区或物业公司分组")},
    )
    community = forms.TypedChoiceField(
        label=_("社区"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("请从列表中选择社区")},
    )

    def __init__(
        self, *args: Any, communities: list[Any], today: dt.date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or local_today()
        self.communities = {c.pk: c for c in communities}
        self.fields["community"].choices = [
            ("", _("全部社区")),
            *((c.pk, community_label(c.name)) for c in communities),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:  # a field is wrong: its own message says what
            return data
        preset = data.get("period") or (
            Preset.CUSTOM if data.get("start") or data.get("end") else Preset.THIS_MONTH
        )
        if preset != Preset.CUSTOM:
            period = preset_period(preset, self.today)
        else:
            period = self.chosen_dates(data)
        data["group"] = data.get("group") or Grouping.COMPOUND
        data["range"] = period
        data["period"] = matching_preset(period, self.today)
        self.data = self.data.copy()  # show the days the quick choice stands for
        self.data["start"], self.data["end"] = period.first.isoformat(), period.last.isoformat()
        return data

    def filters(self) -> dict[str, Any]:
        """For the selectors: [start, end) in local time and the community (a valid form)."""
        start, end = self.cleaned_data["range"].bounds()
        return {
            "start": start,
            "end": end,
            "community": self.communities.get(self.cleaned_data.get("community")),
        }

    def query(self, **extra: str) -> str:
        """The query string of exactly these days, grouping and community (for the download)."""
        period = self.cleaned_data["range"]
        community = self.cleaned_data.get("community")
        return urlencode(
            {
                "period": Preset.CUSTOM,
                "start": period.first.isoformat(),
                "end": period.last.isoformat(),
                "group": self.cleaned_data["group"],
                **({"community": str(community)} if community in self.communities else {}),
                **extra,
            }
        )
