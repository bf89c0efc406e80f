"""A case photo on its own page: tapping a thumbnail shows the picture (with a way back)
instead of downloading it. The file itself is still served only as a download
(`attachments.download`); an `<img>` shows it whatever its disposition."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gongzhi.cases import ui_selectors


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    item = ui_selectors.attachment_get(request.user, pk)  # 404 unless its case is visible
    if not item.content_type.startswith("image/"):
        return redirect("cases:attachment", item.pk)  # a PDF: the download itself
    return render(request, "cases/photo.html", {"item": item, "case": item.case})
