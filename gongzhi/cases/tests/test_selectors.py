"""Reads for the UI: the inbox buckets and filters, the detail page, allowed buttons, timeline."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.http import Http404

from gongzhi.cases import selectors, services
from gongzhi.cases.choices import CaseType, Category, Level, SlaClass
from gongzhi.cases.models import Case, CaseEvent, CaseRating
from gongzhi.cases.workflow import Action


@pytest.mark.django_db
def test_todo_shows_each_persona_its_next_steps(make, personas) -> None:
    p = personas
    received = make.received()
    dispatched = make.dispatched()
    resolved = make.resolved()
    todo = {
        "community_worker": {received},
        "property_a": {dispatched},
        "resident_a": {resolved},
        "grid_worker": set(),
    }
    for name, expected in todo.items():
        assert set(selectors.case_queue(getattr(p, name), bucket="todo")) == expected, name
    counts = selectors.queue_counts(p.community_worker)
    assert (counts["todo"], counts["open"], counts["resolved"]) == (1, 2, 1)


@pytest.mark.django_db
def test_queue_filters_and_search(make, personas) -> None:
    p = personas
    lamp = make.dispatched(title="楼道灯不亮")
    noise = make.received(title="夜间施工噪音", content="工地十点后还在施工")
    b = make.received(compound=p.compound_b, requester=p.resident_b)
    officer = p.street_officer
    assert list(selectors.case_queue(officer, q="噪音")) == [noise]
    assert list(selectors.case_queue(officer, status="dispatched")) == [lamp]
    assert set(selectors.case_queue(officer, compound_id=p.compound_b.pk)) == {b}
    assert set(selectors.case_queue(officer, company_id=p.company_x.pk)) == {lamp}
    assert set(selectors.case_queue(officer, category=Category.REPAIR)) == {lamp}
    assert set(selectors.case_queue(officer, community_id=p.community2.pk)) == set()
    assert list(selectors.case_queue(officer, order="-due_at; DROP")) == [b, noise, lamp]
    with time_machine.travel(lamp.due_at + dt.timedelta(minutes=1), tick=False):
        # The two filed a day ago and never assessed are past their 研判期限 (一般类: 2 h) too.
        assert list(selectors.case_queue(officer, bucket="overdue")) == [b, noise, lamp]


@pytest.mark.django_db
def test_the_queue_costs_one_query_however_long(make, personas, django_assert_num_queries):
    for _ in range(5):
        make.dispatched()
    user = personas.community_worker
    list(selectors.case_queue(user))  # warm the scope cache
    with django_assert_num_queries(1):
        rows = list(selectors.case_queue(user))
        [(c.compound.community.name, c.assigned_company.name) for c in rows]


@pytest.mark.django_db
def test_out_of_scope_is_404(make, personas) -> None:
    case = make.received()
    with pytest.raises(Http404):
        selectors.case_get(personas.property_b, case.pk)
    assert selectors.case_get(personas.party_a, case.pk) == case


@pytest.mark.django_db
def test_detail_offers_only_allowed_buttons_and_hides_internal_notes(make, personas) -> None:
    p = personas
    case = make.assessed()
    assert selectors.allowed_actions(p.community_worker, case) == [
        Action.MERGE, Action.DISPATCH, Action.SUPERVISE, Action.NOT_ACCEPT,
        Action.REQUEST_TERMINATION,  # 终止 needs another's approval (S2)
    ]  # fmt: skip
    assert selectors.allowed_actions(p.property_a, case) == []
    services.case_dispatch(case=case, actor=p.community_worker, level=Level.COMPOUND,
                           company=p.company_x)  # fmt: skip
    detail = selectors.case_detail(p.property_a, case.pk)
    assert detail.actions == [Action.ACCEPT, Action.RETURN, Action.REQUEST_TERMINATION]
    assert [e.kind for e in detail.timeline] == ["filed", "dispatched"]  # 研判 is internal
    staff = selectors.case_detail(p.community_worker, case.pk)
    assert [e.kind for e in staff.timeline] == ["filed", "assessed", "dispatched"]
    assert staff.requester.phone == "138****1234" and staff.can_reveal
    assert staff.policy.code == SlaClass.PROPERTY and not staff.overdue


@pytest.mark.django_db
def test_extend_is_offered_only_while_the_class_allows_one_more(make, personas) -> None:
    """紧急类 allows no 延期 and 物业类 one per round: past that the button is not offered
    (it could only lead to "延期次数已用完")."""
    p = personas
    emergency = make.accepted(sla_class=SlaClass.EMERGENCY)
    assert Action.REQUEST_EXTENSION not in selectors.allowed_actions(p.property_a, emergency)
    assert Action.EXTEND not in selectors.allowed_actions(p.community_worker, emergency)
    case = make.accepted()
    assert Action.REQUEST_EXTENSION in selectors.allowed_actions(p.property_a, case)
    assert Action.EXTEND not in selectors.allowed_actions(p.property_a, case)  # it asks
    assert Action.EXTEND in selectors.allowed_actions(p.community_worker, case)
    services.case_extend(
        case=case, actor=p.community_worker, reason="等待配件到货",
        until=case.due_at + dt.timedelta(1),
    )  # fmt: skip
    assert Action.REQUEST_EXTENSION not in selectors.allowed_actions(p.property_a, case)
    assert Action.EXTEND not in selectors.allowed_actions(p.community_worker, case)
    assert Action.START in selectors.allowed_actions(p.property_a, case)


@pytest.mark.django_db
def test_a_consultation_offers_the_direct_answer(make, personas) -> None:
    case = make.received(type=CaseType.CONSULTATION)
    assert Action.ANSWER in selectors.allowed_actions(personas.community_worker, case)
    assert Action.ANSWER not in selectors.allowed_actions(
        personas.community_worker, make.received()
    )


@pytest.mark.django_db
def test_a_repeat_shows_the_progress_of_the_original(make, personas) -> None:
    p = personas
    original = make.dispatched()
    repeat = services.case_file(
        actor=p.resident_b, compound=p.compound_b, channel="online", type=CaseType.HELP,
        title="t", content="c",
    )  # fmt: skip
    Case.objects.filter(pk=repeat.pk).update(status="merged", duplicate_of=original)
    detail = selectors.case_detail(p.resident_b, repeat.pk)
    assert detail.original.number == original.number and detail.original.status == "dispatched"
    assert selectors.case_detail(p.street_officer, original.pk).repeats == 1


@pytest.mark.django_db
def test_dispatch_options_follow_the_routing_rules(make, personas) -> None:
    from gongzhi.cases.models import RoutingRule

    p = personas
    case = make.assessed()
    options = selectors.dispatch_options(case)
    assert options["suggestion"] == services.Assignee(Level.COMPOUND, p.company_x)
    RoutingRule.objects.create(category=Category.REPAIR, level=Level.COMMUNITY)
    assert services.suggest_assignee(case).level == Level.COMMUNITY
    RoutingRule.objects.create(
        compound=p.compound_a, category=Category.REPAIR, level=Level.DEPARTMENT,
        department="区房管局",
    )  # fmt: skip
    assert services.suggest_assignee(case) == services.Assignee(Level.DEPARTMENT, None, "区房管局")


@pytest.mark.django_db
def test_seed_scale_adds_consistent_cases(personas) -> None:
    from gongzhi.cases.sla import ensure_default_policies

    ensure_default_policies()
    out = io.StringIO()
    call_command("seed_scale", "--cases", "300", "--seed", "7", stdout=out)
    assert Case.objects.count() == 300
    assert Case.objects.values("number").distinct().count() == 300
    assert not Case.objects.filter(status="dispatched", due_at__isnull=True).exists()
    closed = Case.objects.filter(status="closed")
    rated = closed.exclude(events__kind="auto_closed")  # the unrated ones closed by themselves
    assert rated.exists() and CaseRating.objects.count() == rated.count()
    assert CaseEvent.objects.filter(kind="filed").count() == 300
    assert "已添加 300 条诉求" in out.getvalue()


@pytest.mark.django_db
def test_seeded_public_replies_answer_their_own_matter(personas) -> None:
    """The demo's resolved cases answer what was asked, each in its own words and place (the
    reply drafts and the public pages read them), not one boilerplate for every case."""
    import re

    from gongzhi.cases.sla import ensure_default_policies

    ensure_default_policies()
    call_command("seed_scale", "--cases", "300", "--seed", "7", stdout=io.StringIO())
    replied = Case.objects.exclude(public_reply="")
    assert replied.values("public_reply").distinct().count() >= 20
    lamps = replied.filter(title="楼道灯不亮")
    assert lamps.exists()
    place = re.compile(r"\d+栋\d+单元")
    for case in lamps:
        assert "楼道声控灯" in case.public_reply
        assert place.search(case.public_reply)[0] == place.search(case.content)[0]


@pytest.mark.django_db
def test_seeded_history_looks_already_swept(personas) -> None:
    from django.utils import timezone

    from gongzhi.cases import sweeps
    from gongzhi.cases.sla import ensure_default_policies

    ensure_default_policies()
    call_command("seed_scale", "--cases", "400", "--seed", "11", stdout=io.StringIO())
    assert sweeps.breach_candidates(timezone.now()).count() == 0
    assert not Case.objects.filter(status="resolved", visit_due_at__lte=timezone.now()).exists()


@pytest.mark.django_db
def test_seeded_supervision_falls_on_unfinished_cases_late_ones_first(personas) -> None:
    """督办中 has cases to show at scale: flagged after the case's last step, in its status."""
    from gongzhi.cases.sla import ensure_default_policies
    from gongzhi.cases.workflow import CLOCK_STATUSES

    ensure_default_policies()
    call_command("seed_scale", "--cases", "600", "--seed", "5", stdout=io.StringIO())
    supervised = Case.objects.filter(supervised=True)
    assert supervised.exists()
    assert not supervised.exclude(status__in=CLOCK_STATUSES).exists()
    for case in supervised:
        last = case.events.order_by("-created_at", "-id").first()
        assert last.kind == "supervised" and last.created_at == case.supervised_at
        assert last.old_status == last.new_status == case.status
    working = Case.objects.filter(status__in=CLOCK_STATUSES)
    late = working.filter(breach_count__gt=0)
    share_late = late.filter(supervised=True).count() / max(late.count(), 1)
    share_other = working.filter(breach_count=0, supervised=True).count() / working.count()
    assert share_late > share_other


@pytest.mark.django_db
def test_seeded_late_cases_were_escalated_as_the_scheduler_would(personas) -> None:
    """An open case whose deadline passed went one level up per passed deadline, with the
    breach and the escalation on its timeline; only above the street does a breach stay."""
    from django.utils import timezone

    from gongzhi.cases.sla import ensure_default_policies
    from gongzhi.cases.workflow import CLOCK_STATUSES

    ensure_default_policies()
    call_command("seed_scale", "--cases", "400", "--seed", "11", stdout=io.StringIO())
    now = timezone.now()
    working = Case.objects.filter(status__in=CLOCK_STATUSES)
    escalated = working.filter(escalation_level__gt=0)
    assert escalated.exists()
    for case in escalated:
        kinds = list(case.events.values_list("kind", flat=True))
        assert kinds.count("escalated") == case.escalation_level
        assert kinds.count("sla_breached") == case.breach_count
        assert case.assigned_level != "compound"
        notes = case.events.filter(kind="escalated").values_list("note", flat=True)
        assert all(note.startswith("升级至") for note in notes)
    stuck = working.filter(due_at__lte=now)
    assert not stuck.exclude(assigned_level="department").exists()
    assert not stuck.filter(breached_at__isnull=True).exists()
