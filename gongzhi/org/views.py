from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongzhi.org import policies, selectors
from gongzhi.org.scopes import scope_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own page: residents their household, staff their area."""
    user = request.user
    scope = scope_for(user)
    context = {
        "households": selectors.households_of(user),
        "communities": selectors.communities_for(user) if policies.is_staff_member(user) else [],
        "grants": user.grants.order_by("role"),
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
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(request.user, pk)
    reveal = request.GET.get("reveal") == "1"
    context = {
        "unit": unit,
        "people": selectors.unit_people(request.user, unit, reveal=reveal),
        "can_reveal": policies.can_view_contacts(request.user, unit),
    }
    return render(request, "org/unit_detail.html", context)
