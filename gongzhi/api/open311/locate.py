"""Where an Open311 request is: a unit (`address_id`), the nearest compound to `lat`/`long`,
or a compound named in `address_string` — always within the client's street."""

import math
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from gongzhi.api.open311.params import Location, Open311Error
from gongzhi.org import selectors as org_selectors

# A point farther than this from every compound is not in the street.
MAX_DISTANCE_KM = 5.0


@dataclass(frozen=True)
class Place:
    compound: Any
    building: Any = None
    unit: Any = None


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); plenty for choosing among compounds of one street."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def place_for(account: Any, where: Location) -> Place:
    if where.address_id is not None:
        try:
            unit = org_selectors.unit_get(account, where.address_id)
        except Http404:
            raise Open311Error(400, "address_id 不在本辖区内") from None
        return Place(unit.building.compound, unit.building, unit)
    compounds = list(org_selectors.compounds_for(account))
    if where.lat is not None and where.long is not None:
        lat, long = float(where.lat), float(where.long)
        placed = [
            (_km(lat, long, float(c.latitude), float(c.longitude)), c.pk, c)
            for c in compounds
            if c.latitude is not None and c.longitude is not None
        ]
        if placed:
            distance, _, nearest = min(placed)
            if distance <= MAX_DISTANCE_KM:
                return Place(nearest)
        if not where.address_string:
            raise Open311Error(
                400, "该坐标附近没有本辖区的小区，请提供 address_string 或 address_id"
            )
    text = where.address_string
    named = [c for c in compounds if c.name and c.name in text]
    named += [c for c in compounds if c.address and c.address in text and c not in named]
    if not named:
        raise Open311Error(400, "无法根据地址确定小区，请提供 lat/long 或 address_id")
    # The longest matching name is the most specific (“南湖花园二期” over “南湖花园”).
    return Place(max(named, key=lambda c: (len(c.name) if c.name in text else 0, -c.pk)))
