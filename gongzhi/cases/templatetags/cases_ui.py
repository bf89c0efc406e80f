"""Presentation of the SLA clock and statuses in the cases templates."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.cases import policies
from gongzhi.cases.config_selectors import policy_name
from gongzhi.cases.workflow import (
    AWAITING_DESK,
    CLOCK_STATUSES,
    FINAL_STATUSES,
    Status,
    requester_label,
)

register = template.Library()

_STATUS_COLOURS = {
    Status.RECEIVED: "secondary",
    Status.ASSESSED: "info",
    Status.DISPATCHED: "primary",
    Status.ACCEPTED: "primary",
    Status.IN_PROGRESS: "warning",
    Status.RESOLVED: "success",
    Status.CLOSED: "dark",
    Status.RETURNED: "danger",
    Status.REOPENED: "danger",
}

# A case handed back (退单, 重办) as its requester sees it (workflow.requester_label): not red.
_REQUESTER_COLOURS = {Status.RETURNED: "info", Status.REOPENED: "info"}


@dataclass(frozen=True)
class Clock:
    """What the queue and the case page show of a case's deadlines.

    `deadline` is the one `text` counts to; `respond_due` is the 签收 deadline while the case
    awaits 签收 (交办, not yet signed for), None otherwise."""

    running: bool
    overdue: bool
    text: str
    deadline: dt.datetime | None = None
    respond_due: dt.datetime | None = None
    # The desk's own deadline (研判期限, 重新交办期限): its name, and why it runs.
    desk_label: str = ""
    desk_basis: str = ""


def _span(seconds: float) -> str:
    """Time left: "1 天 2 小时", "3 小时 4 分", "5 分钟"."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d 天 %(hours)d 小时") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d 小时 %(minutes)d 分") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d 分钟") % {"minutes": minutes}


