"""The AI grid worker's card after two audits: its likely repeats are the desk's (S9: a company
a complaint is about must find no way to its writer, G1: no room beside a complaint), its
险情迹象 are the emergency rules' signs only, its party is the one the routing rules give now
(as the 交办 form offers it), and the 交办 form offers only what the user may choose (G3)."""

import pytest
from django.test import Client

from gongzhi.cases import services, triage_link
from gongzhi.cases.choices import CaseType, Category, Channel, Level
from gongzhi.cases.models import CaseEvent, CaseSuggestion, RoutingRule
from gongzhi.cases.suggestions import Decision
from gongzhi.cases.workflow import Status
from gongzhi.core.models import Notification
from gongzhi.org.testing import PASSWORD
from gongzhi.triage.suggestion import Suggestion

pytestmark = pytest.mark.django_db

REPAIR = "9栋1单元301厨房下水堵了，污水倒灌，麻烦物业来疏通，微信 xiajinglin wx 联系我"
COMPLAINT = "物业答应疏通厨房下水拖了一个月没人来，投诉物业不作为，微信 xiajinglin wx"
LIFT = "5栋1单元电梯突然停在8楼和9楼之间，里面困了两个老人和一个小孩，按警铃没人应，快来人！"


def _page(user, case) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(f"/cases/{case.pk}/").content.decode()


def _repair_and_complaint(make, personas):
    """The same resident's repair, then their complaint about the company handling it, which
    the AI grid worker links as a likely repeat sharing their handle and room."""
    repair = make.dispatched(title="9栋1单元301 厨房下水堵了", content=REPAIR)
    complaint = make.dispatched(
        type=CaseType.COMPLAINT, title="投诉物业不疏通下水", content=COMPLAINT
    )
    suggestion = CaseSuggestion.objects.get(case=complaint)
    suggestion.duplicate_ids = [repair.pk]
    suggestion.duplicate_details = {
        str(repair.pk): {"score": 0.42, "words": ["xiajinglin", "wx", "301", "下水", "厨房"]}
    }
    suggestion.save()
    return repair, complaint


def test_the_company_complained_about_gets_no_link_to_its_complainants_other_case(make, personas):
    p = personas
    repair, complaint = _repair_and_complaint(make, personas)
    page = _page(p.property_a, complaint)
    assert "诉求人信息保密" in page
    assert repair.number not in page and f"/cases/{repair.pk}/" not in page
    assert "301" not in page  # the repair's room
    assert "疑似重复诉求" not in page and "共同词语" not in page
    # The desk's advice is not the company's: it acts on the 交办.
    assert 'data-testid="ai-suggestion"' not in page


def test_the_party_branch_sees_no_room_beside_the_complaint(make, personas):
    p = personas
    repair, complaint = _repair_and_complaint(make, personas)
    page = _page(p.party_a, complaint)
    assert repair.number not in page and "301" not in page
    assert "疑似重复诉求" not in page


def test_the_desk_sees_the_repeat_but_no_contact_like_shared_word(make, personas):
    p = personas
    repair, complaint = _repair_and_complaint(make, personas)
    page = _page(p.community_worker, complaint)
    duplicates = page[page.index('data-testid="ai-duplicates"') :]
    assert repair.number in duplicates
    words = duplicates[duplicates.index("共同词语") :]
    words = words[: words.index("</div>")]
    assert ">下水</span>" in words and ">厨房</span>" in words
    assert "xiajinglin" not in words and ">wx<" not in words and ">301<" not in words
    # The grid files and visits: it reads the card, but 并入 is the desk's decision.
    grid = _page(p.grid_worker, complaint)
    assert 'data-testid="ai-suggestion"' in grid and "疑似重复诉求" not in grid


# --- 交办 by a community worker when the routing rule names a department ------------------------


def _assessed_with_department_rule(make, personas):
    RoutingRule.objects.create(
        compound=personas.compound_a,
        category=Category.REPAIR,
        level=Level.DEPARTMENT,
        department="区城管局",
    )
    return make.assessed()


def _dispatch_form(page: str, case) -> str:
    start = page.index(f'action="/cases/{case.pk}/dispatch#')
    return page[start : page.index("</form>", start)]


def test_the_dispatch_form_offers_a_community_worker_only_what_they_may_choose(make, personas):
    p = personas
    case = _assessed_with_department_rule(make, personas)
    form = _dispatch_form(_page(p.community_worker, case), case)
    assert 'value="department"' not in form and 'value="street"' not in form
    assert 'name="department"' not in form  # no department to type for a level not offered
    assert '<option value="community" selected>' in form
    assert "派单规则建议交办至职能部门 · 区城管局，须由街道工作人员交办" in form
    # The street whistles: it gets the rule as it stands.
    form = _dispatch_form(_page(p.street_officer, case), case)
    assert '<option value="department" selected>' in form and 'value="区城管局"' in form


