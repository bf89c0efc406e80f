from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from gongzhi.org import demo, policies, selectors
from gongzhi.org.grant_labels import grant_place
from gongzhi.org.models import Residency, Role, Unit
from gongzhi.org.scopes import scope_for


class SignInView(auth_views.LoginView):
    """登录: the demo accounts' pointer (演示账号见 README) only where the demo street is loaded
    and `GONGZHI_DEMO_HINT` is on (off by default under GONGZHI_PRODUCTION=1)."""

    template_name = "registration/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demo_hint"] = settings.GONGZHI_DEMO_HINT and demo.is_seeded()
        return context


def _relation(user: Any, unit: Unit) -> str:
    """How a resident is linked to a household: 业主 (an owner), 租户 or 家庭成员."""
    person = user.person
    if person is None:
        return gettext("居民")
    if unit.owner_id and person.ownerships.filter(owner_id=unit.owner_id).exists():
        return gettext("业主")
    kind = (
        person.residencies.filter(unit=unit, moved_out__isnull=True)
        .values_list("kind", flat=True)
        .first()
    )
    labels = {
        Residency.Kind.OWNER_OCCUPIER: gettext("业主"),
        Residency.Kind.TENANT: gettext("租户"),
        Residency.Kind.FAMILY: gettext("家庭成员"),
    }
    return labels.get(kind, gettext("居民"))


def _role_badges(user: Any, households: list[Unit]) -> list[tuple[str, str]]:
    """(role, where) for each grant; a resident's role says what they are to that household."""
    units = {unit.path: unit for unit in households}
    badges = []
    for grant in user.grants.order_by("role"):
        unit = units.get(grant.scope_path) if grant.role == Role.RESIDENT else None
        role = _relation(user, unit) if unit is not None else grant.get_role_display()
        badges.append((role, grant_place(grant)))
    return badges


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own page: residents their household, staff their area."""
    user = request.user
    scope = scope_for(user)
    households = list(selectors.households_of(user))
    context = {
        "greeting_name": user.person.name if user.person_id else str(user),
        "households": households,
        "communities": selectors.communities_for(user) if policies.is_staff_member(user) else [],
        "badges": _role_badges(user, households),
        "is_staff_member": policies.is_staff_member(user),
        "scope": scope,
    }
    return render(request, "org/home.html", context)


@login_required
def community_detail(request: HttpRequest, pk: int) -> HttpResponse:
    community = selectors.community_get(request.user, pk)
    compounds = selectors.compounds_for(request.user, community)
    return render(
        request, "org/community_detail.html", {"community": community, "compounds": compounds}
    )


@login_required
def compound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    compound = selectors.compound_get(request.user, pk)
    context = {
        "compound": compound,
        "figures": selectors.compound_figures(compound),
        "buildings": selectors.buildings_for(request.user, compound),
        "parties": selectors.compound_parties(compound),
        "can_manage_roster": policies.can_manage_roster(request.user, compound),
    }
    return render(request, "org/compound_detail.html", context)


@login_required
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    building = selectors.building_get(request.user, pk)
    units = selectors.units_for(request.user, building)
    return render(request, "org/building_detail.html", {"building": building, "units": units})


@login_required
@require_http_methods(["GET", "POST"])
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The household's page; 查看完整联系方式 posts `reveal=1` back to it (with the CSRF token),
    never a link: a browser prefetching a link would log a view nobody made."""
    unit = selectors.unit_get(request.user, pk)
    reveal = request.method == "POST" and request.POST.get("reveal") == "1"
    context = {
        "unit": unit,
        "people": selectors.unit_people(request.user, unit, reveal=reveal),
        "can_reveal": policies.can_view_contacts(request.user, unit),
    }
    return render(request, "org/unit_detail.html", context)
