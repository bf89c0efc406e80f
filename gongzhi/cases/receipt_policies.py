"""Who may print a case's 受理回执 and who may rate through its tracking link (S5, S9).

The link's token is fixed per case and a rating through it is recorded as the requester's
(actor None). So:

- a requester with an account rates only signed in, under 我的诉求: the link never rates their
  case, whoever holds it (a member of staff who printed it, in a private window);
- staff print a receipt only for a case filed on someone's behalf whose requester has no
  account (a walk-in, a caller, a hotline order): the one person the link is meant for;
- not whoever handled the current round (S5: they do not judge their own work), and each
  print is audited (`services.receipt_print`).

Imported by `policies` (which re-exports `can_print_receipt`): only lower modules here.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.cases.case_parties import handled_round
from gongzhi.cases.models import Case
from gongzhi.org.models import Role
from gongzhi.org.scopes import scope_for

# Who hands receipts out at intake: the community, grid and street staff of the compound.
# Never a property company (S9: with the link it could follow, and rate, a case as its requester).
RECEIPT_ROLES = frozenset({Role.STREET_OFFICER, Role.COMMUNITY_WORKER, Role.GRID_WORKER})

LINK_RATE_BY_ACCOUNT = gettext_noop(
    "本诉求由居民账号提交，只能由诉求人登录后在“我的诉求”中评价；回执链接仅供查看进度。"
)
RECEIPT_FOR_ACCOUNT = gettext_noop(
    "本诉求的诉求人有居民账号，可登录后在“我的诉求”中查看进度和评价，无需打印受理回执。"
)
RECEIPT_WITHOUT_REQUESTER = gettext_noop("本诉求未登记诉求人，没有可交付受理回执的对象。")
RECEIPT_BY_HANDLER = gettext_noop(
    "您参与了本轮办理，不能打印受理回执（回执链接可评价办理结果）；请由其他工作人员打印。"
)


def _is_requester(user: Any, case: Case) -> bool:
    return case.requester_id is not None and case.requester_id == getattr(user, "pk", None)


def rates_by_link(case: Case) -> bool:
    """Whether the tracking link may rate the case at all: only when its requester has no
    account. An account holder rates under 我的诉求, as themselves (S5)."""
    return case.requester_id is None


def is_receipt_staff(user: Any, case: Case) -> bool:
    """Staff who hand receipts out for the case's compound (whether or not this case gets one)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)
    return scope.everything or scope.covers(case.compound.path, RECEIPT_ROLES)


def receipt_refusal(user: Any, case: Case) -> str:
    """Why receipt staff may not print this case's receipt; "" when they may (or are not
    receipt staff at all: they are simply not shown one)."""
    if _is_requester(user, case) or not is_receipt_staff(user, case):
        return ""
    if case.requester_id is not None:
        return _(RECEIPT_FOR_ACCOUNT)
    if not (case.requester_name.strip() or case.requester_phone.strip()):
        return _(RECEIPT_WITHOUT_REQUESTER)
    if handled_round(user, case):
        return _(RECEIPT_BY_HANDLER)
    return ""


def handler_refusal(user: Any, case: Case) -> str:
    """The refusal worth saying on the case page: a receipt is due (a requester without an
    account) but this member of staff handled the round; "" otherwise."""
    refusal = receipt_refusal(user, case)
    return refusal if refusal == _(RECEIPT_BY_HANDLER) else ""


def can_print_receipt(user: Any, case: Case) -> bool:
    """受理回执: the requester their own; receipt staff for a case filed on behalf of a requester
    without an account, unless they handled its current round (`receipt_refusal`)."""
    if _is_requester(user, case):
        return True
    return is_receipt_staff(user, case) and not receipt_refusal(user, case)
