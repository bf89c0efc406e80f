"""Every write to a case (style.md rule 2), split by concept and re-exported here.

Each service is keyword-only, atomic, takes `actor`, authorizes itself (PermissionDenied),
checks the transition table (InvalidTransition), moves the case with compare-and-swap
(CaseChanged for the loser or a stale form), writes a CaseEvent and an audit row, and
notifies inside the transaction (the notification app sends after commit).
"""

from gongzhi.cases.services.assignment import (
    Assignee,
    case_assess,
    case_dispatch,
    case_return,
    case_supervise,
    suggest_assignee,
)
from gongzhi.cases.services.closure import (
    case_close_with_exception,
    case_reject_termination,
    case_request_termination,
    case_terminate,
    case_visit,
    case_visit_by_receipt,
)
from gongzhi.cases.services.desk_answers import case_answer, case_not_accept
from gongzhi.cases.services.escalation import case_escalate
from gongzhi.cases.services.handling import (
    case_accept,
    case_approve_extension,
    case_extend,
    case_reject_extension,
    case_request_extension,
    case_resolve,
    case_start,
)
from gongzhi.cases.services.intake import (
    attachment_add,
    case_file,
    suggestion_for_assessor,
)
from gongzhi.cases.services.merging import case_merge
from gongzhi.cases.services.reassignment import case_reassign
from gongzhi.cases.workflow import CaseChanged, InvalidTransition

__all__ = [
    "Assignee",
    "CaseChanged",
    "InvalidTransition",
    "attachment_add",
    "case_accept",
    "case_answer",
    "case_approve_extension",
    "case_assess",
    "case_close_with_exception",
    "case_dispatch",
    "case_escalate",
    "case_extend",
    "case_file",
    "case_merge",
    "case_not_accept",
    "case_reassign",
    "case_reject_extension",
    "case_reject_termination",
    "case_request_extension",
    "case_request_termination",
    "case_resolve",
    "case_return",
    "case_start",
    "case_supervise",
    "case_terminate",
    "case_visit",
    "case_visit_by_receipt",
    "suggest_assignee",
    "suggestion_for_assessor",
]
