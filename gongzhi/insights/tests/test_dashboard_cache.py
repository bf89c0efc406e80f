"""数据驾驶舱: this month's figures, the area table's rates and the charts are counted at most
once per area and five minutes, shared by readers of the same area; the "now" tiles stay live."""

import pytest
import time_machine
from django.test import Client

from gongzhi.org.models import Role
from gongzhi.org.services import role_grant
from gongzhi.org.testing import make_user

pytestmark = pytest.mark.django_db


def _look(user, moment: str):
    client = Client()
    client.force_login(user)
    with time_machine.travel(moment, tick=False):
        response = client.get("/insights/")
    assert response.status_code == 200
    month = {row.label: row.this for row in response.context["month"].rows}
    tiles = {tile.key: tile.value for tile in response.context["tiles"]}
    daily = response.context["daily"]["series"][0]["values"][-1]
    return int(month["受理"]), tiles["today"], daily, response.content.decode()


def test_figures_are_shared_for_five_minutes_and_tiles_stay_live(personas, make):
    p = personas
    with time_machine.travel("2026-11-20 09:00:00+08:00", tick=False):
        make.received()
    assert _look(p.street_officer, "2026-11-20 10:00:00+08:00")[:3] == (1, 1, 1)

    with time_machine.travel("2026-11-20 10:01:00+08:00", tick=False):
        make.received()
    colleague = make_user("officer2", "另一位街道干部")
    role_grant(actor=None, user=colleague, role=Role.STREET_OFFICER, node=p.street)
    filed, today, daily, page = _look(colleague, "2026-11-20 10:04:00+08:00")
    # The month's figures and the chart as counted at 10:00; the tile counts now.
    assert (filed, today, daily) == (1, 2, 1)
    assert "每 5 分钟更新，本次 10:00" in page

    # The next five minutes count again.
    filed, today, daily, page = _look(p.street_officer, "2026-11-20 10:05:00+08:00")
    assert (filed, today, daily) == (2, 2, 2)
    assert "本次 10:05" in page


def test_another_area_is_counted_for_itself(personas, make):
    p = personas
    with time_machine.travel("2026-11-20 09:00:00+08:00", tick=False):
        make.received()  # A小区, community 1
        make.received(compound=p.compound_c)  # community 2
    assert _look(p.street_officer, "2026-11-20 10:00:00+08:00")[0] == 2
    # The community worker's area is community 1 alone: not the street's cached figures.
    assert _look(p.community_worker, "2026-11-20 10:01:00+08:00")[0] == 1
    # Nor the street officer's view of one community.
    client = Client()
    client.force_login(p.street_officer)
    with time_machine.travel("2026-11-20 10:02:00+08:00", tick=False):
        chosen = client.get("/insights/", {"community": p.community2.pk})
    assert {row.label: row.this for row in chosen.context["month"].rows}["受理"] == "1"
