"""The compound page tells where the property contract stands (C4) and whether each public
service commitment was kept (Art. 938), instead of a bare date range and a ✓."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from gongzhi.org.models import Commitment, ServiceContract
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _page(personas, today: dt.date) -> str:
    with time_machine.travel(dt.datetime.combine(today, dt.time(10)), tick=False):
        client = Client()  # signed in on that day: a session does not outlive two weeks
        client.login(username="community_worker", password=PASSWORD)
        return client.get(f"/org/compounds/{personas.compound_a.pk}/").content.decode()


def _contract(personas) -> ServiceContract:
    return ServiceContract.objects.filter(compound=personas.compound_a).order_by("-start").first()


def test_a_lapsed_contract_is_flagged_as_continuing_open_ended(personas) -> None:
    end = _contract(personas).end
    page = _page(personas, end + dt.timedelta(days=1))
    assert "合同已到期" in page and "不定期合同" in page


def test_renewal_is_called_for_six_months_before_the_end(personas) -> None:
    end = _contract(personas).end
    assert "距合同到期还有 100 天" in _page(personas, end - dt.timedelta(days=100))
    page = _page(personas, end - dt.timedelta(days=400))
    assert "距合同到期" not in page and "合同已到期" not in page


def test_each_commitment_says_whether_it_was_kept(personas) -> None:
    contract = _contract(personas)
    Commitment.objects.create(
        contract=contract, text="更换3栋电梯", due=dt.date(2026, 6, 30), kept_on=dt.date(2026, 6, 1)
    )
    Commitment.objects.create(contract=contract, text="维修消防栓", due=dt.date(2026, 8, 31))
    Commitment.objects.create(contract=contract, text="补种绿化", due=dt.date(2026, 12, 31))
    page = _page(personas, dt.date(2026, 10, 1))
    assert '更换3栋电梯<span class="text-success">（已兑现 2026-06-01）' in page
    assert '维修消防栓<span class="text-danger">（逾期未兑现，期限 2026-08-31）' in page
    assert '补种绿化<span class="text-muted">（兑现期限 2026-12-31）' in page
