"""The org tree as the caller may see it: the same selectors (and masking) as the org pages."""

from django.http import HttpRequest
from ninja import Router

from gongzhi.api.inputs import Id
from gongzhi.api.v1.schemas import (
    BuildingOut,
    CommunityOut,
    CompoundOut,
    UnitDetailOut,
    UnitOut,
)
from gongzhi.org import selectors

router = Router()


@router.get("/communities", response=list[CommunityOut], url_name="communities")
def communities(request: HttpRequest):
    """我可见的社区。"""
    return selectors.communities_for(request.user)


@router.get("/communities/{community_id}", response=CommunityOut, url_name="community")
def community(request: HttpRequest, community_id: Id):
    return selectors.community_get(request.user, community_id)


@router.get(
    "/communities/{community_id}/compounds",
    response=list[CompoundOut],
    url_name="community_compounds",
)
def community_compounds(request: HttpRequest, community_id: Id):
    """社区下我可见的小区。"""
    found = selectors.community_get(request.user, community_id)
    return selectors.compounds_for(request.user, found)


@router.get("/compounds/{compound_id}", response=CompoundOut, url_name="compound")
def compound(request: HttpRequest, compound_id: Id):
    return selectors.compound_get(request.user, compound_id)


@router.get(
    "/compounds/{compound_id}/buildings", response=list[BuildingOut], url_name="compound_buildings"
)
def compound_buildings(request: HttpRequest, compound_id: Id):
    found = selectors.compound_get(request.user, compound_id)
    return selectors.buildings_for(request.user, found)


@router.get("/buildings/{building_id}", response=BuildingOut, url_name="building")
def building(request: HttpRequest, building_id: Id):
    return selectors.building_get(request.user, building_id)


@router.get("/buildings/{building_id}/units", response=list[UnitOut], url_name="building_units")
def building_units(request: HttpRequest, building_id: Id):
    found = selectors.building_get(request.user, building_id)
    return selectors.units_for(request.user, found)


@router.get("/units/{unit_id}", response=UnitDetailOut, url_name="unit")
def unit(request: HttpRequest, unit_id: Id):
    """户的信息与住户（姓名、电话一律脱敏）。"""
    found = selectors.unit_get(request.user, unit_id)
    people = selectors.unit_people(request.user, found, reveal=False)
    return {
        "id": found.pk,
        "name": found.name,
        "building": found.building,
        "entrance": found.entrance,
        "room": found.room,
        "floor": found.floor,
        "area": found.area,
        "people": [{"name": p.name, "phone": p.phone, "relation": p.relation} for p in people],
    }
