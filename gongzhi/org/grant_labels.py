"""Where a role is granted, as the home page names it: "南湖街道 / 华锦社区 / 华锦花园"."""

from typing import Any

from django.utils.translation import gettext as _

# A grant's path names one node per level ("S1/C3/P12/"); a community's segment starts with C.
_COMMUNITY = "C"


def community_label(name: str) -> str:
    """A community as staff pages, choices and public pages name it: "华锦" → "华锦社区"
    ("华锦 Community"); a name that already ends in 社区 as it is."""
    return name if name.endswith("社区") else _("%(name)s社区") % {"name": name}


def grant_place(grant: Any) -> str:
    """The grant's scope as stored when it was granted (`scope_label`, the nodes' names joined
    by " / "), with its community named as on every staff page, not by its bare name ("华锦").
    A company's grant (property staff) has no path: its label is the company's name."""
    label = grant.scope_label
    nodes = grant.scope_path.rstrip("/").split("/") if grant.scope_path else []
    names = label.split(" / ")
    if len(nodes) != len(names):  # a name with " / " in it: as stored rather than misread
        return label
    return " / ".join(
        community_label(name) if node.startswith(_COMMUNITY) else name
        for node, name in zip(nodes, names, strict=True)
    )
