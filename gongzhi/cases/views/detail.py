"""One case page for everyone who may see it: the resident's view or the staff view."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from gongzhi.cases import (
    forms,
    policies,
    receipt_policies,
    selectors,
    services,
    tracking_selectors,
    ui_selectors,
)
from gongzhi.cases.workflow import Action

# The form each action button opens (the rating form replaces VisitForm for the requester).
ACTION_FORMS: dict[str, type[forms.ActionForm]] = {
    Action.ASSESS: forms.AssessForm,
    Action.MERGE: forms.MergeForm,
    Action.DISPATCH: forms.DispatchForm,
    Action.REASSIGN: forms.ReassignForm,
    Action.ACCEPT: forms.EmptyActionForm,
    Action.START: forms.NoteForm,
    Action.RESOLVE: forms.ResolveForm,
    Action.RETURN: forms.ReasonForm,
    Action.EXTEND: forms.ExtendForm,
    Action.REQUEST_EXTENSION: forms.RequestExtensionForm,
    Action.APPROVE_EXTENSION: forms.ApproveExtensionForm,
    Action.REJECT_EXTENSION: forms.ReasonForm,
    Action.SUPERVISE: forms.ReasonForm,
    Action.ANSWER: forms.AnswerForm,
    Action.NOT_ACCEPT: forms.NotAcceptForm,
    Action.VISIT: forms.VisitForm,
    Action.CLOSE_EXCEPTION: forms.ReasonForm,
    Action.REQUEST_TERMINATION: forms.ReasonForm,
    Action.TERMINATE: forms.TerminateForm,
    Action.REJECT_TERMINATION: forms.ReasonForm,
}

# Actions that take a case out of someone's hands for good or send it back: red buttons.
# The rest move the work forward: the primary colour (every button was red before).
ENDS_THE_WORK = frozenset(
    {Action.TERMINATE, Action.NOT_ACCEPT, Action.RETURN, Action.CLOSE_EXCEPTION, Action.MERGE}
)

# Forms that name a party and offer the routing suggestion.
_NAMES_A_PARTY = frozenset({Action.DISPATCH, Action.REASSIGN})


def form_for(
    action: str, form_class: type[forms.ActionForm], case: Any, *args: Any, user: Any = None
) -> forms.ActionForm:
    """`user` is who fills it in: a form naming a party offers only the levels they may name,
    the 回访 form the 例外办结 field only to whoever may record one."""
    extra = {"options": selectors.dispatch_options(case)} if action in _NAMES_A_PARTY else {}
    return form_class(*args, case=case, user=user, auto_id=f"id_{action}_%s", **extra)


def render_detail(
    request: HttpRequest, pk: int, bound: tuple[str, Any] | None = None, *, reveal: bool = False
) -> HttpResponse:
    """The page with a form per allowed action; `bound` re-shows one form with its errors;
    `reveal`: the requester's contacts in full for who may see them (audited once)."""
    detail = selectors.case_detail(request.user, pk)
    case = detail.case
    requester_view = policies.sees_as_requester(request.user, case)
    if not requester_view and Action.ASSESS in detail.actions:
        services.suggestion_for_assessor(case)  # the AI card needs it (deferred mode)
    action_forms = []
    for action in detail.actions:
        if bound and bound[0] == action:
            form = bound[1]
        else:
            rate = requester_view and action == Action.VISIT
            form_class = forms.RateForm if rate else ACTION_FORMS[action]
            form = form_for(action, form_class, case, user=request.user)
        url = reverse(
            "cases:rate" if requester_view and action == Action.VISIT else f"cases:{action}",
            args=[case.pk],
        )
        action_forms.append(
            {
                "action": action,
                "label": Action(action).label,
                "form": form,
                "url": url,
                "ends_the_work": action in ENDS_THE_WORK,
            }
        )
    reveal = reveal and detail.can_reveal
    # Revealed (and audited) once: the card, the content and the notes of this page view show
    # the same.
    requester = (
        selectors.case_requester(request.user, case, reveal=True) if reveal else detail.requester
    )
    context = {
        "detail": detail,
        "case": case,
        "requester": requester,
        "content": selectors.text_for_viewer(case.content, case, requester),
        "rows": ui_selectors.timeline_rows(request.user, detail, requester),
        # No room beside a complaint read masked (G1): the 楼盘表 would name its requester.
        "location": selectors.case_location(request.user, detail, requester),
        "action_forms": action_forms,
        "open_action": bound[0] if bound else "",
        "limits_note": "" if requester_view else policies.staff_limits_note(request.user, case),
        # 打印回执: not `can_reveal`, which a company handling a repair has too (S9).
        "can_print_receipt": policies.can_print_receipt(request.user, case),
        # A handler of the round is told why the walk-in's receipt is another's to print.
        "receipt_held_back": receipt_policies.handler_refusal(request.user, case),
        # The deadline the requester is promised, as their tracking link shows it.
        "deadline": tracking_selectors.promised_deadline(case, detail.policy)
        if requester_view
        else None,
    }
    template = "cases/detail_resident.html" if requester_view else "cases/detail_staff.html"
    return render(request, template, context, status=400 if bound else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case page; 查看联系方式 posts `reveal=1` back to it (with the CSRF token). Never on a
    GET: a browser prefetching a link would write a `pii.view` audit row nobody made."""
    reveal = request.method == "POST" and request.POST.get("reveal") == "1"
    return render_detail(request, pk, reveal=reveal)
