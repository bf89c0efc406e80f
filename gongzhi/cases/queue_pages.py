"""The work queue's pages (工作台): a paginator over at most COUNT_CAP rows, the pages of a
filtered queue from one capped read of ids in page order, and the count beside 仅看已超时.
COUNT_CAP and the queue itself are read from `queue_selectors` at call time (tests change it).
"""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.utils import timezone

from gongzhi.cases import queue_selectors
from gongzhi.cases.deadlines import LATE_STATUSES, overdue_q
from gongzhi.cases.models import Case


class BoundedPaginator(Paginator):
    """Pages over at most COUNT_CAP rows, counted with `capped_count` (`capped` when there
    are more: the pager says only the first COUNT_CAP are listed and offers no page past them).
    `counted`: the capped count when the caller already has it (`queue_count`)."""

    def __init__(
        self, object_list: QuerySet, per_page: int, cap: int | None = None, counted: Any = None
    ) -> None:
        super().__init__(object_list, per_page)
        self.cap = queue_selectors.COUNT_CAP if cap is None else cap
        self.capped = False
        self._counted = counted
        # How many of the matches are 已超时, when the paginator read every one of them.
        self.overdue_found: int | None = None

    @property
    def count(self) -> int:
        if not hasattr(self, "_bounded_count"):
            found = self._counted() if callable(self._counted) else self._counted
            if found is None:
                found = queue_selectors.capped_count(self.object_list, self.cap)
            self.capped = found > self.cap
            self._bounded_count = min(found, self.cap)
        return self._bounded_count


def _narrowing(filters: dict[str, Any]) -> list[str]:
    """The filters other than the tab and the order that leave fewer cases. The text search
    window (`before`, `since`) narrows only a text search, which is read on its own."""
    ignored = ("bucket", "order", "before", "since")
    return [key for key, value in filters.items() if key not in ignored and value]


class _RowsInOrder:
    """The cases of `ids`, in that order, read a page at a time (a Paginator's object_list)."""

    def __init__(self, visible: QuerySet[Case], ids: list[int]) -> None:
        self.visible, self.ids = visible, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: slice) -> list[Case]:
        ids = self.ids[index]
        rows = self.visible.in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


def queue_paginator(
    user: Any, per_page: int, *, counts: dict[str, int] | None = None, **filters: Any
) -> BoundedPaginator:
    """The work queue's pages. A bucket alone: its count from `counts` (`queue_counts` at the
    same `now`). Other filters on unfinished cases, and any text search: one read of at most
    COUNT_CAP + 1 ids in page order gives the count and every page, from the queue index that
    holds every column they test (a sparse filter walks that small index once, not once per
    count and page) or from the search window. A community alone (a seventh of the street, not
    sparse): counted part by part from the compound-led index, and a page read in order from
    the queue index, where reading 1,001 ids would read and sort every unfinished case of it."""
    now = filters.pop("now", None) or timezone.now()
    cases = queue_selectors.case_queue(user, now=now, **filters)
    bucket = filters.get("bucket")
    others = _narrowing(filters)
    if counts is not None and bucket in counts and not others:
        return BoundedPaginator(cases, per_page, counted=counts[bucket])
    status = filters.get("status")
    statuses = [status] if isinstance(status, str) else status
    unfinished = filters.get("overdue") or filters.get("under_supervision")
    dense = others and set(others) <= {"compound_ids"}
    if (
        filters.get("order") == "urgency"
        and (queue_selectors.active_only(bucket, statuses) or unfinished)
        and not dense
    ) or queue_selectors.searches_text(filters):
        # Text is searched row by row in its window of SEARCH_WINDOW cases: once, here, rather
        # than once per part of the scope for the count and again for the page.
        # With whether each is 已超时 (its columns are in the same index; tested in SQL, which
        # costs less than turning two dates per row into Python objects).
        late = ExpressionWrapper(overdue_q(now), output_field=BooleanField())
        cap = queue_selectors.COUNT_CAP
        rows = list(cases.values_list("pk", late)[: cap + 1])
        visible = Case.objects.visible_to(user).select_related(*queue_selectors.RELATED)
        ids = [pk for pk, _late in rows]
        paginator = BoundedPaginator(_RowsInOrder(visible, ids), per_page, counted=len(ids))
        if len(rows) <= cap:  # every match was read, not only the first COUNT_CAP + 1
            paginator.overdue_found = sum(1 for _pk, is_late in rows if is_late)
        return paginator
    # Finished cases too: counted part by part (their order index is not a covering one).
    return BoundedPaginator(
        cases, per_page, counted=lambda: queue_selectors.queue_count(user, now=now, **filters)
    )


def overdue_toggle_count(
    user: Any,
    paginator: BoundedPaginator,
    *,
    now: Any,
    counts: dict[str, int] | None = None,
    **filters: Any,
) -> int | None:
    """How many cases 仅看已超时 lists with the other filters as they are (capped like every
    count), for its label; None where that cannot be counted at a bounded cost: a text search
    with more than COUNT_CAP matches, whose count would read the search window a second time
    (the label then shows no number rather than a wrong one). Otherwise it costs nothing more
    than the page (toggle on; every match read for the page; a bucket alone) or one capped
    count of the overdue cases in scope, from case_active_scope_idx alone (`queue_count`)."""
    if filters.get("overdue"):  # on: the page lists exactly that
        found = paginator.count
        return paginator.cap + 1 if paginator.capped else found
    bucket, status = filters.get("bucket"), filters.get("status")
    statuses = [status] if isinstance(status, str) else status
    if bucket in ("resolved", "closed") or (statuses and not set(statuses) & LATE_STATUSES):
        return 0  # no clock runs in these statuses: nothing is late
    others = _narrowing(filters)
    if counts is not None and not others and bucket in (None, "open", "overdue"):
        return counts["overdue"]  # every late case is open
    if paginator.overdue_found is not None:
        return paginator.overdue_found
    if queue_selectors.searches_text(filters):
        return None
    return queue_selectors.queue_count(user, now=now, **{**filters, "overdue": True})


def format_count(value: int, cap: int | None = None) -> str:
    cap = queue_selectors.COUNT_CAP if cap is None else cap
    return f"{cap}+" if value > cap else str(value)
