"""诉求公开: what anyone may read of a street's cases without logging in (S9).

Only cases whose requester agreed to publish them (`is_public`), once staff have assessed them
(a message nobody has read yet is not put on the public web), and never a repeat merged into
another case or one not accepted. Every text goes through `selectors.public_case`: no requester,
and no phone number, ID number, room or name left in a title, a message or a reply.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case
from gongzhi.cases.queue_pages import BoundedPaginator
from gongzhi.cases.queue_selectors import capped_count
from gongzhi.cases.selectors import PublicCase, public_case
from gongzhi.cases.workflow import PUBLISHED_STATUSES, Status
from gongzhi.org.grant_labels import community_label
from gongzhi.org.models import Compound, Street

IN_PROGRESS = sorted(PUBLISHED_STATUSES - {Status.CLOSED})  # 处置 awaiting its visit included
PER_PAGE = 20
LIST_CAP = 1000  # fifty pages: the public pages list the newest, and filters narrow them


class State:
    """The public list's 办理状态 filter."""

    ALL = ""
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


@dataclass(frozen=True)
class PublicRow:
    """One line of the public list: the masked texts and where the case is."""

    case: PublicCase
    community: str  # 华锦社区, as the staff pages and the filter name it
    compound: str
    created_at: Any
    in_progress: bool

    @property
    def state(self) -> str:
        """The two words of the list's 办理状态 filter (办理中, 已办结), not the workflow's
        finer steps (已签收, 处置中…), which the public filter does not offer."""
        return str(_("办理中") if self.in_progress else _("已办结"))

    @property
    def step(self) -> str:
        """Where an open case is (已签收, 重新交办中…), shown after `state`; nothing when it
        says the same or the case is closed."""
        step = str(self.case.status) if self.in_progress else ""
        return "" if step == self.state else step


def _places(street: Street) -> dict[int, tuple[str, str]]:
    """The street's compounds: id → (community, compound) names."""
    return {
        pk: (community, compound)
        for pk, community, compound in Compound.objects.filter(community__street=street)
        .order_by("id")
        .values_list("pk", "community__name", "name")
    }


def _published(compound_ids: list[int]) -> QuerySet[Case]:
    # One table, ids given: the newest are read backwards from `case_public_idx`.
    return Case.objects.filter(
        is_public=True, status__in=sorted(PUBLISHED_STATUSES), compound_id__in=compound_ids
    )


def public_case_paginator(
    street: Street,
    *,
    community_id: int | None = None,
    category: str = "",
    state: str = State.ALL,
) -> BoundedPaginator:
    """The street's published cases, newest first (pages of `PublicRow`)."""
    places = _places(street)
    if community_id is not None:
        community = Compound.objects.filter(community_id=community_id).values_list("pk", flat=True)
        compound_ids = [pk for pk in community if pk in places]
    else:
        compound_ids = list(places)
    cases = _published(compound_ids)
    if category:
        cases = cases.filter(category=category)
    if state == State.IN_PROGRESS:
        cases = cases.filter(status__in=IN_PROGRESS)
    elif state == State.CLOSED:
        cases = cases.filter(status=Status.CLOSED)
    cases = cases.order_by("-created_at", "-id")
    return BoundedPaginator(
        _Rows(cases, places), PER_PAGE, cap=LIST_CAP, counted=lambda: capped_count(cases, LIST_CAP)
    )


class _Rows:
    """A paginator's object list (counted by the paginator): a page of cases as rows."""

    def __init__(self, cases: QuerySet[Case], places: dict[int, tuple[str, str]]) -> None:
        self.cases, self.places = cases, places

    def __getitem__(self, index: slice) -> list[PublicRow]:
        return [_row(case, self.places) for case in self.cases[index]]


def _row(case: Case, places: dict[int, tuple[str, str]]) -> PublicRow:
    community, compound = places[case.compound_id]
    return PublicRow(
        case=public_case(case),
        community=community_label(community),
        compound=compound,
        created_at=case.created_at,
        in_progress=case.status != Status.CLOSED,
    )


def public_case_get(street: Street, number: str) -> PublicRow:
    """One published case of the street by its number; 404 for any other (unpublished, of
    another street, or no such number), alike."""
    places = _places(street)
    case = _published(list(places)).filter(number=number).first()
    if case is None:
        raise Http404
    return _row(case, places)
