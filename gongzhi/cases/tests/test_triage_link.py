"""The AI grid worker in cases (G3): a suggestion at filing, the assessor decides, never blocks."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from gongzhi.cases import services, triage_link
from gongzhi.cases.choices import CaseType, Category, Channel, Level, SlaClass, Urgency
from gongzhi.cases.models import Case, CaseEvent, CaseSuggestion, RoutingRule
from gongzhi.cases.suggestions import Decision
from gongzhi.org.testing import PASSWORD

LIFT = "电梯困人，3栋电梯停在两层之间，里面有老人"


def _file(p, content=LIFT, title="电梯故障", compound=None):
    return services.case_file(
        actor=p.grid_worker,
        compound=compound or p.compound_a,
        channel=Channel.GRID_WORKER,
        type=CaseType.HELP,
        title=title,
        content=content,
        requester=p.resident_a,
    )


@pytest.fixture
def lift(make, personas):
    return _file(personas)


def test_filing_a_lift_entrapment_stores_an_emergency_elevator_suggestion(lift, personas):
    suggestion = CaseSuggestion.objects.get(case=lift)
    assert suggestion.category == Category.ELEVATOR
    assert suggestion.get_category_display() == "电梯"
    assert suggestion.urgency == "emergency"
    assert suggestion.case_urgency == Urgency.CRITICAL
    assert suggestion.sla_class == SlaClass.EMERGENCY
    assert 0 < suggestion.confidence <= 1
    assert suggestion.model_version
    assert suggestion.decision == Decision.PENDING
    # G3: the case itself is untouched until a person assesses it.
    lift.refresh_from_db()
    assert lift.category == "" and lift.sla_class == ""
    assert lift.suggestion["category"] == Category.ELEVATOR


def test_suggested_party_comes_from_the_routing_rules(make, personas):
    RoutingRule.objects.create(
        compound=personas.compound_a, category=Category.ELEVATOR, level=Level.STREET
    )
    suggestion = CaseSuggestion.objects.get(case=_file(personas))
    assert suggestion.level == Level.STREET


def test_a_similar_open_case_of_the_same_compound_is_a_likely_duplicate(make, personas):
    first = _file(personas)
    other_compound = _file(personas, compound=personas.compound_b)
    second = _file(personas, content="3栋电梯困人了，电梯停在两层之间，里面有位老人出不来")
    ids = CaseSuggestion.objects.get(case=second).duplicate_ids
    assert first.pk in ids
    assert other_compound.pk not in ids


def test_a_triage_failure_never_blocks_filing(make, personas, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("model exploded")

    monkeypatch.setattr(triage_link, "suggest", broken)
    case = _file(personas)
    assert Case.objects.filter(pk=case.pk).exists()
    assert not CaseSuggestion.objects.filter(case=case).exists()


def test_assessing_as_suggested_marks_it_accepted(lift, personas):
    services.case_assess(
        case=lift,
        actor=personas.community_worker,
        category=Category.ELEVATOR,
        sla_class=SlaClass.EMERGENCY,
        urgency=Urgency.CRITICAL,
    )
    suggestion = CaseSuggestion.objects.get(case=lift)
    assert suggestion.decision == Decision.ACCEPTED
    assert suggestion.decided_by == personas.community_worker
    assert not CaseEvent.objects.filter(case=lift, note__startswith="人工调整AI建议").exists()


def test_an_override_is_recorded_as_an_internal_event(lift, personas):
    services.case_assess(
        case=lift,
        actor=personas.community_worker,
        category=Category.REPAIR,
        sla_class=SlaClass.PROPERTY,
        urgency=Urgency.URGENT,
    )
    suggestion = CaseSuggestion.objects.get(case=lift)
    assert suggestion.decision == Decision.OVERRIDDEN
    event = CaseEvent.objects.get(case=lift, note__startswith="人工调整AI建议")
    assert "类别 电梯→设施设备维修" in event.note
    assert "紧急程度 特急→紧急" in event.note
    assert event.internal and event.actor == personas.community_worker


def test_staff_page_shows_the_card_and_the_one_click_accept(client, lift, personas):
    client.login(username=personas.community_worker.username, password=PASSWORD)
    page = client.get(reverse("cases:detail", args=[lift.pk])).content.decode()
    assert "AI网格员建议" in page and "依据词语" in page
    assert "采纳建议" in page
    response = client.post(
        reverse("cases:assess", args=[lift.pk]),
        {
            "version": lift.version,
            "category": Category.ELEVATOR,
            "sla_class": SlaClass.EMERGENCY,
            "urgency": Urgency.CRITICAL,
            "type": lift.type,
        },
    )
    assert response.status_code == 302
    assert CaseSuggestion.objects.get(case=lift).decision == Decision.ACCEPTED


def test_a_low_confidence_category_is_flagged_as_a_guess(client, lift, personas):
    client.login(username=personas.community_worker.username, password=PASSWORD)
    suggestion = CaseSuggestion.objects.get(case=lift)
    page = client.get(reverse("cases:detail", args=[lift.pk])).content.decode()
    assert f"{suggestion.urgency_confidence_percent}%" in page  # urgency shows its own
    assert ("置信度较低" in page) is (suggestion.confidence < 0.6)
    CaseSuggestion.objects.filter(pk=suggestion.pk).update(confidence=Decimal("0.35"))
    page = client.get(reverse("cases:detail", args=[lift.pk])).content.decode()
    assert "置信度 35%" in page and "置信度较低，仅作参考" in page


def test_the_requester_never_sees_the_card(client, lift, personas):
    client.login(username=personas.resident_a.username, password=PASSWORD)
    page = client.get(reverse("cases:detail", args=[lift.pk])).content.decode()
    assert "AI网格员建议" not in page


def test_reply_draft_reuses_a_similar_closed_reply(client, make, personas):
    done = make.resolved(title="楼道灯不亮", content="3单元楼道灯坏了一周")
    services.case_visit(
        case=done, actor=personas.grid_worker, resolved=True, level="satisfied", via="phone"
    )
    open_case = make.in_progress(title="楼道灯坏了", content="5单元楼道灯坏了好几天")
    client.login(username=personas.property_a.username, password=PASSWORD)
    response = client.get(reverse("cases:reply_draft", args=[open_case.pk]))
    assert response.status_code == 200
    assert "已更换楼道灯" in response.content.decode()


def test_triage_train_learns_from_confirmed_cases(make, personas, tmp_path, monkeypatch):
    monkeypatch.setenv("GONGZHI_TRIAGE_DIR", str(tmp_path / "models"))
    for _ in range(2):
        make.assessed()  # category confirmed by staff at assessment (设施设备维修)
    out = _run_train()
    assert "已确认诉求 2 条" in out
    version = triage_link.current_model_pointer().read_text(encoding="utf-8").strip()
    assert version in out
    assert triage_link.current_model().version == version
    # New filings are suggested by the retrained model.
    case = _file(personas)
    assert CaseSuggestion.objects.get(case=case).model_version == version


def test_retraining_keeps_only_the_current_previous_and_default_models(
    make, personas, tmp_path, monkeypatch
):
    from gongzhi.triage import default

    models = tmp_path / "models"
    monkeypatch.setenv("GONGZHI_TRIAGE_DIR", str(models))
    default.build(models)
    versions = []
    for _ in range(3):
        make.assessed()  # each run learns one more confirmed case: a new version
        _run_train()
        versions.append(triage_link.current_model_pointer().read_text(encoding="utf-8").strip())
    assert len(set(versions)) == 3
    kept = {path.name for path in models.glob("model-*.joblib")}
    assert kept == {
        f"model-{versions[2]}.joblib",
        f"model-{versions[1]}.joblib",
        f"model-{default.default_version()}.joblib",
    }


def _run_train() -> str:
    out = io.StringIO()
    call_command("triage_train", stdout=out)
    return out.getvalue()
