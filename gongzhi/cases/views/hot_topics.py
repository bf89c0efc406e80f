"""AI网格员 pages: hot topics (热点议题) over the user's visible cases, and reply drafts (G3)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gongzhi.cases import selectors, triage_topics
from gongzhi.cases.forms.hot_topics import HotTopicsFilterForm
from gongzhi.cases.models import Case
from gongzhi.org import policies as org_policies
from gongzhi.org import selectors as org_selectors

_DRAFT_NOTICE = _(
    "这是草稿：取自相似的已办结诉求的答复，请按本诉求的实际处理情况核对修改。"
    "不会自动发送，提交前不会发给任何人。"
)
_TEMPLATE_NOTICE = _(
    "这是草稿：未找到足够相似的已办结诉求，这是通用模板，请按本诉求的实际处理情况核对修改。"
    "不会自动发送，提交前不会发给任何人。"
)


@login_required
@require_GET
def hot_topics(request: HttpRequest) -> HttpResponse:
    if not org_policies.is_staff_member(request.user):
        raise PermissionDenied(_("仅工作人员可查看热点议题"))
    communities = list(org_selectors.communities_for(request.user))
    compounds = list(org_selectors.compounds_for(request.user))
    form = HotTopicsFilterForm(request.GET, communities=communities, compounds=compounds)
    window = form.window()
    context: dict = {"form": form, "window": window, "topics": []}
    if window is not None:
        cases = Case.objects.visible_to(request.user)
        kind, pk = form.chosen_area()
        if kind == "community":
            cases = cases.filter(compound__community_id=pk)
        elif kind == "compound":
            cases = cases.filter(compound_id=pk)
        context.update(
            area=dict(form.fields["area"].choices).get(form.cleaned_data.get("area") or ""),
            **triage_topics.hot_topics_page(cases, window),
        )
    return render(request, "cases/hot_topics.html", context)


@login_required
@require_GET
def reply_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /cases/<id>/reply-draft: a draft public reply as JSON with its model version, its
    confidence and the closed cases it came from (G3); never sent by itself."""
    case = selectors.case_get(request.user, pk)  # 404 when out of scope
    if not org_policies.is_staff_member(request.user):
        raise Http404  # a requester sees the case but has no reply to draft
    draft = triage_topics.reply_draft(Case.objects.visible_to(request.user), case)
    notice = _DRAFT_NOTICE if draft.sources else _TEMPLATE_NOTICE
    body = {
        "text": draft.text,
        "is_draft": True,
        "sent_automatically": False,
        "notice": str(notice),
        "model_version": draft.model_version,
        "confidence": draft.confidence,
        "sources": [
            {
                "number": s.number,
                "url": reverse("cases:detail", args=[s.pk]),
                "similarity": s.similarity,
            }
            for s in draft.sources
        ],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
