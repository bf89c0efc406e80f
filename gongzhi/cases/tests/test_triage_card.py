"""The AI grid worker's card as an assessor reads it: why each suggestion was made (the emergency
sign, the routing rule, the likely repeat and the words it shares), and the party override."""

import pytest
from django.urls import reverse

from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Category, Channel, Level, SlaClass, Urgency
from gongzhi.cases.models import CaseEvent, CaseSuggestion, RoutingRule
from gongzhi.cases.suggestions import Decision
from gongzhi.org.testing import PASSWORD

GAS_1 = "3栋2单元楼道里闻到很浓的煤气味，好像是哪家燃气漏气了，大家都不敢开灯，请赶紧来人处理！"
GAS_2 = "我家在3栋2单元，楼道里煤气味非常大，担心漏气爆炸，麻烦马上派人来看看。"
LIFT = "5栋1单元电梯突然停在8楼和9楼之间，里面困了两个老人和一个小孩，按警铃没人应，快来人！"


def _file(p, content, title="", compound=None):
    return services.case_file(
        actor=p.grid_worker,
        compound=compound or p.compound_a,
        channel=Channel.GRID_WORKER,
        type=CaseType.HELP,
        title=title,
        content=content,
        requester=p.resident_a,
    )


def _page(client, user, case) -> str:
    client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_a_second_report_of_the_same_gas_smell_in_other_words_is_a_likely_duplicate(
    client, make, personas
):
    first = _file(personas, GAS_1, title="3栋楼道里有很浓的煤气味")
    second = _file(personas, GAS_2, title="3栋楼道煤气味很大")
    suggestion = CaseSuggestion.objects.get(case=second)
    assert suggestion.duplicate_ids == [first.pk]
    page = _page(client, personas.community_worker, second)
    assert first.number in page
    score = suggestion.duplicate_detail(first.pk)["score_percent"]
    assert f"相似度 {score}%" in page
    assert "共同词语" in page and "煤气味" in page and "漏气" in page


def test_the_emergency_sign_that_drove_the_urgency_is_shown(client, make, personas):
    lift = _file(personas, LIFT, title="电梯困人")
    suggestion = CaseSuggestion.objects.get(case=lift)
    assert suggestion.urgency == "emergency"
    assert "电梯困人" in suggestion.urgency_terms
    page = _page(client, personas.community_worker, lift)
    assert "险情迹象" in page
    assert 'data-testid="ai-sla-class">紧急类' in page  # its own row, not glued to the urgency


@pytest.mark.parametrize(
    ("rule", "basis"),
    [
        ("compound", "依据：本小区派单规则"),
        ("street", "依据：街道默认派单规则"),
        (None, "依据：未设派单规则"),
    ],
)
def test_the_suggested_party_says_which_routing_rule_it_follows(
    client, make, personas, rule, basis
):
    if rule:
        RoutingRule.objects.create(
            compound=personas.compound_a if rule == "compound" else None,
            category=Category.ELEVATOR,
            level=Level.STREET,
        )
    lift = _file(personas, LIFT, title="电梯困人")
    assert basis in _page(client, personas.community_worker, lift)


def _assess_as_suggested(personas, case):
    suggestion = CaseSuggestion.objects.get(case=case)
    return services.case_assess(
        case=case,
        actor=personas.community_worker,
        category=suggestion.category,
        sla_class=suggestion.sla_class,
        urgency=suggestion.case_urgency,
    )


def test_dispatching_to_another_party_than_suggested_is_a_recorded_override(make, personas):
    lift = _assess_as_suggested(personas, _file(personas, LIFT, title="电梯困人"))
    suggestion = CaseSuggestion.objects.get(case=lift)
    assert (suggestion.decision, suggestion.level) == (Decision.ACCEPTED, Level.COMPOUND)
    services.case_dispatch(case=lift, actor=personas.community_worker, level=Level.COMMUNITY)
    suggestion.refresh_from_db()
    assert suggestion.decision == Decision.OVERRIDDEN
    event = CaseEvent.objects.get(case=lift, note__startswith="人工调整AI建议：承办")
    assert event.internal and event.actor == personas.community_worker
    assert "小区 · " in event.note and event.note.endswith("→社区")


