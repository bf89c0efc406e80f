"""Presentation of the SLA clock and statuses in the cases templates."""

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone

from gongzhi.cases.workflow import CLOCK_STATUSES, FINAL_STATUSES, Status

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


@dataclass(frozen=True)
class Clock:
    running: bool
    overdue: bool
    text: str


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} 天 {hours} 小时"
    if hours:
        return f"{hours} 小时 {minutes} 分"
    return f"{minutes} 分钟"


@register.filter
def sla_clock(case: Any) -> Clock:
    """ "已超时 X 小时" / "剩余 …" while the resolve clock runs; nothing otherwise."""
    if case.status not in CLOCK_STATUSES or case.due_at is None:
        return Clock(False, False, "")
    left = (case.due_at - timezone.now()).total_seconds()
    if left < 0:
        hours = int(-left // 3600)
        text = f"已超时 {hours} 小时" if hours else f"已超时 {_span(-left)}"
        return Clock(True, True, text)
    return Clock(True, False, f"剩余 {_span(left)}")


@register.filter
def status_colour(status: str) -> str:
    if status in FINAL_STATUSES and status != Status.CLOSED:
        return "secondary"
    return _STATUS_COLOURS.get(status, "secondary")


@register.simple_tag(takes_context=True)
def title_for_viewer(context: template.Context, case: Any) -> str:
    """A case's title as the signed-in viewer may read it (S9): a title cut from the content
    may hold the requester's number or name, which the party complained about never sees."""
    from gongzhi.cases import selectors

    user = context["request"].user
    return selectors.text_for_viewer(case.title, case, selectors.case_requester(user, case))
