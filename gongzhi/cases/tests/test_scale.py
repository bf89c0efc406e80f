"""The queue at scale: capped counts, bounded pages, the urgency order from an index, bounded
text search, sweeps in deadline order, and the AI suggestion off the filing's path."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.cases import queue_selectors, selectors, sweeps
from gongzhi.cases.choices import Category
from gongzhi.cases.models import Case, CaseCounter, CaseSuggestion
from gongzhi.cases.services import intake
from gongzhi.org.testing import PASSWORD


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_counts_and_pages_stop_at_the_cap(personas, make, monkeypatch) -> None:
    for i in range(7):
        make.received(title=f"诉求{i}")
    monkeypatch.setattr(queue_selectors, "COUNT_CAP", 4)
    counts = selectors.queue_counts(personas.community_worker)
    assert counts["open"] == 5  # "more than 4", read without counting every match
    assert selectors.format_count(counts["open"]) == "4+"
    page = _client(personas.community_worker).get("/cases/").content.decode()
    assert "4+" in page
    paginator = selectors.BoundedPaginator(selectors.case_queue(personas.street_officer), 2)
    assert (paginator.count, paginator.num_pages, paginator.capped) == (4, 2, True)
    assert len(paginator.get_page(99).object_list) == 2  # past the cap: the last page


@pytest.mark.django_db
def test_the_capped_pager_says_so(personas, make, monkeypatch) -> None:
    for i in range(23):
        make.received(title=f"诉求{i}")
    monkeypatch.setattr(queue_selectors, "COUNT_CAP", 21)
    page = _client(personas.community_worker).get("/cases/").content.decode()
    assert "第 1 / 2 页" in page and "仅列出前 21 条，请用筛选缩小范围" in page


@pytest.mark.django_db
def test_urgent_first_then_least_time_left_and_finished_last(personas, make) -> None:
    now = timezone.now()
    later, soon, urgent, undated = (make.accepted(title=t) for t in "甲乙丙丁")
    Case.objects.filter(pk=later.pk).update(due_at=now + dt.timedelta(days=3))
    Case.objects.filter(pk=soon.pk).update(due_at=now + dt.timedelta(hours=2))
    Case.objects.filter(pk=urgent.pk).update(urgency="urgent", due_at=now + dt.timedelta(days=9))
    Case.objects.filter(pk=undated.pk).update(due_at=None)
    closed = make.dispatched(title="戊")
    Case.objects.filter(pk=closed.pk).update(status="closed", urgency="critical")
    officer = personas.street_officer
    order = [c.title for c in selectors.case_queue(officer, bucket="open", order="urgency")]
    assert order == ["丙", "乙", "甲", "丁"]
    everything = [c.title for c in selectors.case_queue(officer, order="urgency")]
    assert everything == ["丙", "乙", "甲", "丁", "戊"]
    assert [c.title for c in selectors.case_queue(officer, bucket="closed", order="urgency")] == [
        "戊"
    ]


@pytest.mark.django_db
def test_text_search_reads_the_newest_cases_and_numbers_all(personas, make, monkeypatch) -> None:
    old = make.received(title="电梯异响", created_at=timezone.now() - dt.timedelta(days=200))
    new = make.received(title="电梯停运")
    officer = personas.street_officer
    assert set(selectors.case_queue(officer, q="电梯")) == {old, new}
    monkeypatch.setattr(queue_selectors, "SEARCH_WINDOW", 1)
    assert list(selectors.case_queue(officer, q="电梯")) == [new]
    assert list(selectors.case_queue(officer, q=old.number.lower())) == [old]
    assert set(selectors.case_queue(officer, q=old.number[:10])) >= {old}
    page = _client(personas.community_worker).get("/cases/").content.decode()
    assert "文字搜索最近 1 条诉求" in page  # the search box tells how far it reads
    # The window is the cases recorded last, whatever their filing time (an imported hotline
    # order of last year recorded today is found).
    imported = make.received(title="电梯年检", created_at=timezone.now() - dt.timedelta(days=300))
    assert list(selectors.case_queue(officer, q="电梯")) == [imported]


@pytest.mark.django_db
def test_sweeps_take_the_earliest_deadline_first(personas, make) -> None:
    first, second = make.dispatched(), make.dispatched()
    now = timezone.now()
    Case.objects.filter(pk=first.pk).update(due_at=now - dt.timedelta(hours=1))
    Case.objects.filter(pk=second.pk).update(due_at=now - dt.timedelta(hours=5))
    assert list(sweeps.breach_candidates(now)) == [second, first]
    assert sweeps.sweep_breaches(now) == 2
    assert not sweeps.breach_candidates(now).exists()


@pytest.mark.django_db
def test_case_numbers_continue_per_day_in_one_statement(personas, make) -> None:
    a, b = make.received(), make.received()
    assert int(b.number[-4:]) == int(a.number[-4:]) + 1
    assert CaseCounter.objects.get(day=timezone.localdate()).value == int(b.number[-4:])


def _grid_worker_files(p, title: str, content: str) -> Case:
    """A grid worker files a demand of resident_a in compound A (the suggestion tests' case)."""
    return intake.case_file(
        actor=p.grid_worker, compound=p.compound_a, channel="grid_worker", type="help",
        title=title, content=content, requester=p.resident_a,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_ai_suggestion_comes_after_commit_in_the_background(personas, settings) -> None:
    from gongzhi.cases.sla import ensure_default_policies

    ensure_default_policies()
    settings.GONGZHI_TRIAGE_AT_FILING = "background"
    p = personas
    case = _grid_worker_files(p, "电梯故障", "电梯困人，3栋电梯停在两层之间，里面有老人")
    intake.wait_for_suggestions()
    suggestion = CaseSuggestion.objects.get(case=case)
    assert suggestion.category == Category.ELEVATOR
    assert Case.objects.get(pk=case.pk).suggestion["category"] == Category.ELEVATOR


@pytest.mark.django_db
def test_a_filing_whose_suggestion_thread_died_gets_it_from_the_sweep(personas, settings) -> None:
    settings.GONGZHI_TRIAGE_AT_FILING = "background"  # inside the test transaction: no thread
    p = personas
    case = intake.create_case(
        notify_desk=False, actor=p.grid_worker, compound=p.compound_a, channel="grid_worker",
        type="help", title="电梯故障", content="电梯困人，3栋电梯停在两层之间，里面有老人",
        requester=p.resident_a,
    )  # fmt: skip
    CaseSuggestion.objects.filter(case=case).delete()  # as if the worker died before it ran
    now = timezone.now()
    assert sweeps.sweep_missing_suggestions(now) == 0  # its own thread may still be running
    later = now + dt.timedelta(minutes=5)
    assert sweeps.sweep_missing_suggestions(later) == 1
    assert CaseSuggestion.objects.get(case=case).category == Category.ELEVATOR
    assert sweeps.sweep_missing_suggestions(later) == 0  # once only


@pytest.mark.django_db
def test_deferred_suggestions_come_when_an_assessor_opens_the_case(personas, settings) -> None:
    """Deferred (the default): filing computes nothing; the assessor's page view does, once."""
    settings.GONGZHI_TRIAGE_AT_FILING = "deferred"
    p = personas
    case = _grid_worker_files(p, "电梯故障", "电梯困人，3栋电梯停在两层之间，里面有老人")
    assert not CaseSuggestion.objects.filter(case=case).exists()

    requester = Client()
    requester.force_login(p.resident_a)
    assert requester.get(f"/cases/{case.pk}/").status_code == 200
    assert not CaseSuggestion.objects.filter(case=case).exists()  # not for the requester's view

    assessor = Client()
    assessor.force_login(p.community_worker)
    page = assessor.get(f"/cases/{case.pk}/").content.decode()
    assert CaseSuggestion.objects.get(case=case).category == Category.ELEVATOR
    assert str(Category.ELEVATOR.label) in page  # the AI card shows it at once
    assessor.get(f"/cases/{case.pk}/")
    assert CaseSuggestion.objects.filter(case=case).count() == 1  # computed once


@pytest.mark.django_db
def test_deferred_suggestions_come_from_the_scheduler_without_waiting(personas, settings) -> None:
    settings.GONGZHI_TRIAGE_AT_FILING = "deferred"
    p = personas
    case = _grid_worker_files(p, "楼道灯不亮", "3单元楼道灯坏了一周，晚上上下楼看不见")
    assert not CaseSuggestion.objects.filter(case=case).exists()
    assert sweeps.sweep_missing_suggestions(timezone.now()) == 1
    assert CaseSuggestion.objects.filter(case=case).count() == 1
    assert sweeps.sweep_missing_suggestions(timezone.now()) == 0
