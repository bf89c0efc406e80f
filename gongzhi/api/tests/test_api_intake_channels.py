"""The native API holds staff to the channels of their roles, like the staff form (S1): a
property company cannot pass a case off as a 12345 order or a petition."""

import pytest

from gongzhi.api.tests.conftest import bearer
from gongzhi.cases.models import Case

pytestmark = pytest.mark.django_db


def _file(user, channel: str, compound):
    return bearer(user).post(
        "/api/v1/cases",
        {
            "compound_id": compound.pk,
            "channel": channel,
            "type": "complaint",
            "title": "门口路灯不亮",
            "content": "小区门口路灯不亮三天了",
            "requester_name": "王女士",
            "requester_phone": "13912345678",
        },
        content_type="application/json",
    )


def test_a_property_company_cannot_file_a_hotline_order_or_a_petition(personas):
    for channel in ("hotline_12345", "petition", "superior"):
        response = _file(personas.property_a, channel, personas.compound_a)
        assert response.status_code == 422, (channel, response.content)
        assert response.json()["fields"]["channel"] == ["12345热线工单和阳光信访件由社区或街道登记"]
    assert not Case.objects.exists()


def test_no_one_enters_the_ai_grid_workers_channel_by_hand(personas):
    response = _file(personas.community_worker, "ai_grid", personas.compound_a)
    assert response.status_code == 422
    assert response.json()["fields"]["channel"] == ["您不能登记该来源渠道的诉求，请选择其他渠道"]
    assert not Case.objects.exists()


def test_the_desk_records_a_hotline_call_and_the_company_its_own_line(personas):
    assert _file(personas.community_worker, "hotline_12345", personas.compound_a).status_code == 201
    assert _file(personas.property_a, "property_hotline", personas.compound_a).status_code == 201
    assert Case.objects.count() == 2
