"""Notification kinds: a dotted event name, its Chinese label, and whether it is urgent.

Apps add their own kinds with `register_kind` at import time (e.g. in their AppConfig.ready),
saying whether a resident may receive them (`for_residents`) and whether only a case's
requester ever does (`requester_only`: a staff member's settings leave it out);
`notify` accepts any well-formed kind, the registry only feeds labels and the opt-out list.
"""

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_KIND_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")

KINDS: dict[str, str | Promise] = {
    "case.created": _("诉求已受理"),
    "case.assigned": _("诉求交办"),
    "case.deadline_warning": _("诉求即将超时"),
    "case.escalated": _("诉求升级"),
    "case.resolved": _("诉求已处置"),
    "case.rate_request": _("请评价处置结果"),
    "case.reopened": _("诉求重办"),
    "case.extended": _("诉求延期"),
    "case.returned": _("诉求退单"),
    "case.supervised": _("诉求督办"),
}

# Urgent kinds may reach staff during their quiet hours (see quiet_hours.py for the rule).
URGENT_KINDS: set[str] = {"case.escalated"}
# Kinds a resident (a user without a staff role) may receive, as a case's requester: their
# 通知设置 lists only these; staff see every kind. Registered with `for_residents=True`.
RESIDENT_KINDS: set[str] = {
    "case.created",
    "case.assigned",
    "case.escalated",
    "case.resolved",
    "case.rate_request",
    "case.extended",
}
# Kinds only a requester receives (请评价, a repeat's 并入): staff's 通知设置 leaves them out.
# Registered with `requester_only=True`.
REQUESTER_ONLY_KINDS: set[str] = {"case.rate_request"}


def is_valid_kind(kind: str) -> bool:
    return bool(_KIND_RE.match(kind)) and len(kind) <= 64


def register_kind(
    kind: str,
    label: str | Promise,
    *,
    urgent: bool = False,
    for_residents: bool = False,
    requester_only: bool = False,
) -> None:
    if not is_valid_kind(kind):
        raise ValueError(f"invalid notification kind {kind!r}")
    KINDS[kind] = label
    if urgent:
        URGENT_KINDS.add(kind)
    if for_residents or requester_only:
        RESIDENT_KINDS.add(kind)
    if requester_only:
        REQUESTER_ONLY_KINDS.add(kind)


def kinds_for(*, staff: bool) -> dict[str, str | Promise]:
    """The kinds a user may receive, for their 通知设置: for staff all but the requester's own
    (`REQUESTER_ONLY_KINDS`), else a resident's (`RESIDENT_KINDS`)."""
    if staff:
        return {k: label for k, label in KINDS.items() if k not in REQUESTER_ONLY_KINDS}
    return {k: label for k, label in KINDS.items() if k in RESIDENT_KINDS}


def label_for(kind: str) -> str | Promise:
    return KINDS.get(kind, kind)
