"""The work queue's counts and pages read part by part of a user's scope (`visible_parts`) and,
with filters, from one capped read of ids: they must stay exactly what the scoped queue lists."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.cases import queue_selectors, selectors
from gongzhi.cases.models import Case
from gongzhi.cases.queue_selectors import is_overdue
from gongzhi.cases.workflow import OPEN_STATUSES, Status


def _street(make, p) -> dict[str, Case]:
    """Cases in every bucket, in and out of each persona's scope, some the personas' own."""
    cases = {
        "lift": make.received(title="电梯停运"),
        "noise_b": make.received(compound=p.compound_b, requester=p.resident_b, title="噪音Abc"),
        "lamp_c": make.received(compound=p.compound_c, title="路灯不亮"),
        "dispatched": make.dispatched(title="楼道灯不亮"),
        "dispatched_c": make.dispatched(compound=p.compound_c, title="电梯异响"),
        "working": make.in_progress(channel="grid_worker"),
        "resolved": make.resolved(),
        "closed": make.dispatched(title="100%满意"),
        "public": make.received(title="公开的诉求"),
        "own_outside": make.received(compound=p.compound_c, title="社区干部自己的诉求"),
        "own_inside": make.received(title="社区干部代登记"),
    }
    now = timezone.now()
    Case.objects.filter(pk=cases["closed"].pk).update(status=Status.CLOSED)
    Case.objects.filter(pk=cases["public"].pk).update(is_public=True, termination_requested=True)
    Case.objects.filter(pk=cases["own_outside"].pk).update(requester=p.community_worker)
    Case.objects.filter(pk=cases["own_inside"].pk).update(created_by=p.community_worker)
    Case.objects.filter(pk=cases["dispatched"].pk).update(due_at=now - dt.timedelta(hours=1))
    Case.objects.filter(pk=cases["working"].pk).update(
        due_at=now + dt.timedelta(hours=1), warn_at=now - dt.timedelta(hours=1), breached_at=None
    )
    return cases


def _filters(p, cases) -> list[dict]:
    urgency = {"order": "urgency"}
    buckets = [{"bucket": b, **urgency} for b in (*selectors.BUCKETS, None)]
    return [
        *buckets,
        {"bucket": "open", "status": "dispatched", **urgency},
        {"bucket": "open", "sla_class": "property", **urgency},
        {"bucket": "open", "channel": "grid_worker", **urgency},
        {"bucket": "open", "compound_id": p.compound_a.pk, **urgency},
        {"bucket": "open", "overdue": True, **urgency},
        {"bucket": "open", "q": "电梯", **urgency},
        {"bucket": "open", "q": "%满", **urgency},
        {"bucket": None, "q": "%满", **urgency},
        {"bucket": None, "q": "abc", **urgency},  # ASCII: case-insensitive, as before
        {"bucket": "open", "q": cases["lift"].number[:10], **urgency},
        {"bucket": "closed", "q": "满意", **urgency},
        {"bucket": None, "channel": "hotline_12345", **urgency},
        {"bucket": "open", "status": "closed", **urgency},
    ]


@pytest.mark.django_db
def test_the_parts_of_a_scope_are_disjoint_and_make_up_what_it_sees(make, personas) -> None:
    _street(make, personas)
    for name, user in personas.all_users().items():
        parts = [
            set(part.values_list("pk", flat=True)) for part in Case.objects.visible_parts(user)
        ]
        union = set().union(*parts)
        assert sum(len(part) for part in parts) == len(union), name
        assert union == set(Case.objects.visible_to(user).values_list("pk", flat=True)), name


@pytest.mark.django_db
@pytest.mark.parametrize("cap", [1000, 2])
def test_counts_and_pages_are_the_scoped_queue(make, personas, monkeypatch, cap) -> None:
    monkeypatch.setattr(queue_selectors, "COUNT_CAP", cap)
    cases = _street(make, personas)
    now = timezone.now()
    for name, user in personas.all_users().items():
        counts = selectors.queue_counts(user, now=now)
        for filters in _filters(personas, cases):
            listed = list(selectors.case_queue(user, now=now, **filters))
            label = (name, filters)
            assert selectors.queue_count(user, now=now, **filters) == min(len(listed), cap + 1), (
                label
            )
            if filters["bucket"] in counts and len(filters) == 2:
                assert counts[filters["bucket"]] == min(len(listed), cap + 1), label
            paginator = selectors.queue_paginator(user, 2, counts=counts, now=now, **filters)
            pages = [paginator.page(n).object_list for n in paginator.page_range]
            assert [c for page in pages for c in page] == listed[:cap], label
            assert paginator.capped == (len(listed) > cap), label


@pytest.mark.django_db
def test_own_cases_outside_the_scope_count_once_and_others_never(make, personas) -> None:
    p = personas
    cases = _street(make, p)
    worker = p.community_worker
    open_cases = set(selectors.case_queue(worker, bucket="open"))
    assert cases["own_outside"] in open_cases and cases["lamp_c"] not in open_cases
    assert selectors.queue_counts(worker)["open"] == len(open_cases)
    # Company Y serves compound B only: company X's cases never reach its counts.
    assert selectors.queue_counts(p.property_b)["open"] == 0
    x_cases = set(selectors.case_queue(p.property_a, bucket="open"))
    assert x_cases == {cases["dispatched"], cases["dispatched_c"], cases["working"]}
    assert selectors.queue_counts(p.property_a)["open"] == 3


@pytest.mark.django_db
def test_chinese_search_is_literal_substring_search(make, personas) -> None:
    cases = _street(make, personas)
    officer = personas.street_officer
    assert set(selectors.case_queue(officer, q="%满")) == {cases["closed"]}
    assert set(selectors.case_queue(officer, q="电_")) == set()  # "_" is no wildcard
    assert set(selectors.case_queue(officer, q="电梯")) == {cases["lift"], cases["dispatched_c"]}
    assert set(selectors.case_queue(officer, q="ABC")) == {cases["noise_b"]}


@pytest.mark.django_db
def test_the_open_tab_with_a_status_or_overdue_filter_lists_what_the_user_expects(
    make, personas
) -> None:
    """Checked against the cases themselves, not the queue's own query: on PostgreSQL the open
    tab's status condition is left out where a narrower filter implies it (planner estimates)."""
    cases = _street(make, personas)
    now = timezone.now()
    officer_overdue = selectors.case_queue(personas.street_officer, bucket="open", overdue=True)
    assert list(officer_overdue) == [cases["dispatched"]]
    for name, user in personas.all_users().items():
        visible = list(Case.objects.visible_to(user))
        open_cases = [c for c in visible if c.status in OPEN_STATUSES]
        for status in ("dispatched", "in_progress", "received", "resolved", "closed"):
            listed = set(selectors.case_queue(user, now=now, bucket="open", status=status))
            assert listed == {c for c in open_cases if c.status == status}, (name, status)
        overdue = set(selectors.case_queue(user, now=now, bucket="open", overdue=True))
        expected = {c for c in open_cases if is_overdue(c, now)}
        assert overdue == expected, name


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["", "小区"])  # with a term: the text search's own plan
def test_every_case_tab_lists_the_unfinished_by_urgency_then_the_finished_newest_first(
    make, personas, term
) -> None:
    now = timezone.now()
    older, newer, newest = (make.dispatched(title=f"小区{n}") for n in "甲乙丙")
    normal, critical = make.dispatched(title="小区丁"), make.dispatched(title="小区戊")
    for case, days in ((older, 30), (newer, 20), (newest, 10)):
        Case.objects.filter(pk=case.pk).update(
            status=Status.CLOSED, created_at=now - dt.timedelta(days=days)
        )
    Case.objects.filter(pk=critical.pk).update(urgency="critical")
    listed = list(selectors.case_queue(personas.street_officer, q=term, order="urgency"))
    assert listed == [critical, normal, newest, newer, older]
