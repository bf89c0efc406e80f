"""The audit of the grid worker (网格员) and the party branch (S5, S8; README "What each role
can do"):

- the staff member who filed a report naming no requester (a 民情前哨 of their own) does not
  rate it at the return visit: their colleagues of the community, or the street, do;
- the 回访 form offers 例外办结 only to whoever may record one, and a refused exception comes
  back as a message on the form, the visit as typed, never as a 403 page;
- a grid worker reads 办理指标, 数据驾驶舱 and 月度研判报告 of their community, as its community
  worker does, and nothing beyond it.
"""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from gongzhi.cases import selectors, services
from gongzhi.cases.choices import (
    Category,
    Channel,
    Level,
    RatingLevel,
    RatingVia,
    SlaClass,
    Urgency,
)
from gongzhi.cases.models import Case, CaseRating
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import Status
from gongzhi.insights.tests.monthly_street import TODAY, build_october
from gongzhi.org import services as org_services
from gongzhi.org.models import Role
from gongzhi.org.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

BY_FILER = "本诉求由您登记且未留诉求人，您不能记录其回访评价；请由社区其他工作人员或街道回访"
GRID_EXCEPTION = "例外办结须由社区工作人员或街道记录，网格员请将情况转告社区"


def _web(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _sentinel_report_resolved(p) -> Case:
    """The audit's case: grid_huajin files a 民情前哨 report with no requester; the desk assesses
    and dispatches it to the company; the company resolves it."""
    case = services.case_file(
        actor=p.grid_worker,
        compound=p.compound_a,
        channel=Channel.SENTINEL,
        type="help",
        title="路灯不亮",
        content="A小区东门路灯连续三晚不亮",
    )
    assert case.requester_id is None and case.requester_name == ""
    services.case_assess(
        case=case,
        actor=p.community_worker,
        category=Category.REPAIR,
        sla_class=SlaClass.PROPERTY,
        urgency=Urgency.NORMAL,
    )
    services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
    )
    services.case_accept(case=case, actor=p.property_a)
    services.case_start(case=case, actor=p.property_a)
    return services.case_resolve(
        case=case, actor=p.property_a, public_reply="已更换灯泡，恢复照明。", evidence=[png()]
    )


def _visit_data(case, **extra):
    return {"version": case.version, "resolved": "1", "level": "satisfied", "via": "phone", **extra}


# --- 1. The filer of a report naming no requester does not rate it ---------------------------


