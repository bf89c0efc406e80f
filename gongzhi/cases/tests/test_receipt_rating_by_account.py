"""A receipt's tracking link rates a case as its requester (actor None, S5). A case whose requester
has an account is rated only by that account, signed in, under 我的诉求: its link's rating form
is neither shown nor accepted, whoever holds it, and staff print no receipt for it. Staff print
receipts for requesters without an account (a walk-in, a caller), not when they handled the
round, and every print is in the audit log. The caller without an account still rates by link."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from gongzhi.cases import services
from gongzhi.cases.models import CaseEvent, CaseRating, EventKind
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.tests.test_tracking import WalkIn, link, signed_in
from gongzhi.cases.tracking import RECEIPT_LINK, tracking_token
from gongzhi.cases.workflow import Status
from gongzhi.core.models import AuditRecord

pytestmark = pytest.mark.django_db

RATING = {"resolved": "1", "level": "very_satisfied"}
SIGN_IN_TO_RATE = "只能由诉求人登录后在“我的诉求”中评价"


@pytest.fixture
def walk_in(make) -> WalkIn:
    return WalkIn(make.p)


def test_a_link_never_rates_a_case_whose_requester_has_an_account(make, personas) -> None:
    case = make.resolved()  # filed for resident_a (an account), resolved by the company
    version = case.version
    worker = signed_in(personas.community_worker)
    # Staff get no receipt (and so no link) of it: the resident follows it signed in.
    refused = worker.get(f"/cases/{case.pk}/receipt")
    assert refused.status_code == 403
    assert "无需打印受理回执" in refused.content.decode()
    assert "/track/" not in refused.content.decode()
    assert 'data-testid="print-receipt"' not in worker.get(f"/cases/{case.pk}/").content.decode()

    # Whoever holds the link anyway (no session): no form, and told to sign in.
    anonymous = Client()
    page = anonymous.get(link(case)).content.decode()
    assert 'data-testid="rate-form"' not in page and "提交评价" not in page
    assert SIGN_IN_TO_RATE in page
    response = anonymous.post(link(case) + "rate", {**RATING, "version": version})
    assert response.status_code == 302 and response["Location"] == link(case)
    assert SIGN_IN_TO_RATE in anonymous.get(link(case)).content.decode()
    case.refresh_from_db()
    assert (case.status, case.version) == (Status.RESOLVED, version)
    assert not CaseRating.objects.filter(case=case).exists()
    assert not AuditRecord.objects.filter(action="case.visit").exists()

    # The resident rates it signed in, as themselves.
    resident = signed_in(personas.resident_a)
    mine = resident.get(f"/cases/{case.pk}/").content.decode()
    assert "提交评价" in mine
    response = resident.post(
        f"/cases/{case.pk}/rate", {**RATING, "version": case.version}, follow=True
    )
    assert response.status_code == 200
    rating = CaseRating.objects.get(case=case)
    assert (rating.by, rating.level) == (personas.resident_a, "very_satisfied")


def test_the_resident_prints_their_own_receipt_but_its_link_does_not_rate(make, personas) -> None:
    case = make.resolved()
    page = signed_in(personas.resident_a).get(f"/cases/{case.pk}/receipt")
    assert page.status_code == 200 and link(case) in page.content.decode()
    # The paper and the page it opens say where the rating is given, not "by this link".
    assert "在“我的诉求”中评价办理结果" in page.content.decode()
    assert "凭二维码即可查看进度和评价" not in page.content.decode()
    tracked = Client().get(link(case)).content.decode()
    assert 'data-testid="rate-form"' not in tracked
    assert "仅供查看进度" in tracked and "持有链接者均可查看进度和评价" not in tracked


def test_the_service_refuses_a_link_rating_of_an_account_holders_case(make) -> None:
    case = make.resolved()
    with pytest.raises(PermissionDenied, match="我的诉求"):
        services.case_visit_by_receipt(
            case=case,
            token=tracking_token(case),
            resolved=True,
            level="very_satisfied",
            expected_version=case.version,
        )
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and not CaseRating.objects.filter(case=case).exists()


def test_staff_print_a_walk_ins_receipt_audited_and_the_caller_rates_by_link(walk_in) -> None:
    p = walk_in.p
    case = walk_in.received()
    page = signed_in(p.grid_worker).get(f"/cases/{case.pk}/receipt")
    assert page.status_code == 200 and link(case) in page.content.decode()
    printed = AuditRecord.objects.get(action="case.receipt_print")
    assert (printed.actor, printed.object_id) == (p.grid_worker, str(case.pk))
    assert printed.detail["number"] == case.number and printed.created_at is not None

    case = walk_in.resolved()
    client = Client()
    assert 'data-testid="rate-form"' in client.get(link(case)).content.decode()
    response = client.post(link(case) + "rate", {**RATING, "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    rating = CaseRating.objects.get(case=case)
    assert (rating.by, rating.level) == (None, "very_satisfied")
    event = CaseEvent.objects.get(case=case, kind=EventKind.CLOSED)
    assert event.payload["source"] == RECEIPT_LINK


def test_whoever_handled_the_round_prints_no_receipt(walk_in) -> None:
    p = walk_in.p
    case = walk_in.assessed()
    # The community takes the walk-in's case on itself and resolves it.
    case = services.case_dispatch(case=case, actor=p.community_worker, level="community")
    case = services.case_accept(case=case, actor=p.community_worker)
    case = services.case_start(case=case, actor=p.community_worker)
    case = services.case_resolve(
        case=case,
        actor=p.community_worker,
        public_reply="已更换楼道灯，恢复照明。",
        evidence=[png()],
    )
    worker = signed_in(p.community_worker)
    # The case page says why, instead of the 打印回执 link.
    page = worker.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="print-receipt"' not in page
    assert "您参与了本轮办理，不能打印受理回执" in page
    refused = worker.get(f"/cases/{case.pk}/receipt")
    assert refused.status_code == 403
    assert "您参与了本轮办理，不能打印受理回执" in refused.content.decode()
    assert link(case) not in refused.content.decode()
    assert not AuditRecord.objects.filter(action="case.receipt_print").exists()
    # Another member of staff still hands the caller a receipt, and is told nothing else.
    other = signed_in(p.grid_worker)
    page = other.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="print-receipt"' in page and 'data-testid="receipt-held-back"' not in page
    assert other.get(f"/cases/{case.pk}/receipt").status_code == 200
