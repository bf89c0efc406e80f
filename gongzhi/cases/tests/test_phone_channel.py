"""来电 (S1): a demand phoned in to the community or street desk is recorded by staff, filtered
and shown as such; a 12345 export's 电话/来电 stays the 12345 hotline."""

import pytest
from django.test import Client

from gongzhi.cases.imports import ImportFailed, import_hotline
from gongzhi.cases.models import Case
from gongzhi.cases.tests.test_imports import GOOD, xlsx
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

PHONE_OPTION = '<option value="phone">来电</option>'


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_community_worker_records_a_phoned_in_demand(personas, make) -> None:
    client = _client(personas.community_worker)
    assert PHONE_OPTION in client.get("/cases/intake/").content.decode()

    response = client.post(
        "/cases/intake/",
        {
            "channel": "phone",
            "type": "help",
            "compound": personas.compound_a.pk,
            "address": "2栋1单元",
            "content": "2栋1单元楼道灯坏了三天，老人晚上不敢下楼",
            "requester_name": "李四",
            "requester_phone": "13800002222",
        },
        follow=True,
    )

    case = Case.objects.get(channel="phone")
    assert f"诉求已登记，编号 {case.number}" in response.content.decode()
    assert case.requester_name == "李四" and case.compound == personas.compound_a
    by_hotline = make.received(title="电梯异响")  # 12345热线

    queue = client.get("/cases/", {"channel": "phone", "bucket": "all"}).content.decode()
    assert '<option value="phone" selected>来电</option>' in queue
    assert case.number in queue and by_hotline.number not in queue
    assert f"{case.compound.name} · 来电 ·" in queue

    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"{case.number}</span> · 来电 · 求助" in page


def test_the_queue_filter_offers_phone_to_every_desk(personas) -> None:
    for user in (personas.street_officer, personas.grid_worker):
        assert PHONE_OPTION in _client(user).get("/cases/").content.decode()


@pytest.mark.parametrize("said", ["12345", "电话", "来电", "12345热线"])
def test_a_hotline_export_that_says_phone_means_the_12345_hotline(personas, said) -> None:
    row = ["12345-0100", "2026-11-21 10:00", said, *GOOD[0][3:]]
    assert import_hotline(xlsx([row])).created == 1
    assert Case.objects.get(external_order_no="12345-0100").channel == "hotline_12345"


def test_a_hotline_export_row_of_an_unknown_channel_is_still_refused(personas) -> None:
    with pytest.raises(ImportFailed, match="无法识别的渠道「电话热线」"):
        import_hotline(xlsx([["12345-0101", "2026-11-21 10:00", "电话热线", *GOOD[0][3:]]]))
    assert not Case.objects.exists()
