"""One POST endpoint per workflow operation: /cases/<id>/<action> (HackSoft "1 API per
operation"). Each parses its form and calls its one service; the service authorizes itself
(PermissionDenied → 403). A stale form (the hidden version no longer matches) or an action the
status does not allow changes nothing and says so."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Textarea, TextInput
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from gongzhi.cases import forms, policies, selectors, services, ui_selectors
from gongzhi.cases.choices import source_label
from gongzhi.cases.views.detail import ACTION_FORMS, form_for, render_detail
from gongzhi.cases.views.feedback import add_service_errors
from gongzhi.cases.workflow import (
    Action,
    CaseChanged,
    InvalidTransition,
    check_move,
    requester_label,
)
from gongzhi.core.parsing import parse_int

ALREADY_RATED = "您已评价过本轮办理结果，每轮只能评价一次"


def _posted_version(request: HttpRequest) -> int | None:
    """The version the page showed (every action form carries it, hidden); None when it is
    missing or not a whole number, which is refused as a stale form."""
    return parse_int(request.POST.get("version"))


def _back_after(request: HttpRequest, case: Any, message: str) -> HttpResponse:
    """To the case page, or to the 工作台 when the action took the case out of the user's sight
    (a company that 退单 no longer sees the case): never a bare 404 after a success."""
    try:
        selectors.case_get(request.user, case.pk)
    except Http404:
        messages.success(request, f"{message}：{case.number}")
        return redirect("cases:queue")
    messages.success(request, message)
    return _to_message(case)


def _to_message(case: Any) -> HttpResponse:
    """The case page at its top, where the message just added is shown. The form posted to its
    own #act-<action> (so that a refused form comes back to it); a browser keeps that fragment
    through a redirect without one and would scroll past the message. "#top" is the top of
    the page by the HTML standard."""
    return redirect(reverse("cases:detail", args=[case.pk]) + "#top")


def _merged(case: Any) -> str:
    return _("已并入诉求 %(number)s") % {"number": case.duplicate_of.number}


def _changed_meanwhile(
    request: HttpRequest, pk: int, action: str, form_class: type[forms.ActionForm]
) -> HttpResponse:
    """Someone moved the case after this form was opened: nothing was done, and nothing typed
    is lost. Where the action is still open, the form comes back filled in as posted but
    against the case as it is now (its version), so that submitting it again is a decision
    taken on the fresh page; otherwise what was typed is handed back in the message."""
    try:
        case = selectors.case_get(request.user, pk)  # the fresh case
    except Http404:  # handed to another party meanwhile: out of this user's sight
        messages.error(request, _("该诉求已被他人处理，已不在您的工作台中"))
        return redirect("cases:queue")
    status = (
        requester_label(case.status)
        if policies.sees_as_requester(request.user, case)
        else case.get_status_display()
    )
    if action not in selectors.allowed_actions(request.user, case):
        message = _("该诉求已被他人处理（当前状态：%(status)s），不能再「%(action)s」，未提交") % {
            "status": status,
            "action": Action(action).label,
        }
        typed = _typed_text(request, form_class, case, action)
        if typed:
            message += _("。您填写的内容：%(typed)s") % {"typed": typed}
        messages.error(request, message)
        return _to_message(case)
    data = request.POST.copy()
    data["version"] = str(case.version)
    form = form_for(action, form_class, case, data, request.FILES, user=request.user)
    message = _("该诉求已被他人处理（当前状态：%(status)s），请核对后重新提交") % {"status": status}
    if request.FILES:
        message += _("（附件须重新选择）")
    form.add_error(None, message)
    return render_detail(request, pk, bound=(action, form))


def _typed_text(
    request: HttpRequest, form_class: type[forms.ActionForm], case: Any, action: str
) -> str:
    """The free text posted with a refused form ("公开答复：…；处置说明：…"), to copy."""
    form = form_for(action, form_class, case, request.POST, user=request.user)
    parts = []
    for name, field in form.fields.items():
        value = (request.POST.get(name) or "").strip()
        if value and isinstance(field.widget, (Textarea, TextInput)):
            parts.append(f"{field.label}{pgettext('label separator', '：')}{value}")
    return pgettext("between the parts of a sentence", "；").join(parts)


def perform(
    request: HttpRequest,
    pk: int,
    action: str,
    form_class: type[forms.ActionForm],
    service: Callable[..., Any],
    done: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """`done(case)` words the success message (default: 已<action>)."""
    case = selectors.case_get(request.user, pk)  # 404 when out of scope
    form = form_for(action, form_class, case, request.POST, request.FILES, user=request.user)
    version = _posted_version(request)
    try:
        if version is None or version != case.version:
            raise CaseChanged
        check_move(case.status, action)
        if action not in selectors.allowed_actions(request.user, case) and not form.is_valid():
            # A page open since the case moved on (escalated, reassigned): its form's errors
            # would be shown under a button the page no longer offers.
            messages.error(
                request, _("您当前不能执行「%(action)s」") % {"action": Action(action).label}
            )
            return _to_message(case)
        if form.is_valid():
            kwargs = form.service_kwargs()
            moved = service(case=case, actor=request.user, expected_version=version, **kwargs)
            message = done(moved) if done else _("已%(action)s") % {"action": Action(action).label}
            return _back_after(request, moved, message)
    except InvalidTransition as exc:
        rated = action == Action.VISIT and ui_selectors.has_rating(case)
        messages.error(request, _(ALREADY_RATED) if rated else str(exc))
        return _to_message(case)
    except CaseChanged:
        # A rating form from a tab opened before the person rated: their own rating moved the
        # case, nobody else did.
        if action == Action.VISIT and ui_selectors.has_rated(case, request.user):
            messages.error(request, _(ALREADY_RATED))
            return _to_message(case)
        return _changed_meanwhile(request, pk, action, form_class)
    except ValidationError as exc:
        add_service_errors(form, exc, aliases={"file": "evidence", "expected_version": "version"})
    return render_detail(request, pk, bound=(action, form))


def _endpoint(action: str, service: Callable[..., Any]) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return perform(request, pk, action, ACTION_FORMS[action], service, DONE.get(action))

    view.__name__ = f"case_{action}"
    view.__doc__ = f"POST /cases/<id>/{action}: {source_label(Action(action).label)}"
    return view


# The services behind the endpoints, in the order of the closed loop 研交办督结评.
SERVICES: dict[str, Callable[..., Any]] = {
    Action.ASSESS: services.case_assess,
    Action.MERGE: services.case_merge,
    Action.DISPATCH: services.case_dispatch,
    Action.REASSIGN: services.case_reassign,
    Action.ACCEPT: services.case_accept,
    Action.START: services.case_start,
    Action.RESOLVE: services.case_resolve,
    Action.RETURN: services.case_return,
    Action.EXTEND: services.case_extend,
    Action.REQUEST_EXTENSION: services.case_request_extension,
    Action.APPROVE_EXTENSION: services.case_approve_extension,
    Action.REJECT_EXTENSION: services.case_reject_extension,
    Action.SUPERVISE: services.case_supervise,
    Action.ANSWER: services.case_answer,
    Action.NOT_ACCEPT: services.case_not_accept,
    Action.VISIT: services.case_visit,
    Action.CLOSE_EXCEPTION: services.case_close_with_exception,
    Action.REQUEST_TERMINATION: services.case_request_termination,
    Action.TERMINATE: services.case_terminate,
    Action.REJECT_TERMINATION: services.case_reject_termination,
}
# Success messages other than 已<action>.
DONE: dict[str, Callable[[Any], str]] = {Action.MERGE: _merged}
ENDPOINTS = {action: _endpoint(action, service) for action, service in SERVICES.items()}
