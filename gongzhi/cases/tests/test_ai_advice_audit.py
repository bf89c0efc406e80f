"""After the audit of the AI grid worker (issue #4): a resident reporting an emergency is told
what to do first; a party the dispatcher could not choose is no override of theirs, and the
card names the party the note compares against; the metrics page shows how the advice fared."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.cases import services, suggestion_stats, triage_link
from gongzhi.cases.choices import CaseType, Category, Channel, Level, SlaClass, Urgency
from gongzhi.cases.models import CaseEvent, CaseSuggestion, EventKind, RoutingRule
from gongzhi.cases.suggestions import Decision
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

GAS = "楼道里有很浓的煤气味，好像是哪家燃气漏气了，大家都不敢开灯，请赶紧来人！"
LIFT = "5栋1单元电梯突然停在8楼和9楼之间，里面困了两个老人和一个小孩，按警铃没人应，快来人！"
GAS_CITY = "武汉市燃气集团"


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --- 1. Safety advice for the resident --------------------------------------------------------


def test_the_report_form_says_whom_to_call_first_in_an_emergency(personas) -> None:
    page = _client(personas.resident_a).get("/cases/new/").content.decode()
    numbers = page[page.index('data-testid="emergency-numbers"') :]
    numbers = numbers[: numbers.index("</p>")]
    assert "119" in numbers and "110" in numbers and "96333" in numbers
    assert "燃气抢修电话" in numbers and "再在此反映" in numbers


def _report(client: Client, personas, content: str):
    data = {
        "type": "help",
        "title": "",
        "content": content,
        "place": f"unit:{personas.unit_a.pk}",
        "is_public": "on",
    }
    return client.post("/cases/new/", data, follow=True)


def test_a_resident_reporting_a_gas_smell_is_told_what_to_do_by_the_rules_alone(
    personas, monkeypatch
) -> None:
    def no_model(*args, **kwargs):
        raise RuntimeError("no model: the advice is the emergency rules'")

    monkeypatch.setattr(triage_link, "suggest", no_model)
    response = _report(_client(personas.resident_a), personas, GAS)
    page = response.content.decode()
    assert "您的诉求已受理" in page
    advice = page[page.index('data-testid="safety-advice"') :]
    advice = advice[: advice.index("</ul>")]
    assert "不要开关电器" in advice and "打开门窗" in advice and "到室外拨打燃气抢修电话" in advice
    assert "96333" not in advice  # only the advice of the signs read


def test_a_lift_emergency_gets_the_lift_advice_and_a_plain_report_none(personas) -> None:
    client = _client(personas.resident_a)
    page = _report(
        client, personas, "3栋电梯停在两层之间，我妈被困在电梯里出不来了"
    ).content.decode()
    assert "96333" in page and "不要强行扒门" in page
    plain = _report(client, personas, "楼道灯坏了一周，晚上很黑").content.decode()
    assert 'data-testid="safety-advice"' not in plain


def test_the_advice_goes_once_the_case_is_assessed(personas, make) -> None:
    case = make.received(content=GAS, requester=personas.resident_a)
    client = _client(personas.resident_a)
    assert "不要开关电器" in client.get(f"/cases/{case.pk}/").content.decode()
    services.case_assess(
        case=case,
        actor=personas.community_worker,
        category=Category.UTILITIES,
        sla_class=SlaClass.EMERGENCY,
        urgency=Urgency.CRITICAL,
    )
    assert "不要开关电器" not in client.get(f"/cases/{case.pk}/").content.decode()


# --- 2. A party the dispatcher could not choose ------------------------------------------------


def _gas_case_routed_to_a_department(personas):
    """The AI reads 供水供电供气; the street then routes that category in compound A to the gas
    company (a department, which only the street may send a case to)."""
    case = services.case_file(
        actor=personas.grid_worker,
        compound=personas.compound_a,
        channel=Channel.GRID_WORKER,
        type=CaseType.HELP,
        title="楼道煤气味",
        content=GAS,
        requester=personas.resident_a,
    )
    suggestion = CaseSuggestion.objects.get(case=case)
    suggestion.category = Category.UTILITIES  # whatever the shipped model reads
    suggestion.save(update_fields=["category"])
    RoutingRule.objects.create(
        compound=personas.compound_a,
        category=Category.UTILITIES,
        level=Level.DEPARTMENT,
        department=GAS_CITY,
    )
    return services.case_assess(
        case=case,
        actor=personas.community_worker,
        category=Category.UTILITIES,
        sla_class=suggestion.sla_class,
        urgency=suggestion.case_urgency,
    )


def test_taking_the_level_offered_instead_of_an_unreachable_party_is_no_override(personas):
    p = personas
    case = _gas_case_routed_to_a_department(p)
    services.case_dispatch(case=case, actor=p.community_worker, level=Level.COMMUNITY)
    suggestion = CaseSuggestion.objects.get(case=case)
    assert suggestion.decision == Decision.ACCEPTED
    assert not CaseEvent.objects.filter(case=case, note__startswith="人工调整AI建议").exists()
    note = CaseEvent.objects.get(case=case, kind=EventKind.DISPATCH_NOTE)
    assert note.internal and GAS_CITY in note.note and note.note.endswith("已交办至社区")
    # The card names the party the 交办 weighed, not the one stored before the rule existed.
    page = _client(p.community_worker).get(f"/cases/{case.pk}/").content.decode()
    party = page[page.index('data-testid="ai-party"') :]
    party = party[: party.index("</dd>")]
    assert GAS_CITY in party and "未设派单规则" not in party


def test_a_dispatch_time_override_is_a_dispatch_note_not_an_assessment(personas):
    p = personas
    case = _gas_case_routed_to_a_department(p)
    services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
    )
    assert CaseSuggestion.objects.get(case=case).decision == Decision.OVERRIDDEN
    event = CaseEvent.objects.get(case=case, note__startswith="人工调整AI建议：承办")
    assert event.kind == EventKind.DISPATCH_NOTE and event.internal
    assert event.note == f"人工调整AI建议：承办 职能部门 · {GAS_CITY}→小区 · 测试物业X有限公司"
    # The step the staff timeline names is 交办 (备注), not 研判.
    page = _client(p.community_worker).get(f"/cases/{case.pk}/").content.decode()
    row = page[: page.index("人工调整AI建议：承办")]
    assert row[row.rindex('<span class="fw-bold">') :].startswith('<span class="fw-bold">交办备注')


# --- 3. AI建议采纳情况 on the metrics page ----------------------------------------------------


def _decided(make, personas):
    """Two lifts assessed as suggested (采纳), one reclassified as a repair (人工调整)."""
    cases = [make.received(title="电梯困人", content=LIFT) for _ in range(3)]
    for case in cases:
        suggestion = CaseSuggestion.objects.get(case=case)
        suggestion.category = Category.ELEVATOR
        suggestion.save(update_fields=["category"])
    for case in cases[:2]:
        s = CaseSuggestion.objects.get(case=case)
        services.case_assess(
            case=case,
            actor=personas.community_worker,
            category=s.category,
            sla_class=s.sla_class,
            urgency=s.case_urgency,
        )
    s = CaseSuggestion.objects.get(case=cases[2])
    services.case_assess(
        case=cases[2],
        actor=personas.community_worker,
        category=Category.REPAIR,
        sla_class=s.sla_class,
        urgency=s.case_urgency,
    )
    return cases


def test_the_metrics_page_shows_how_the_advice_fared(make, personas):
    _decided(make, personas)
    page = (
        _client(personas.community_worker).get("/cases/metrics/?period=this_month").content.decode()
    )
    table = page[page.index('data-testid="ai-adoption"') :]
    table = table[: table.index("</table>")]
    row = table[table.index("<td>电梯</td>") :]
    row = row[: row.index("</tr>")]
    cells = [c.split(">")[-1] for c in row.split("</td>")][:5]
    assert cells == ["电梯", "3", "2", "1", "0"]
    assert "66.7%" in row and "类别：设施设备维修 1" in row
    assert "张三" not in table and "101" not in table  # no requester, no room


def test_the_adoption_figures_are_the_readers_own_in_two_queries(
    make, personas, django_assert_num_queries
):
    _decided(make, personas)
    start = timezone.now() - dt.timedelta(days=1)
    with django_assert_num_queries(2):
        rows, total = suggestion_stats.adoption(personas.community_worker, start=start)
    assert (total.made, total.accepted, total.overridden, str(total.rate)) == (3, 2, 1, "66.7%")
    assert rows[0].top == [("类别：设施设备维修", 1)]
    # Another community's worker sees none of them.
    other = make_other_community_worker(personas)
    assert suggestion_stats.adoption(other, start=start)[1].made == 0


def make_other_community_worker(personas):
    from gongzhi.org import services as org_services
    from gongzhi.org.models import Role
    from gongzhi.org.testing import make_user

    user = make_user("baoan_worker", "宝安社区工作者")
    org_services.role_grant(
        actor=None, user=user, role=Role.COMMUNITY_WORKER, node=personas.community2
    )
    return user
