"""Reads behind the 受理回执 staff print and the public tracking pages (/track/), where a requester
without an account follows their case (tokens: `tracking`).

The tracking page is open to whoever holds the link, so it shows what the requester's own case
page shows and no more, with the requester masked (G1, S9): the same requester-facing timeline
(no internal note, staff by role and masked name), no phone, no room, no photo.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import segno
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from gongzhi.cases import policies, receipt_policies, selectors, ui_selectors
from gongzhi.cases.choices import NOT_ACCEPTED_CHANNEL, SlaClass
from gongzhi.cases.models import Case, CaseRating, SlaPolicy
from gongzhi.cases.selectors import CaseDetail, RequesterCard
from gongzhi.cases.texts import without_people
from gongzhi.cases.tracking import normalise_number, phone_digits, tracking_token
from gongzhi.cases.workflow import Status
from gongzhi.core.masking import mask_name, redact_text, remove_contacts


def tracking_path(case: Case) -> str:
    return reverse("track:case", args=[case.number, tracking_token(case)])


def case_for_phone(number: str, phone: str) -> Case | None:
    """The case of `number` if `phone` is the number its requester gave at filing; None for an
    unknown number, a wrong phone or a case recorded without one alike (no oracle). The
    lookup only texts the case's link to that phone (`requester_sms.send_tracking_link`),
    never shows it: a company that read the phone on a repair's page must not rate the case.

    Never a complaint or a report (nor a case naming a company): its party knows the number
    and may read the households' phones; no text either, so that not even the time a lookup
    takes tells which household complained (S9). Its requester follows it by the receipt's or
    the text message's link."""
    number = normalise_number(number)
    case = Case.objects.filter(number=number).first() if number else None
    given = phone_digits(phone)
    stored = phone_digits(case.requester_phone) if case is not None else ""
    matches = constant_time_compare(stored or "-", given)
    found = case is not None and stored and matches
    return case if found and not policies.requester_confidential(case) else None


@dataclass(frozen=True)
class Deadline:
    """The deadline the requester is promised: a time once dispatched (or set by the hotline),
    else, once assessed, the class's time limit counted from dispatch."""

    at: dt.datetime | None = None
    text: str = ""

    def __bool__(self) -> bool:
        return bool(self.at or self.text)


