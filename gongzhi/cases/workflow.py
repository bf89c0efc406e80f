"""The closed loop 研交办督结评 (S2): statuses, actions and the transition table. Pure Python.

`ACTIONS` is the one readable answer to "what can happen next": for each action the statuses
it may start from and the statuses it may lead to (an empty `targets` means the action does
not move the status: extension and its request, supervision, a termination request).
`TRANSITIONS` is derived from it, status by status. Templates call `actions_from(status)` to
show only allowed buttons.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ASSESSED = "assessed", _("已研判")
    DISPATCHED = "dispatched", _("已交办")
    ACCEPTED = "accepted", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已处置待回访")
    CLOSED = "closed", _("已办结")
    RETURNED = "returned", _("已退单")
    REOPENED = "reopened", _("重办")
    TERMINATED = "terminated", _("已终止")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    MERGED = "merged", _("已并入原诉求")  # a repeat without new facts (S6), at filing or by 并入


class Action(models.TextChoices):
    # A label that is also an event's (EventKind) gets its own context: English needs a verb on
    # the button ("Request termination") and a past tense in the timeline ("Termination requested").
    ASSESS = "assess", pgettext_lazy("the action (a button)", "研判")
    MERGE = "merge", _("并入原诉求")  # S6: a repeat found at 研判 joins the open case it repeats
    DISPATCH = "dispatch", _("交办")
    REASSIGN = "reassign", _("改派")  # take the case from the party working on it, to another
    ACCEPT = "accept", _("签收")
    START = "start", _("开始办理")
    RESOLVE = "resolve", pgettext_lazy("the action (a button)", "处置完毕")
    RETURN = "return", _("退单")
    EXTEND = "extend", _("延期")
    # 延期 by the company handling it (and a petition's +30 days asked by the community) is a
    # request: the deadline moves only when the community or the street approves it.
    REQUEST_EXTENSION = "request_extension", pgettext_lazy("the action (a button)", "申请延期")
    APPROVE_EXTENSION = "approve_extension", _("批准延期")
    REJECT_EXTENSION = "reject_extension", pgettext_lazy("the action (a button)", "驳回延期申请")
    SUPERVISE = "supervise", pgettext_lazy("the action (a button)", "督办")
    ANSWER = "answer", _("直接答复办结")  # 咨询 only (S1)
    NOT_ACCEPT = "not_accept", pgettext_lazy("the action (a button)", "不予受理")
    VISIT = "visit", _("回访评价")
    CLOSE_EXCEPTION = "close_exception", pgettext_lazy("the action (a button)", "例外办结")
    REQUEST_TERMINATION = "request_termination", pgettext_lazy("the action (a button)", "申请终止")
    TERMINATE = "terminate", _("终止")
    REJECT_TERMINATION = "reject_termination", _("驳回终止申请")
    # Done by the scheduler, never offered as a button.
    ESCALATE = "escalate", _("超时升级")
    AUTO_CLOSE = "auto_close", _("逾期未评价自动办结")


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    targets: frozenset[str] = frozenset()


S = Status
_WORKING = frozenset({S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS})
_BEFORE_DISPATCH = frozenset({S.RECEIVED, S.ASSESSED})
# Every status in which the case is still someone's job.
OPEN_STATUSES = frozenset(
    {S.RECEIVED, S.ASSESSED, S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED, S.REOPENED}
)
# What the public may see of a case its requester agreed to publish (public pages, Open311):
# once staff have assessed it, through 处置 and its return visit to 办结; never one not yet
# assessed, not accepted, merged into another or terminated.
PUBLISHED_STATUSES = (OPEN_STATUSES - {S.RECEIVED}) | {S.RESOLVED, S.CLOSED}
# Statuses whose resolve clock (due_at) runs; the SLA sweeps look only at these.
CLOCK_STATUSES = _WORKING
# Handed back to the desk (退单, 重办): it must be handed over again (交办) in time.
HANDED_BACK = frozenset({S.RETURNED, S.REOPENED})
# The desk holds the case: its deadline for the next step (assess_due_at) may run. 研判 from 受理
# clears it; a case handed back keeps its 交办 deadline through a new 研判 until 交办.
AWAITING_DESK = _BEFORE_DISPATCH | HANDED_BACK
FINAL_STATUSES = frozenset({S.CLOSED, S.TERMINATED, S.NOT_ACCEPTED, S.MERGED})
# What the requester and the public read for a case handed back to the desk (退单, 重办): not
# the staff's "已退单" beside the company's reason, but that it is being handed over again.
_REQUESTER_LABELS = {S.RETURNED: _("重新交办中"), S.REOPENED: _("重新交办中")}


def requester_label(status: str) -> str:
    """A status as the requester and the public read it (`_REQUESTER_LABELS`), else its label."""
    label = _REQUESTER_LABELS.get(status)
    return str(label if label is not None else Status(status).label)


ACTIONS: dict[str, Move] = {
    Action.ASSESS: Move(frozenset({S.RECEIVED, S.RETURNED, S.REOPENED}), frozenset({S.ASSESSED})),
    # While the desk holds the case and no party works on it; not a reopened case: its
    # requester found the fix wanting, which is their own new round (S5), not a repeat.
    Action.MERGE: Move(frozenset({S.RECEIVED, S.ASSESSED, S.RETURNED}), frozenset({S.MERGED})),
    Action.DISPATCH: Move(
        frozenset({S.ASSESSED, S.RETURNED, S.REOPENED}), frozenset({S.DISPATCHED})
    ),
    # The new party must 签收 afresh, whatever the old one had done.
    Action.REASSIGN: Move(_WORKING, frozenset({S.DISPATCHED})),
    Action.ACCEPT: Move(frozenset({S.DISPATCHED}), frozenset({S.ACCEPTED})),
    Action.START: Move(frozenset({S.ACCEPTED}), frozenset({S.IN_PROGRESS})),
    Action.RESOLVE: Move(frozenset({S.IN_PROGRESS}), frozenset({S.RESOLVED})),
    Action.RETURN: Move(frozenset({S.DISPATCHED, S.ACCEPTED}), frozenset({S.RETURNED})),
    Action.EXTEND: Move(_WORKING),
    # Asked by a party that has signed for the work (签收), decided while it is being worked on.
    Action.REQUEST_EXTENSION: Move(frozenset({S.ACCEPTED, S.IN_PROGRESS})),
    Action.APPROVE_EXTENSION: Move(_WORKING),
    Action.REJECT_EXTENSION: Move(_WORKING),
    Action.SUPERVISE: Move(OPEN_STATUSES - {S.RECEIVED}),
    Action.ANSWER: Move(_BEFORE_DISPATCH, frozenset({S.CLOSED})),
    Action.NOT_ACCEPT: Move(_BEFORE_DISPATCH, frozenset({S.NOT_ACCEPTED})),
    Action.VISIT: Move(frozenset({S.RESOLVED}), frozenset({S.CLOSED, S.REOPENED})),
    Action.CLOSE_EXCEPTION: Move(frozenset({S.REOPENED}), frozenset({S.CLOSED})),
    # 终止 always needs approval (S2): it is asked for in any open status, and approved by a
    # supervisor other than who asked (or decided by the street itself: policies.can_terminate).
    Action.REQUEST_TERMINATION: Move(OPEN_STATUSES),
    Action.TERMINATE: Move(OPEN_STATUSES, frozenset({S.TERMINATED})),
    Action.REJECT_TERMINATION: Move(OPEN_STATUSES),  # the request is refused: work goes on
    Action.ESCALATE: Move(_WORKING),
    Action.AUTO_CLOSE: Move(frozenset({S.RESOLVED}), frozenset({S.CLOSED})),
}

SYSTEM_ACTIONS = frozenset({Action.ESCALATE, Action.AUTO_CLOSE})


def _derive_transitions() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {status: set() for status in Status.values}
    for move in ACTIONS.values():
        for source in move.sources:
            table[source] |= move.targets
    return {status: frozenset(targets) for status, targets in table.items()}


TRANSITIONS: dict[str, frozenset[str]] = _derive_transitions()


class InvalidTransition(Exception):
    """The action is not allowed from the case's current status."""

    def __init__(self, old: str, action: str, new: str | None = None) -> None:
        self.old, self.action, self.new = old, action, new
        old_label = Status(old).label if old in Status.values else old
        action_label = Action(action).label if action in Action.values else action
        super().__init__(
            gettext("当前状态「%(status)s」下不能执行「%(action)s」")
            % {"status": old_label, "action": action_label}
        )


class CaseChanged(Exception):
    """Someone else changed the case first (compare-and-swap lost); reload and retry."""

    message = gettext_noop("该诉求已被他人处理，请刷新后重试")

    def __init__(self) -> None:
        super().__init__(gettext(self.message))  # in the language of whoever reads it


def can_move(status: str, action: str) -> bool:
    return status in ACTIONS[action].sources


def check_move(status: str, action: str, to: str | None = None) -> None:
    """Raise InvalidTransition unless `action` may start at `status` (and lead to `to`)."""
    move = ACTIONS[action]
    if status not in move.sources or (to is not None and to not in move.targets):
        raise InvalidTransition(status, action, to)


def actions_from(status: str) -> list[str]:
    """Human actions possible from `status`, in the table's order (for buttons)."""
    return [a for a, move in ACTIONS.items() if status in move.sources and a not in SYSTEM_ACTIONS]