def test_the_filer_of_a_report_without_requester_may_not_rate_it(make, personas) -> None:
    p = personas
    case = _sentinel_report_resolved(p)
    assert "visit" not in selectors.allowed_actions(p.grid_worker, case)
    with pytest.raises(PermissionDenied) as refused:
        services.case_visit(
            case=case,
            actor=p.grid_worker,
            resolved=True,
            level=RatingLevel.SATISFIED,
            via=RatingVia.PHONE,
        )
    assert str(refused.value) == BY_FILER
    client = _web(p.grid_worker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-visit"' not in page and BY_FILER in page
    response = client.post(f"/cases/{case.pk}/visit", _visit_data(case))
    assert response.status_code == 403 and BY_FILER in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and not CaseRating.objects.filter(case=case).exists()
    # Their photos of it are still welcome; a resident's call they recorded is theirs to
    # visit (the visit records the requester's words, not their own).
    services.attachment_add(case=case, actor=p.grid_worker, file=png("after.png"), kind="photo")
    called = make.resolved()
    assert called.created_by == p.grid_worker and called.requester == p.resident_a
    assert "visit" in selectors.allowed_actions(p.grid_worker, called)


def test_the_community_a_grid_colleague_or_the_street_rates_it_instead(make, personas) -> None:
    p = personas
    case = _sentinel_report_resolved(p)
    assert "visit" not in selectors.allowed_actions(p.grid_worker, case)  # the filer
    colleague = make_user("grid_worker_2", "另一位网格员")
    org_services.role_grant(actor=None, user=colleague, role=Role.GRID_WORKER, node=p.community1)
    for other in (p.community_worker, colleague, p.street_officer):
        assert "visit" in selectors.allowed_actions(other, case), other.username
    page = _web(colleague).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-visit"' in page and BY_FILER not in page
    response = _web(p.community_worker).post(f"/cases/{case.pk}/visit", _visit_data(case))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert CaseRating.objects.get(case=case).by == p.community_worker


# --- 2. 例外办结 only for whoever may record one, refused on the form ---------------------------


def test_the_visit_form_offers_the_exception_only_to_the_community_and_street(
    make, personas
) -> None:
    p = personas
    case = make.resolved()
    grid_page = _web(p.grid_worker).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-visit"' in grid_page
    assert 'name="exception_reason"' not in grid_page and "例外办结理由" not in grid_page
    for supervisor in (p.community_worker, p.street_officer):
        page = _web(supervisor).get(f"/cases/{case.pk}/").content.decode()
        assert 'name="exception_reason"' in page, supervisor.username


def test_an_exception_posted_by_a_grid_worker_is_a_message_on_the_kept_form(make, personas) -> None:
    p = personas
    case = make.resolved()
    typed = {"note": "业主称仍有异响", "exception_reason": "政策不允许"}
    data = _visit_data(case, resolved="0", level="dissatisfied", **typed)
    response = _web(p.grid_worker).post(f"/cases/{case.pk}/visit", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert GRID_EXCEPTION in page and "业主称仍有异响" in page
    assert "仅社区或街道可记录例外办结" not in page
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and not CaseRating.objects.filter(case=case).exists()


def test_the_service_refuses_it_as_a_field_error_with_the_same_words(make, personas) -> None:
    p = personas
    case = make.resolved()
    with pytest.raises(ValidationError) as refused:
        services.case_visit(
            case=case,
            actor=p.grid_worker,
            resolved=False,
            level=RatingLevel.DISSATISFIED,
            via=RatingVia.PHONE,
            exception_reason="政策不允许",
        )
    assert refused.value.message_dict == {"exception_reason": [GRID_EXCEPTION]}
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and not CaseRating.objects.filter(case=case).exists()


# --- 3. A grid worker reads the figures of their community --------------------------------


def test_a_grid_worker_opens_the_analysis_pages_from_the_menu(personas) -> None:
    client = _web(personas.grid_worker)
    queue = client.get(reverse("cases:queue")).content.decode()
    assert 'data-testid="metrics-link"' in queue and 'data-testid="nav-dashboard"' in queue
    for name in ("cases:metrics", "insights:dashboard", "insights:monthly"):
        assert client.get(reverse(name)).status_code == 200, name


def test_a_grid_worker_reads_the_metrics_of_their_community_only(make, personas) -> None:
    p = personas
    make.resolved()  # A小区 (华锦)
    make.received(compound=p.compound_c)  # C小区 (宝安)
    url = reverse("cases:metrics") + "?group=compound"
    officer = _web(p.street_officer).get(url)
    assert {name for name, *_r in officer.context["rows"]} == {"A小区", "C小区"}
    grid = _web(p.grid_worker).get(url)
    assert grid.status_code == 200
    assert [name for name, *_r in grid.context["rows"]] == ["A小区"]
    assert grid.context["total"][0] == 1
    assert "C小区" not in grid.content.decode()


def test_a_grid_worker_reads_the_monthly_report_of_their_community_only(make) -> None:
    october = build_october(make)
    p = october.p
    client = _web(p.grid_worker)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("insights:monthly"))
        outside = client.get(reverse("insights:monthly"), {"area": f"community:{p.community2.pk}"})
    report = response.context["report"]
    assert report.area.name == "华锦社区" and report.overview.filed.current == 5
    assert [value for value in response.context["form"].areas] == [
        f"community:{p.community1.pk}",
        f"compound:{p.compound_a.pk}",
        f"compound:{p.compound_b.pk}",
    ]
    assert "C小区" not in response.content.decode()
    assert "report" not in outside.context
    assert "所选区域不在您的查看范围内" in outside.content.decode()
