"""Staff notices that ask for a step are read once the step is done, for everyone who got them
(the desk is several people), and their email or text still held is not sent: the badge counts
only what still awaits someone. The 交办 notice and the requester's 请评价 are answered in
notices.py (`assigned_answered`, `rating_request_answered`); these are the desk's and the
approvers'. Each function is called inside the service's transaction, after the move.

The keys are those the notices were sent under (`notices.send` prefixes `case:<id>:`)."""

from collections.abc import Iterable
from typing import Any

from gongzhi.cases.models import Case
from gongzhi.cases.services import notices
from gongzhi.core.notifications.answers import notices_answered

# 收到新的居民诉求 (intake), 研判超时 and the 研判 deadline's warning (sweeps): the desk's 研判.
FILED_KEYS = ("created", "assess_overdue:", "assess_warn:")
# 诉求被退单，请重新交办, 回访不满意，已重办, 交办超时 and the 交办 deadline's warning: the desk's
# hand-over of a case handed back (the 交办 warning shares the 研判 warning's key).
HANDED_BACK_KEYS = ("returned:", "reopened:", "dispatch_overdue:", "assess_warn:")
EXTENSION_KEYS = ("extension_requested:",)  # 有诉求申请延期，请审批 (handling.py)
TERMINATION_KEYS = ("termination:",)  # 有诉求申请终止，请审批 (closure.py)


def desk(case: Case) -> list[Any]:
    """Who may hold the desk's notices of `case`: the community and street staff over it, and
    whoever dispatched it (told of its 退单) and handles it (told of its 重办). Ask it before a
    move that changes them."""
    users = notices.supervisors(case) + notices.handlers(case)
    if case.dispatched_by_id:
        users.append(case.dispatched_by)
    return users


def _answered(case: Case, users: Iterable[Any], keys: Iterable[str]) -> int:
    return notices_answered(
        recipient_ids={user.pk for user in users if user is not None},
        key_prefixes=[f"case:{case.pk}:{key}" for key in keys],
    )


def assessed(case: Case, users: Iterable[Any] | None = None) -> int:
    """研判 of a filed case: its 收到新的居民诉求, 研判超时 and 研判 warning are read (not the
    交办 deadline's of a case handed back: 研判 does not stop that clock)."""
    return _answered(case, desk(case) if users is None else users, FILED_KEYS)


def handed_over(case: Case, users: Iterable[Any] | None = None) -> int:
    """交办, 不予受理, 答复办结, 合并, 例外办结: nothing awaits the desk any more, neither the
    filing's notices nor those of a 退单 or 重办. `users`: `desk(case)` asked before the move."""
    return _answered(case, desk(case) if users is None else users, FILED_KEYS + HANDED_BACK_KEYS)


def extension_answered(case: Case) -> int:
    """申请延期 approved, rejected or lapsed (a 退单, 改派 or escalation): every approver's
    有诉求申请延期，请审批 is read, not only the one who decided."""
    return _answered(case, notices.supervisors(case), EXTENSION_KEYS)


def termination_answered(case: Case) -> int:
    """申请终止 approved (终止), rejected or lapsed (改派, 交办): every approver's 有诉求申请终止，
    请审批 is read."""
    return _answered(case, notices.supervisors(case), TERMINATION_KEYS)
