"""AI网格员 pages: hot topics (热点议题) over the user's visible cases, and reply drafts (G3)."""

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gongzhi.cases import selectors, triage_link
from gongzhi.cases.forms.fields import StyledForm, community_label
from gongzhi.cases.models import Case
from gongzhi.org import policies as org_policies
from gongzhi.org import selectors as org_selectors

PERIODS = ((7, _("近 7 天")), (30, _("近 30 天")), (90, _("近 90 天")))


class HotTopicsFilterForm(StyledForm):
    days = forms.TypedChoiceField(label=_("时间范围"), choices=PERIODS, coerce=int, initial=30)
    area = forms.ChoiceField(label=_("区域"), required=False)

    def __init__(self, *args, communities, compounds, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [
            ("", _("全部可见区域")),
            *((f"community:{c.pk}", community_label(c.name)) for c in communities),
            *((f"compound:{c.pk}", c.name) for c in compounds),
        ]

    def filters(self) -> tuple[int, str]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("days") or 30, data.get("area") or ""


@login_required
@require_GET
def hot_topics(request: HttpRequest) -> HttpResponse:
    if not org_policies.is_staff_member(request.user):
        raise PermissionDenied(_("仅工作人员可查看热点议题"))
    communities = list(org_selectors.communities_for(request.user))
    compounds = list(org_selectors.compounds_for(request.user))
    form = HotTopicsFilterForm(request.GET or None, communities=communities, compounds=compounds)
    days, area = form.filters()
    cases = Case.objects.visible_to(request.user)
    kind, _sep, pk = area.partition(":")
    if kind == "community":
        cases = cases.filter(compound__community_id=int(pk))
    elif kind == "compound":
        cases = cases.filter(compound_id=int(pk))
    end = timezone.now()
    start = end - dt.timedelta(days=days)
    context = {
        "form": form,
        "days": days,
        "half_days": days / 2,  # the trend compares the two halves of the period
        "topics": triage_link.hot_topics_for(cases, start=start, end=end),
    }
    return render(request, "cases/hot_topics.html", context)


@login_required
@require_GET
def reply_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /cases/<id>/reply-draft: a draft public reply as plain text; never sent by itself."""
    case = selectors.case_get(request.user, pk)  # 404 when out of scope
    if not org_policies.is_staff_member(request.user):
        raise Http404  # a requester sees the case but has no reply to draft
    draft = triage_link.reply_draft_for(Case.objects.visible_to(request.user), case)
    return HttpResponse(draft, content_type="text/plain; charset=utf-8")
