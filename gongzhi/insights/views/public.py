from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongzhi.insights import selectors


def public_index(request: HttpRequest) -> HttpResponse:
    """透明小区: statistics anyone may read without logging in."""
    rows = selectors.public_street_statistics()
    return render(request, "insights/public_index.html", {"rows": rows})
