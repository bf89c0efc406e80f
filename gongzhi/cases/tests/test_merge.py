"""并入原诉求 (S6): a repeat the desk recognises joins the open case it repeats, in one click
from the AI card or by number; the requester is told the original's progress."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gongzhi.cases import metrics, services
from gongzhi.cases.choices import CaseType, Channel
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.workflow import InvalidTransition, Status
from gongzhi.core.models import Notification
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

LIFT = "电梯困人，3栋电梯停在两层之间，里面有老人"


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_merging_attaches_the_repeat_and_tells_its_requester(make, personas) -> None:
    p = personas
    original = make.accepted(title="3栋电梯异响")
    repeat = make.received(title="3栋电梯又响了", requester=p.resident_b)

    services.case_merge(case=repeat, actor=p.community_worker, original=original.number.lower())

    repeat.refresh_from_db()
    assert repeat.status == Status.MERGED and repeat.duplicate_of == original
    assert repeat.category == original.category and repeat.due_at is None  # no clock of its own
    moved = CaseEvent.objects.get(case=repeat, new_status=Status.MERGED)
    assert moved.old_status == Status.RECEIVED and original.number in moved.note
    noted = CaseEvent.objects.get(case=original, kind="repeated")
    assert repeat.number in noted.note
    told = Notification.objects.get(recipient=p.resident_b, kind="case.repeated")
    assert original.number in told.body and "已签收" in told.body
    original.refresh_from_db()
    assert original.status == Status.ACCEPTED  # the original keeps its clock and status


def test_the_requester_page_follows_the_original(make, personas) -> None:
    p = personas
    original = make.dispatched()
    repeat = make.received(requester=p.resident_b)
    services.case_merge(case=repeat, actor=p.community_worker, original=original.number)
    page = _client(p.resident_b).get(f"/cases/{repeat.pk}/").content.decode()
    assert f"已并入诉求 {original.number}" in page and "已交办" in page


def test_a_merge_counts_as_a_repeat_in_the_metrics(make, personas) -> None:
    p = personas
    original = make.dispatched()
    repeat = make.received()
    before = metrics.case_metrics(p.street_officer).repeat_rate
    assert before.num == 0 and before.den == 2
    services.case_merge(case=repeat, actor=p.community_worker, original=original.number)
    after = metrics.case_metrics(p.street_officer).repeat_rate
    assert (after.num, after.den) == (1, 2) and str(after) == "50.0%"


@pytest.mark.parametrize("state", ["dispatched", "accepted", "resolved"])
def test_a_case_someone_works_on_cannot_be_merged(make, personas, state) -> None:
    original = make.received()
    case = getattr(make, state)()
    with pytest.raises(InvalidTransition, match="不能执行「并入原诉求」"):
        services.case_merge(case=case, actor=personas.community_worker, original=original.number)
    case.refresh_from_db()
    assert case.status == state and case.duplicate_of is None


def test_a_returned_case_can_be_merged(make, personas) -> None:
    p = personas
    original = make.dispatched(title="3栋电梯异响")
    case = make.dispatched()
    services.case_return(case=case, actor=p.property_a, reason="属于电梯维保公司的合同范围")
    services.case_merge(case=case, actor=p.community_worker, original=original.number)
    assert Case.objects.get(pk=case.pk).status == Status.MERGED


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("unknown", "未找到编号为 NH000 的诉求"),
        ("itself", "不能并入诉求本身"),
        ("closed", "只能并入本小区尚未办结的诉求"),
        ("other_compound", "只能并入本小区尚未办结的诉求"),
        ("blank", "请填写原诉求编号"),
    ],
)
def test_only_an_open_case_of_the_same_compound_can_be_the_original(
    make, personas, which, message
) -> None:
    p = personas
    case = make.received()
    closed = make.received(type=CaseType.CONSULTATION)
    services.case_answer(case=closed, actor=p.community_worker, reply="已电话答复。")
    numbers = {
        "unknown": "NH000",
        "itself": case.number,
        "closed": closed.number,
        "other_compound": make.received(compound=p.compound_b).number,
        "blank": " ",
    }
    with pytest.raises(ValidationError, match=message):
        services.case_merge(case=case, actor=p.community_worker, original=numbers[which])
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED


def test_only_those_who_assess_may_merge(make, personas) -> None:
    original, case = make.received(), make.received()
    for who in ("grid_worker", "property_a", "resident_a", "party_a"):
        with pytest.raises(PermissionDenied):
            services.case_merge(case=case, actor=getattr(personas, who), original=original.number)
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED


def test_repeats_of_a_merged_case_follow_it_to_the_original(make, personas) -> None:
    p = personas
    original = make.dispatched()
    case = make.received()
    earlier_repeat = services.case_file(
        actor=p.grid_worker, compound=p.compound_a, channel=Channel.HOTLINE_12345,
        type=CaseType.HELP, title="同上", content="楼道灯还是不亮", requester=p.resident_b,
        duplicate_of=case,
    )  # fmt: skip
    services.case_merge(case=case, actor=p.community_worker, original=original.number)
    earlier_repeat.refresh_from_db()
    assert earlier_repeat.duplicate_of == original
    told = Notification.objects.filter(recipient=p.resident_b, kind="case.repeated")
    assert any(original.number in n.body for n in told)


def test_one_click_from_the_ai_card_merges_into_the_suggested_duplicate(make, personas) -> None:
    p = personas
    first = make.received(
        title="楼道灯不亮", content="3栋2单元楼道灯坏了一周，晚上上下楼很黑",
        channel=Channel.GRID_WORKER,
    )  # fmt: skip
    # Not an emergency (a case read as 紧急 or 特急 keeps its own clock: no one-click 并入,
    # test_ai_card_merge_offer.py), and read as the same category as the first.
    second = make.received(title="3栋楼道灯坏了", content="3栋2单元楼道的灯不亮了，麻烦物业换一下")
    client = _client(p.community_worker)
    page = client.get(f"/cases/{second.pk}/").content.decode()
    assert 'data-testid="ai-merge"' in page and f'name="original" value="{first.number}"' in page
    # It cannot be undone: the form asks first (static/js/gongzhi.js reads data-confirm).
    assert f"进度随 {first.number}。确定并入？" in page
    # Likely repeats are for the desk that decides 并入: the grid reads the card without them.
    grid_page = _client(p.grid_worker).get(f"/cases/{second.pk}/").content.decode()
    assert 'data-testid="ai-suggestion"' in grid_page
    assert 'data-testid="ai-duplicates"' not in grid_page

    response = client.post(
        f"/cases/{second.pk}/merge",
        {"version": second.version, "original": first.number},
        follow=True,
    )
    page = response.content.decode()
    assert f"已并入诉求 {first.number}" in page and "此诉求为重复反映" in page
    assert Case.objects.get(pk=second.pk).duplicate_of_id == first.pk


def test_the_merge_step_takes_the_earlier_case_by_number_and_explains_refusals(
    make, personas
) -> None:
    p = personas
    case = make.received()
    client = _client(p.community_worker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-merge"' in page and "原诉求编号" in page
    response = client.post(f"/cases/{case.pk}/merge", {"version": case.version, "original": "NH1"})
    assert response.status_code == 400
    assert "未找到编号为 NH1 的诉求" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED

    working = make.dispatched()
    response = client.post(
        f"/cases/{working.pk}/merge",
        {"version": working.version, "original": case.number},
        follow=True,
    )
    assert "当前状态「已交办」下不能执行「并入原诉求」" in response.content.decode()
    assert Case.objects.get(pk=working.pk).status == Status.DISPATCHED