def promised_deadline(case: Case, policy: SlaPolicy | None) -> Deadline:
    if case.due_at or case.external_due_at:
        return Deadline(at=case.due_at or case.external_due_at)
    if policy is None:
        return Deadline()
    if policy.code == SlaClass.PETITION:  # counted from 受理, not from each hand-over (S3)
        limit = _("受理之日起 %(days)s 日内办结") % {"days": (policy.resolve_hours or 0) // 24}
    elif policy.clock == SlaPolicy.Clock.WORKING_DAYS:
        limit = _("交办后 %(days)s 个工作日内办结") % {"days": policy.resolve_working_days}
    else:
        limit = _("交办后 %(hours)s 小时内处置") % {"hours": policy.resolve_hours}
    separator = pgettext("label separator", "：")
    return Deadline(text=f"{case.get_sla_class_display()}{separator}{limit}")


def _policy(case: Case) -> SlaPolicy | None:
    return SlaPolicy.objects.filter(code=case.sla_class).first() if case.sla_class else None


@dataclass(frozen=True)
class TrackingPage:
    case: Case
    detail: CaseDetail
    rows: list[Any]
    title: str
    content: str
    public_reply: str
    deadline: Deadline
    can_rate: bool
    # Why no rating form is offered while the round awaits one (S5): the requester has an
    # account and rates under 我的诉求, or a member of staff signed in (`link_rate_refusal`).
    staff_note: str = ""


# A member of staff who opens a receipt's link (the company complained about, a community
# worker) must not rate as the requester: the link's rating is recorded as theirs (actor None).
STAFF_RATE_ON_CASE_PAGE = gettext_noop(
    "您已以工作人员身份登录，不能通过回执链接代诉求人评价。"
    "工作人员的回访请在工作台的诉求页面记录（电话回访）。"
)


def rates_as_requester(user: Any, case: Case) -> bool:
    """Whether whoever opened the link may rate through it: never a case whose requester has an
    account (they rate signed in, `receipt_policies.rates_by_link`); else anyone not signed in
    (the link is the authority) or a resident signed in; a member of staff only on their own."""
    return receipt_policies.rates_by_link(case) and policies.sees_as_requester(user, case)


def link_rate_refusal(case: Case) -> str:
    """Why the link offers no rating form to whoever opened it (`rates_as_requester` False):
    the requester rates under 我的诉求, or a member of staff is signed in."""
    if not receipt_policies.rates_by_link(case):
        return _(receipt_policies.LINK_RATE_BY_ACCOUNT)
    return _(STAFF_RATE_ON_CASE_PAGE)


def awaits_rating(case: Case) -> bool:
    """回访 is due and this round is not rated yet (S5): the link offers the rating form."""
    if case.status != Status.RESOLVED:
        return False
    return not CaseRating.objects.filter(case=case, round=case.round).exists()


def rated_by_requester(case: Case) -> bool:
    """After a rating form went stale (a second tab): whether the requester rated since, by the
    link or signed in, so that the page says so rather than that someone else acted. False
    while this round still awaits its rating (the case changed for another reason)."""
    now = Case.objects.only("pk", "status", "round", "requester_id").get(pk=case.pk)
    if awaits_rating(now):
        return False
    latest = CaseRating.objects.filter(case=now).order_by("-round").first()
    return latest is not None and latest.by_id in (None, now.requester_id)


def tracking_page(case: Case, user: Any = None) -> TrackingPage:
    """The case as the link shows it to anyone, signed in or not: built for an anonymous
    viewer, so a member of staff opening a receipt's link sees what the requester sees; only
    the rating form is the requester's (`rates_as_requester`, `user` who opened it)."""
    viewer = AnonymousUser()
    names = [case.requester_name]
    original = None
    if case.duplicate_of_id:
        original = Case.objects.only("pk", "number", "status").get(pk=case.duplicate_of_id)
    policy = _policy(case)
    due = awaits_rating(case)
    may_rate = rates_as_requester(user or viewer, case)
    own_words = without_people if policies.requester_confidential(case) else remove_contacts
    # Masked, not withheld: the timeline names the requester as their own page does; but a
    # complaint's link may be in other hands than the requester's: no trace of them (S9).
    if policies.requester_confidential(case):
        requester = selectors.WITHHELD
    else:
        requester = RequesterCard(mask_name(case.requester_name), "", True)
    detail = CaseDetail(
        case=case,
        requester=requester,
        can_reveal=False,
        actions=[],
        timeline=selectors.case_timeline(viewer, case),  # never the internal notes
        attachments=[],
        ratings=list(case.ratings.order_by("round")),
        repeats=0,
        original=original,
        not_accepted_channel=str(NOT_ACCEPTED_CHANNEL.get(case.not_accepted_reason, "")),
        policy=policy,
        overdue=selectors.is_overdue(case, timezone.now()),
    )
    return TrackingPage(
        case=case,
        detail=detail,
        rows=ui_selectors.timeline_rows(viewer, detail),
        # Whoever holds the link may not be the requester: no number, room or name (S9); of
        # a complaint, nobody's name either, and the public reply reads as on public pages.
        title=own_words(case.title, names),
        content=own_words(case.content, names),
        public_reply=without_people(case.public_reply, names),
        deadline=promised_deadline(case, policy),
        can_rate=due and may_rate,
        staff_note=link_rate_refusal(case) if due and not may_rate else "",
    )


@dataclass(frozen=True)
class Receipt:
    case: Case
    street: str
    title: str
    requester: str
    deadline: Deadline
    path: str
    by_phone: bool  # found at /track/ by number and phone too (not a complaint: S9)


def receipt_for(user: Any, pk: int) -> Receipt:
    """The 受理回执 of a case, for its requester and the staff who hand it out
    (`receipt_policies`). Staff who may not print this one are told why; 404 for anyone else
    (S9: never a property company, which could follow and rate the case by its link)."""
    case = selectors.case_get(user, pk)
    if not policies.can_print_receipt(user, case):
        refusal = receipt_policies.receipt_refusal(user, case)
        if refusal:
            raise PermissionDenied(refusal)
        raise Http404
    return Receipt(
        case=case,
        street=case.compound.community.street.name,
        # Paper leaves the office: the requester masked, on it and in the title (G1).
        title=redact_text(case.title, [case.requester_name]),
        requester=mask_name(case.requester_name),
        deadline=promised_deadline(case, _policy(case)),
        path=tracking_path(case),
        by_phone=not policies.requester_confidential(case),
    )


def qr_svg(url: str) -> SafeString:
    """The QR code of `url` as inline SVG (sized by CSS through its viewBox); nothing written."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(
        scale=4, border=4, light="#fff", omitsize=True, svgclass="gz-qr", title=_("扫码查询进度")
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the URL is ours, title escaped
