"""How the AI grid worker's advice fared (AI建议采纳情况) for the metrics page: per suggested
category, how many suggestions were made, taken (采纳) and overridden (人工调整), and what the
people deciding chose instead (G3: it suggests, a person decides).

Read from `CaseSuggestion.decision` over the cases the reader may see (`visible_to`), filed in
the period, each case counted once with its latest suggestion. Two queries, whatever the number
of cases. Only categories, classes, urgencies and levels: no name, room, text or company.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext as _

from gongzhi.cases.choices import Category, Level, SlaClass, Urgency
from gongzhi.cases.metrics import Ratio
from gongzhi.cases.models import Case, CaseEvent, EventKind
from gongzhi.cases.suggestions import URGENCY_FOR_CASE, CaseSuggestion, Decision
from gongzhi.org.models import Community

TOP = 3


@dataclass
class Adoption:
    """One suggested category's figures (or, with `label` 合计, all of them)."""

    label: str
    made: int = 0
    accepted: int = 0
    overridden: int = 0
    # What the overrides chose instead ("类别：设施设备维修"), most frequent first.
    changed_to: Counter = field(default_factory=Counter)

    @property
    def pending(self) -> int:
        return self.made - self.accepted - self.overridden

    @property
    def rate(self) -> Ratio:
        """采纳率 = 采纳 ÷ (采纳 + 人工调整); advice nobody has weighed yet is not counted."""
        return Ratio(self.accepted, self.accepted + self.overridden)

    @property
    def top(self) -> list[tuple[str, int]]:
        return sorted(self.changed_to.items(), key=lambda item: (-item[1], item[0]))[:TOP]


def _latest(user: Any, start: Any, end: Any, community: Community | None) -> QuerySet:
    """The latest suggestion with a category of each case `user` may see, filed in [start, end)."""
    cases = Case.objects.visible_to(user)
    if start is not None:
        cases = cases.filter(created_at__gte=start)
    if end is not None:
        cases = cases.filter(created_at__lt=end)
    if community is not None:
        cases = cases.filter(compound__community=community)
    newer = CaseSuggestion.objects.filter(case_id=OuterRef("case_id")).filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), id__gt=OuterRef("id"))
    )
    return (
        CaseSuggestion.objects.filter(case__in=cases.values("pk"))
        .exclude(category="")
        .exclude(Exists(newer))
        .order_by()
    )


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _changed_to(row: dict[str, Any]) -> str:
    """What an override chose instead of the advice, as the case reads now: its category, else
    its SLA class, else its urgency, else the level of its first 交办."""
    chosen = (
        (_("类别"), Category, row["category"], row["case__category"]),
        (_("时限类别"), SlaClass, row["sla_class"], row["case__sla_class"]),
        (_("紧急程度"), Urgency, URGENCY_FOR_CASE.get(row["urgency"], ""), row["case__urgency"]),
        (_("承办"), Level, row["level"], row["dispatched_level"] or ""),
    )
    for what, choices, suggested, now in chosen:
        if suggested and now and suggested != now:
            return _("%(what)s：%(value)s") % {"what": what, "value": _label(choices, now)}
    return _("其他")


def adoption(
    user: Any,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    community: Community | None = None,
) -> tuple[list[Adoption], Adoption]:
    """(one row per suggested category, most suggestions first; the total). Two queries."""
    latest = _latest(user, start, end, community)
    counts = latest.values("category").annotate(
        made=Count("id"),
        accepted=Count("id", filter=Q(decision=Decision.ACCEPTED)),
        overridden=Count("id", filter=Q(decision=Decision.OVERRIDDEN)),
    )
    rows = {
        c["category"]: Adoption(
            label=_label(Category, c["category"]),
            made=c["made"],
            accepted=c["accepted"],
            overridden=c["overridden"],
        )
        for c in counts
    }
    first_dispatch = (
        CaseEvent.objects.filter(case_id=OuterRef("case_id"), kind=EventKind.DISPATCHED)
        .order_by("created_at", "id")
        .annotate(level=KeyTextTransform("level", "payload"))
        .values("level")[:1]
    )
    overrides = (
        latest.filter(decision=Decision.OVERRIDDEN)
        .annotate(dispatched_level=Subquery(first_dispatch))
        .values(
            "category",
            "sla_class",
            "urgency",
            "level",
            "case__category",
            "case__sla_class",
            "case__urgency",
            "dispatched_level",
        )
        .annotate(n=Count("id"))
    )
    for row in overrides:
        if row["category"] in rows:
            rows[row["category"]].changed_to[_changed_to(row)] += row["n"]
    ordered = sorted(rows.values(), key=lambda a: (-a.made, a.label))
    total = Adoption(label=_("合计"))
    for row in ordered:
        total.made += row.made
        total.accepted += row.accepted
        total.overridden += row.overridden
        total.changed_to.update(row.changed_to)
    return ordered, total
