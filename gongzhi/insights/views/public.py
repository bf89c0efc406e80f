"""透明小区: pages anyone may read without logging in. Figures and published cases only (S9)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from gongzhi.cases import public_selectors
from gongzhi.insights import public
from gongzhi.insights.public_forms import PublicCaseFilterForm, PublicMonthForm
from gongzhi.org.models import Street


def public_index(request: HttpRequest) -> HttpResponse:
    """The streets whose figures and published cases anyone may read."""
    streets = Street.objects.order_by("id")
    return render(request, "insights/public_index.html", {"streets": streets})


def street_page(request: HttpRequest, code: str) -> HttpResponse:
    """A street's month of demands per community, and its compounds and households."""
    street = get_object_or_404(Street, code=code)
    form = PublicMonthForm(request.GET)
    month = form.chosen()
    rows = public.month_figures(street, month) if month else []
    return render(
        request,
        "insights/public_street.html",
        {
            "street": street,
            "form": form,
            "month": month,
            "rows": rows,
            "total": public.street_total(_("全街道合计"), rows) if rows else None,
            "places": public.place_rows(street),
        },
    )


def case_list(request: HttpRequest, code: str) -> HttpResponse:
    """诉求公开: the street's published cases, newest first, by community, category and state."""
    street = get_object_or_404(Street, code=code)
    form = PublicCaseFilterForm(request.GET, street=street)
    filters = form.filters()
    page = None
    if filters is not None:
        paginator = public_selectors.public_case_paginator(street, **filters)
        page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insights/public_cases.html",
        {"street": street, "form": form, "page": page, "querystring": query.urlencode()},
    )


def case_page(request: HttpRequest, code: str, number: str) -> HttpResponse:
    street = get_object_or_404(Street, code=code)
    row = public_selectors.public_case_get(street, number)
    return render(request, "insights/public_case.html", {"street": street, "row": row})
