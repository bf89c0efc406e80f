"""The signed-in user's notification inbox and preferences (/me/…)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.notifications import selectors, services
from gongzhi.core.notifications.forms import PreferenceForm
from gongzhi.core.notifications.kinds import label_for
from gongzhi.core.notifications.links import closed_links
from gongzhi.core.notifications.preferences import email_address, phone_number, preference_for
from gongzhi.core.notifications.quiet_hours import is_staff_recipient


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(request.user), 30).get_page(request.GET.get("page"))
    closed = closed_links(request.user, [note.link for note in page])
    for note in page:
        note.kind_label = label_for(note.kind)
        note.link_closed = note.link in closed  # taken from them since: no 查看 to a 404
    context = {"page": page, "unread": selectors.unread_count(request.user)}
    return render(request, "core/notifications/inbox.html", context)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get(request.user, pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    link = notification.link
    if request.POST.get("go") and link and url_has_allowed_host_and_scheme(link, None):
        if not closed_links(request.user, [link]):
            return redirect(link)
        messages.info(request, _("该事项已不由您办理，无法查看。"))
    return redirect("me:notifications")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, _("已将 %(count)d 条通知标为已读。") % {"count": count})
    return redirect("me:notifications")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    current = preference_for(user)
    staff = is_staff_recipient(user)
    initial = {f: getattr(current, f) for f in PreferenceForm.base_fields if hasattr(current, f)}
    email, phone = email_address(user), phone_number(user)
    form = PreferenceForm(
        request.POST or None,
        initial=initial,
        staff=staff,
        muted=current.muted_kinds,
        email=bool(email),
        phone=bool(phone),
    )
    if request.method == "POST" and form.is_valid():
        data = {"urgent_bypasses_quiet_hours": current.urgent_bypasses_quiet_hours}
        data.update(form.cleaned_data)
        try:
            services.preference_update(actor=user, user=user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("通知设置已保存。"))
            return redirect("me:preferences")
    context = {"form": form, "email": email, "phone": phone}
    return render(request, "core/notifications/preferences.html", context)
