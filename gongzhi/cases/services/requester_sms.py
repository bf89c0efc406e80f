"""The text message a requester without an account gets instead of the in-app notice: the
hotline (12345) order, the walk-in or the phone call that staff recorded with a name and a
phone only. Called by `notices.tell_requester` (and for S6 repeats by `notices`), inside the
service's transaction, and by the 进度查询 at /track/ (`send_tracking_link`);
`core.notifications.sms_to_phone` sends it after commit, at most once per number and step,
never in the night. When the number is also an account's own (a resident
who called instead of using the app), that account's 通知设置 apply: texts off or the kind muted
means no text, and its quiet hours hold it.

One short text per step: signed 【共治】, the case's number and status and the absolute
tracking link (/track/<number>/<token>/, where the requester follows and rates the case) and
nothing else: never the requester's name, phone or room, nor the case's content (S9). The one
exception is 终止: the requester is told why (the reason the community or street gave, cleaned
of names, phones and rooms by `notices.staff_words` before it reaches `tell`, and cut to keep
the text one billed message). Stored texts are Chinese, like the notices.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases.choices import source_label
from gongzhi.cases.deadlines import local_stamp
from gongzhi.cases.models import Case
from gongzhi.cases.tracking import phone_digits, tracking_token
from gongzhi.cases.workflow import Status
from gongzhi.core.models import Delivery, NotificationPreference, PhoneSms
from gongzhi.core.notifications import sms_to_phone
from gongzhi.core.notifications.phone import is_mobile
from gongzhi.core.notifications.preferences import external_channels, preferences_for
from gongzhi.org.models import User

SIGNATURE = "【共治】"

# The requester's own steps: kind → (status for a template provider, the sentence before the
# link). Kinds not here (e.g. 提级, 转办) stay in-app only; staff kinds never reach this module.
TEXTS = {
    "case.created": ("已受理", "您的诉求已受理，编号{number}，可点击链接查看进度："),
    "case.extended": ("已延期", "您的诉求{number}办理期限已延长至{until}，查看进度："),
    "case.rate_request": ("已处置", "您的诉求{number}已处置，请点击链接评价办理结果："),
    "case.closed": ("已办结", "您的诉求{number}已办结，感谢您的反映。详情："),
    "case.terminated": ("已终止", "您的诉求{number}已终止办理。详情："),
    "case.not_accepted": ("不予受理", "您的诉求{number}不予受理，原因及办理途径见："),
}
# 终止 with the reason given (`tell`'s `reason`); TEXTS' sentence when there is none.
TERMINATED_WITH_REASON = "您的诉求{number}已终止办理，理由：{reason}。详情："
# One billed message of Chinese text; the tracking link comes on top (every text is one).
SMS_LENGTH = 70
# S6: a repeat joined an open case, then that case's outcome (notices.OUTCOME_KINDS' values).
JOINED = "您反映的问题已并入诉求{original}办理，当前进度：{progress}。查看进度："
REPEAT_OUTCOMES = {
    "case.resolved": "已处置",
    "case.closed": "已办结",
    "case.terminated": "已终止办理",
    "case.not_accepted": "不予受理",
}
REPEAT_OUTCOME = "您反映的问题已并入诉求{original}，该诉求{status}。详情："
# 进度查询 (/track/): the link goes to the phone on file, never to the page that asked for it,
# like a password reset: whoever read the phone on the case page (a company doing a repair)
# must not get the link that rates the case as its requester. At most one per case per window.
LOOKUP_KIND = "case.tracking_link"
LOOKUP_TEXT = "您查询的诉求{number}，可点击链接查看进度和评价："
LOOKUP_WINDOW = dt.timedelta(minutes=10)


def phone_of(case: Case) -> str:
    """The mobile number to text for `case`: its requester has no account and gave a valid
    mainland mobile (11 digits from 1); "" otherwise (a landline, nothing, or an account)."""
    if case.requester_id:
        return ""
    digits = phone_digits(case.requester_phone or "")
    return digits if is_mobile(digits) else ""


def owners_preference(phone: str, kind: str) -> tuple[bool, NotificationPreference | None]:
    """Whether a text of `kind` may go to `phone`, and whose quiet hours apply. A number that
    is also an account's own (a resident who called the hotline) follows that account's
    choices: no text when its owner switched texts or this kind off; their quiet hours."""
    owners = list(User.objects.filter(person__phone=phone, is_active=True).select_related("person"))
    if not owners:
        return True, None
    preferences = preferences_for(owners)
    for owner in owners:
        if Delivery.Channel.SMS not in external_channels(owner, preferences[owner.pk], kind):
            return False, None
    return True, preferences[owners[0].pk]


def still_wanted(phone: str, kind: str) -> bool:
    """Asked again when a queued text goes out (core.notifications.phone): the number's owner
    may have switched texts off while it waited for the end of quiet hours."""
    return owners_preference(phone, kind)[0]


def tracking_url(case: Case) -> str:
    path = reverse("track:case", args=[case.number, tracking_token(case)])
    return f"{settings.GONGZHI_PUBLIC_BASE_URL.rstrip('/')}{path}"


def tell(
    case: Case, *, kind: str, key: str, original: Case | None = None, reason: str = ""
) -> bool:
    """Queue the text of `kind` for the requester of `case` if it has no account and a mobile;
    `original` is the case a repeat joined (S6); `reason`: why it was terminated, already
    cleaned for the requester's eyes (`notices.staff_words`). True when a text was queued (not
    a rerun)."""
    phone = phone_of(case)
    found = _text(case, kind=kind, original=original, reason=reason) if phone else None
    if found is None:
        return False
    wanted, preference = owners_preference(phone, kind)
    if not wanted:
        return False
    status, sentence = found
    queued = sms_to_phone(
        phone=phone,
        kind=kind,
        text=f"{SIGNATURE}{sentence}",
        link=tracking_url(case),
        title=f"诉求{case.number}{status}",
        dedupe_key=f"case:{case.pk}:{key}",
        preference=preference,
    )
    return queued is not None


def _text(
    case: Case, *, kind: str, original: Case | None, reason: str = ""
) -> tuple[str, str] | None:
    if original is not None and kind == "case.repeated":
        progress = source_label(Status(original.status).label)
        return "已并入", JOINED.format(original=original.number, progress=progress)
    if original is not None:
        status = REPEAT_OUTCOMES.get(kind)
        if status is None:
            return None
        return status, REPEAT_OUTCOME.format(original=original.number, status=status)
    if kind not in TEXTS:
        return None
    status, sentence = TEXTS[kind]
    if kind == "case.terminated" and reason.strip():
        return status, with_reason(case, reason)
    until = local_stamp(case.due_at, year=True) if case.due_at else ""
    return status, sentence.format(number=case.number, until=until)


def with_reason(case: Case, reason: str) -> str:
    """The 终止 sentence naming the reason, cut (…) so that the signed text stays within
    SMS_LENGTH."""
    reason = " ".join(reason.split()).rstrip("。.；;，,")
    room = (
        SMS_LENGTH
        - len(SIGNATURE)
        - len(TERMINATED_WITH_REASON.format(number=case.number, reason=""))
    )
    if len(reason) > room:
        reason = reason[: max(room - 1, 0)].rstrip("。.；;，,、 ") + "…"
    return TERMINATED_WITH_REASON.format(number=case.number, reason=reason)


def send_tracking_link(case: Case) -> bool:
    """Queue the tracking link of `case` for the mobile its requester gave at filing, asked for
    at /track/ with the case's number and that phone: at most one text per case per
    `LOOKUP_WINDOW` however often it is asked (the key names the window; an earlier text of the
    last ten minutes stops the next), at once whatever the hour (they are waiting for it),
    unless the number's owner turned texts off in 通知设置. True when a text was queued; the page
    answers the same either way."""
    phone = phone_digits(case.requester_phone or "")
    if not is_mobile(phone):
        return False
    wanted, preference = owners_preference(phone, LOOKUP_KIND)
    if not wanted:
        return False
    now = timezone.now()
    prefix = f"case:{case.pk}:lookup:"
    with transaction.atomic():
        recent = PhoneSms.objects.filter(
            phone=phone, dedupe_key__startswith=prefix, created_at__gt=now - LOOKUP_WINDOW
        )
        if recent.exists():
            return False
        window = int(now.timestamp() // LOOKUP_WINDOW.total_seconds())
        queued = sms_to_phone(
            phone=phone,
            kind=LOOKUP_KIND,
            text=f"{SIGNATURE}{LOOKUP_TEXT.format(number=case.number)}",
            link=tracking_url(case),
            title=f"诉求{case.number}查询链接",
            dedupe_key=f"{prefix}{window}",
            preference=preference,
            asked=True,  # they are waiting for it, night or day
        )
    return queued is not None
