"""S9: the owners' committee reads a compound's cases only because their requesters allowed them
to be published, and is often the body complained about: it reads them as the public does, with
no requester (not even masked), no room and no name or number in the text, on the page and in
the API. The party branch, which leads the three parties and visits households, still reads the
masked requester and the unit of a case that accuses no one."""

import pytest
from django.test import Client

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases.choices import CaseType
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

CONTENT = "张三反映：1栋1单元101门口的路灯坏了，电话13812341234"


def _public_case(make, personas, type=CaseType.HELP):
    return make.received(
        type=type,
        content=CONTENT,
        is_public=True,
        building=personas.building_a,
        unit=personas.unit_a,
    )


def _page(user, case) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("type", [CaseType.HELP, CaseType.SUGGESTION])
def test_the_committee_reads_a_public_case_without_its_requester(make, personas, type) -> None:
    case = _public_case(make, personas, type=type)
    page = _page(personas.committee_a, case)
    assert "路灯坏了" in page  # the case itself, as published
    for trace in ("张*", "张三", "138****1234", "****1234", "101"):
        assert trace not in page, trace
    assert "（诉求人信息保密）" in page

    detail = bearer(personas.committee_a).get(f"/api/v1/cases/{case.pk}").json()
    shown = str(detail)
    for trace in ("张*", "张三", "138****", "101"):
        assert trace not in shown, trace


def test_the_party_branch_still_reads_the_masked_requester(make, personas) -> None:
    case = _public_case(make, personas)
    page = _page(personas.party_a, case)
    assert "张*" in page and "138****1234" in page and "1单元101" in page
    assert "13812341234" not in page