def test_dispatching_to_the_suggested_party_is_no_override(make, personas):
    lift = _assess_as_suggested(personas, _file(personas, LIFT, title="电梯困人"))
    services.case_dispatch(
        case=lift,
        actor=personas.community_worker,
        level=Level.COMPOUND,
        company=personas.company_x,
    )
    assert CaseSuggestion.objects.get(case=lift).decision == Decision.ACCEPTED
    assert not CaseEvent.objects.filter(case=lift, note__startswith="人工调整AI建议").exists()


def test_party_advice_for_a_category_the_assessor_changed_is_not_weighed(make, personas):
    lift = _file(personas, LIFT, title="电梯困人")
    services.case_assess(
        case=lift,
        actor=personas.community_worker,
        category=Category.REPAIR,
        sla_class=SlaClass.PROPERTY,
        urgency=Urgency.CRITICAL,
    )
    services.case_dispatch(case=lift, actor=personas.community_worker, level=Level.COMMUNITY)
    notes = list(CaseEvent.objects.filter(case=lift).values_list("note", flat=True))
    assert not [n for n in notes if n.startswith("人工调整AI建议：承办")]


def test_unassessed_cases_the_ai_reads_as_emergencies_can_be_found_in_one_query(
    make, personas, django_assert_num_queries
):
    from gongzhi.cases import triage_link

    lift = _file(personas, LIFT, title="电梯困人")
    calm = _file(personas, "小区东门的绿化带杂草很多，希望物业有空修剪一下。", title="杂草")
    assessed = _assess_as_suggested(personas, _file(personas, GAS_1, title="煤气味"))
    with django_assert_num_queries(1):
        found = triage_link.suggested_emergencies([lift.pk, calm.pk, assessed.pk])
    assert found == {lift.pk}  # the assessed one is decided already


def test_the_company_complained_about_never_sees_the_requester_as_a_shared_word(
    client, make, personas
):
    """S9: two complaints naming their writer, dispatched to the company they are about."""
    name = make.received().requester_name  # the name the complaints are filed under
    text = f"我是业主{name}，物业保安晚上在岗亭睡觉，外来人员随便进出，{name}要求物业整改。"
    first = make.dispatched(type=CaseType.COMPLAINT, title="保安睡岗", content=text)
    second = make.dispatched(type=CaseType.COMPLAINT, title="保安又睡岗", content=text + "！")
    suggestion = CaseSuggestion.objects.get(case=second)
    # Whatever jieba makes of the name, suppose it was found as a word both texts share.
    suggestion.duplicate_details[str(first.pk)]["words"] = [name, "岗亭"]
    suggestion.save()
    page = _page(client, personas.property_a, second)
    # Likely repeats are the desk's (并入): the company gets neither the link nor the words.
    assert first.number not in page and "共同词语" not in page
    assert name not in page
    page = _page(client, personas.community_worker, second)
    assert first.number in page and "共同词语" in page and ">岗亭</span>" in page


def test_the_assess_form_opens_at_the_emergency_the_ai_read(client, make, personas):
    """Whoever opens 研判 to change one field must not downgrade a lift entrapment unseen."""
    lift = _file(personas, LIFT, title="电梯困人")
    page = _page(client, personas.community_worker, lift)
    form = page[page.index(f'action="/cases/{lift.pk}/assess"') :]
    assert '<option value="critical" selected>' in form
    assert '<option value="emergency" selected>' in form
    calm = _file(personas, "小区东门的绿化带杂草很多，希望物业有空修剪一下。", title="杂草")
    page = _page(client, personas.community_worker, calm)
    form = page[page.index(f'action="/cases/{calm.pk}/assess"') :]
    assert '<option value="normal" selected>' in form


def test_the_queue_flags_an_unassessed_case_the_ai_read_as_an_emergency(client, make, personas):
    lift = _file(personas, LIFT, title="电梯困人")
    calm = _file(personas, "小区东门的绿化带杂草很多，希望物业有空修剪一下。", title="杂草")
    client.login(username=personas.community_worker.username, password=PASSWORD)
    rows = client.get("/cases/?bucket=todo").content.decode().split('data-testid="queue-row"')
    flagged = [row for row in rows if 'data-testid="ai-emergency"' in row]
    assert len(flagged) == 1 and lift.number in flagged[0]
    assert calm.number not in flagged[0]
    _assess_as_suggested(personas, lift)  # 研判 decided: its own urgency badge takes over
    page = client.get("/cases/?bucket=all").content.decode()
    assert 'data-testid="ai-emergency"' not in page