def test_a_refused_level_comes_back_with_the_reason_and_the_note_kept(make, personas):
    p = personas
    case = _assessed_with_department_rule(make, personas)
    client = Client()
    assert client.login(username=p.community_worker.username, password=PASSWORD)
    response = client.post(
        f"/cases/{case.pk}/dispatch",
        {
            "version": case.version,
            "level": Level.DEPARTMENT,
            "department": "区城管局",
            "note": "占道堆放建材，请城管到场",
        },
    )
    assert response.status_code == 400  # the form again, not a bare 403
    page = response.content.decode()
    assert "只有街道工作人员可以派往职能部门" in page
    assert "派单规则建议交办至职能部门 · 区城管局" in page  # and what to do instead
    assert "占道堆放建材，请城管到场" in page
    assert '<option value="community" selected>' in _dispatch_form(page, case)  # as advised
    case.refresh_from_db()
    assert case.status == Status.ASSESSED


# --- The card's party and the 交办 override after the street adds a rule ------------------------


def _file_lift(personas):
    return services.case_file(
        actor=personas.grid_worker,
        compound=personas.compound_a,
        channel=Channel.GRID_WORKER,
        type=CaseType.HELP,
        title="电梯困人",
        content=LIFT,
        requester=personas.resident_a,
    )


def test_following_the_live_rule_the_form_prefills_is_no_override(make, personas):
    p = personas
    lift = _file_lift(p)
    stored = CaseSuggestion.objects.get(case=lift)
    assert (stored.level, stored.category) == (Level.COMPOUND, Category.ELEVATOR)
    # The street routes lifts to the community after the suggestion was stored.
    RoutingRule.objects.create(
        compound=p.compound_a, category=Category.ELEVATOR, level=Level.COMMUNITY
    )
    lift = services.case_assess(
        case=lift,
        actor=p.community_worker,
        category=stored.category,
        sla_class=stored.sla_class,
        urgency=stored.case_urgency,
    )
    page = _page(p.community_worker, lift)
    party = page[page.index('data-testid="ai-party"') :]
    party = party[: party.index("</dd>")]
    assert party.split("\n")[0].endswith(">社区") and "依据：本小区派单规则" in party
    assert "未设派单规则" not in party and "提出建议时为：小区 · 测试物业X有限公司" in party
    assert '<option value="community" selected>' in _dispatch_form(page, lift)

    services.case_dispatch(case=lift, actor=p.community_worker, level=Level.COMMUNITY)
    assert CaseSuggestion.objects.get(pk=stored.pk).decision == Decision.ACCEPTED
    assert not CaseEvent.objects.filter(case=lift, note__startswith="人工调整AI建议").exists()


def test_dispatching_elsewhere_than_the_live_rule_names_the_live_party(make, personas):
    p = personas
    lift = _file_lift(p)
    stored = CaseSuggestion.objects.get(case=lift)
    RoutingRule.objects.create(
        compound=p.compound_a, category=Category.ELEVATOR, level=Level.COMMUNITY
    )
    lift = services.case_assess(
        case=lift,
        actor=p.community_worker,
        category=stored.category,
        sla_class=stored.sla_class,
        urgency=stored.case_urgency,
    )
    services.case_dispatch(
        case=lift, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
    )
    event = CaseEvent.objects.get(case=lift, note__startswith="人工调整AI建议：承办")
    assert event.note == "人工调整AI建议：承办 社区→小区 · 测试物业X有限公司"


# --- 险情迹象 are the rules' signs, not the model's words ---------------------------------------


def _model_only_emergency(monkeypatch):
    """The learned model reads an emergency in words no emergency sign rule matches."""
    advice = Suggestion(
        category="设施设备维修",
        confidence=0.81,
        model_version="test-model",
        top_terms=("厨房", "维修"),
        alternatives=(),
        urgency="emergency",
        urgency_confidence=0.62,
        urgency_terms=("好像", "厨房", "闻到"),
    )
    monkeypatch.setattr(triage_link, "suggest", lambda text, title="": advice)


def test_a_model_only_emergency_names_no_danger_signs(make, personas, monkeypatch):
    p = personas
    _model_only_emergency(monkeypatch)
    case = make.received(title="厨房有怪味", content="厨房好像闻到一股怪味，不知道哪来的")
    suggestion = CaseSuggestion.objects.get(case=case)
    assert suggestion.urgency == "emergency"
    page = _page(p.community_worker, case)
    urgency = page[page.index('data-testid="ai-urgency"') :]
    urgency = urgency[: urgency.index("</dd>")]
    assert "险情迹象" not in urgency and "text-bg-danger" not in urgency
    assert "模型判断为特急（未命中险情规则）" in urgency
    assert "依据词语" in urgency and ">闻到</span>" in urgency
    # The alert at any hour does not call the model's words signs either.
    alert = Notification.objects.get(kind="case.emergency_suggested", recipient=p.community_worker)
    assert "好像" not in alert.body and "闻到" not in alert.body
    assert "未命中险情规则" in alert.body and case.number in alert.body


def test_a_rule_sign_is_still_a_danger_sign(make, personas):
    p = personas
    lift = _file_lift(p)
    page = _page(p.community_worker, lift)
    urgency = page[page.index('data-testid="ai-urgency"') :]
    urgency = urgency[: urgency.index("</dd>")]
    assert "险情迹象" in urgency and 'text-bg-danger me-1">电梯困人</span>' in urgency
    assert "未命中险情规则" not in urgency
    alert = Notification.objects.get(kind="case.emergency_suggested", recipient=p.community_worker)
    assert "AI网格员发现：电梯困人" in alert.body
