"""Read-only figures for the public pages and dashboards."""

from dataclasses import dataclass

from django.db.models import Count, Sum

from gongzhi.core import quantities
from gongzhi.org.models import Community, Compound, Unit


@dataclass(frozen=True)
class CommunityRow:
    name: str
    compounds: int
    households: int
    area: object


def public_street_statistics() -> list[CommunityRow]:
    """Per community: compounds, households and floor area. Contains no personal data."""
    per_community = {
        row["building__compound__community"]: row
        for row in Unit.objects.values("building__compound__community").annotate(
            n=Count("id"), area=Sum("area")
        )
    }
    compounds = dict(
        Compound.objects.values("community").annotate(n=Count("id")).values_list("community", "n")
    )
    return [
        CommunityRow(
            c.name,
            compounds.get(c.pk, 0),
            per_community.get(c.pk, {}).get("n", 0),
            quantities.area(per_community.get(c.pk, {}).get("area")),
        )
        for c in Community.objects.order_by("id")
    ]