def _late(seconds: float) -> str:
    """Time overdue: whole hours within the first day ("3 小时"), then days ("3 天 4 小时");
    at least "1 分钟" (a deadline just passed is not "0 minutes" overdue)."""
    seconds = max(seconds, 60)
    if seconds < 24 * 3600:
        hours = int(seconds // 3600)
        if hours:
            return _("%(hours)d 小时") % {"hours": hours}
    return _span(seconds)


def awaiting_response(case: Any) -> bool:
    """交办 and not yet 签收: the response clock (S3, respond_due_at) runs."""
    return case.status == Status.DISPATCHED and case.respond_due_at is not None


@register.filter
def sla_clock(case: Any) -> Clock:
    """The running clock of a case in the loop (S3), nothing otherwise:

    - awaiting 签收: "待签收，剩余 8 分钟", then, red, "签收已超时 12 分钟";
    - then the resolve deadline: "剩余 23 小时 44 分", then, red, "已超时 3 小时";
    - a resolve deadline missed before anyone signed for the case: red, "已超时 …，仍未签收";
    - filed and not assessed: "待研判，剩余 10 分钟", then, red, "研判已超时 5 分钟";
    - handed back (退单, 重办): "待重新交办，剩余 10 分钟", then, red, "交办已超时 5 分钟".
    """
    if case.status in AWAITING_DESK and case.assess_due_at is not None:
        return _desk_clock(case.status, case.assess_due_at, timezone.now())
    if case.status not in CLOCK_STATUSES or case.due_at is None:
        return Clock(False, False, "")
    now = timezone.now()
    respond_due = case.respond_due_at if awaiting_response(case) else None
    left = (case.due_at - now).total_seconds()
    if left < 0:
        late = {"span": _late(-left)}
        text = _("已超时 %(span)s，仍未签收") % late if respond_due else _("已超时 %(span)s") % late
        return Clock(True, True, text, case.due_at, respond_due)
    if respond_due is not None:
        to_respond = (respond_due - now).total_seconds()
        if to_respond < 0:
            text = _("签收已超时 %(span)s") % {"span": _late(-to_respond)}
            return Clock(True, True, text, respond_due, respond_due)
        text = _("待签收，剩余 %(span)s") % {"span": _span(to_respond)}
        return Clock(True, False, text, respond_due, respond_due)
    return Clock(True, False, _("剩余 %(span)s") % {"span": _span(left)}, case.due_at)


def _desk_clock(status: str, due: dt.datetime, now: dt.datetime) -> Clock:
    """The desk's deadline: 研判 of a filed case (sla.assess_window), or 交办 of a case handed
    back (sla.redispatch_window)."""
    left = (due - now).total_seconds()
    filed = status == Status.RECEIVED
    label = _("研判期限") if filed else _("重新交办期限")
    basis = "" if filed else _("退单或重办后须在本类别响应时限内重新交办")
    if left < 0:
        late = _("研判已超时 %(span)s") if filed else _("交办已超时 %(span)s")
        return Clock(
            True, True, late % {"span": _late(-left)}, due, desk_label=label, desk_basis=basis
        )
    soon = _("待研判，剩余 %(span)s") if filed else _("待重新交办，剩余 %(span)s")
    return Clock(True, False, soon % {"span": _span(left)}, due, desk_label=label, desk_basis=basis)


@register.simple_tag(takes_context=True)
def clock_for_viewer(context: template.Context, case: Any) -> Clock:
    """The staff case page's clock: the desk's 研判/交办 deadline only for those who dispatch;
    a company that sent the case back has nothing to do against it."""
    clock = sla_clock(case)
    if clock.desk_label and not policies.can_dispatch(context["request"].user, case):
        return Clock(False, False, "")
    return clock


@register.filter
def finished(case: Any) -> bool:
    """Closed, terminated, not accepted or merged: nothing is under way any more, so the
    badges of the work (督办, 超时升级) are not shown beside its final status; the record of
    them stays (the timeline, `supervised_at`, the statistics)."""
    return case.status in FINAL_STATUSES


@register.filter
def status_colour(status: str) -> str:
    if status in FINAL_STATUSES and status != Status.CLOSED:
        return "secondary"
    return _STATUS_COLOURS.get(status, "secondary")


@register.filter
def requester_status(status: str) -> str:
    """A status as the requester and the public read it (`workflow.requester_label`)."""
    return requester_label(status)


@dataclass(frozen=True)
class Badge:
    label: str
    colour: str
    note: str = ""  # what happens next, under the badge on a case page


@register.simple_tag(takes_context=True)
def status_badge(context: template.Context, case: Any, for_requester: Any = None) -> Badge:
    """The status badge for whoever reads it: the requester's words (`requester_status`) on
    their own view of a case (`policies.sees_as_requester`, as the case page picks its template),
    or when `for_requester` says so (the receipt link, whoever holds it); the staff's otherwise."""
    if for_requester in (None, ""):
        request = context.get("request")
        user = getattr(request, "user", None)
        for_requester = user is not None and policies.sees_as_requester(user, case)
    if not for_requester or case.status not in _REQUESTER_COLOURS:
        return Badge(case.get_status_display(), status_colour(case.status))
    note = _("社区将把诉求重新交给负责的单位办理，请留意办理进度。")
    return Badge(requester_status(case.status), _REQUESTER_COLOURS[case.status], note)


@register.simple_tag(takes_context=True)
def title_for_viewer(context: template.Context, case: Any) -> str:
    """A case's title as the signed-in viewer may read it (S9): a title cut from the content
    may hold the requester's number or name, which the party complained about never sees."""
    from gongzhi.cases import selectors

    user = context["request"].user
    return selectors.shown_to(user, case, case.title)


@register.filter
def sla_policy_name(policy: Any) -> str:
    """An SLA class's name in the reader's language where it is a default one (not renamed)."""
    return policy_name(policy)


@register.filter
def choice_labels(choices: Any) -> str:
    """A choice field's labels as a list in a sentence: "网格员、民情前哨、巡查"."""
    separator = pgettext("between the items of a list", "、")
    return separator.join(str(label) for value, label in choices if value != "")
