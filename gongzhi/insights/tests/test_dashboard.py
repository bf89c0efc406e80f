"""数据驾驶舱: what each reader sees, and that its "now" tiles are the work queue's numbers.

The street below is filed on 2026-11-20 at 10:00 (local), a1 and b1 at 10:50, and looked at
at 11:00:

    A小区 (华锦): a1 received · a2 dispatched to company X, never signed for (签收 due 10:15) ·
                  a3 in progress, 督办 · a4 resolved (not 在办)
    B小区 (华锦): b1 received
    C小区 (宝安): c1 escalated to the street (街道), unsigned · c2 吹哨 to 区城管局, unsigned
"""

import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Channel, Level
from gongzhi.cases.models import Case
from gongzhi.org import services as org_services
from gongzhi.org.models import Role
from gongzhi.org.testing import make_user

pytestmark = pytest.mark.django_db
FILED = "2026-11-20 10:00:00+08:00"
LOOKED = "2026-11-20 11:00:00+08:00"
RECEIVED = "2026-11-20 10:50:00+08:00"  # a1 and b1: not yet due for 研判 when looked at


@pytest.fixture
def street(personas, make):
    p = personas
    with time_machine.travel(RECEIVED, tick=False):  # 研判 due by 11:05 at the earliest
        make.received(title="电梯异响", content="2栋电梯运行时异响，联系人张三 13812341234")
        make.received(compound=p.compound_b, requester=p.resident_b)
    with time_machine.travel(FILED, tick=False):
        make.dispatched()
        a3 = make.in_progress()
        services.case_supervise(case=a3, actor=p.community_worker, reason="请加快处理")
        make.resolved()
        c1 = make.assessed(compound=p.compound_c, requester=None)
        services.case_dispatch(case=c1, actor=p.street_officer, level=Level.STREET)
        c2 = make.assessed(compound=p.compound_c, requester=None)
        services.case_dispatch(
            case=c2, actor=p.street_officer, level=Level.DEPARTMENT, department="区城管局"
        )
    return p


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _tiles(response) -> dict[str, int]:
    return {tile.key: tile.value for tile in response.context["tiles"]}


def _queue_count(client: Client, url: str) -> int:
    page = client.get(url)
    assert page.status_code == 200
    return page.context["page"].paginator.count


TILES = {"open", "overdue", "warning", "today", "unassessed", "supervised"}


def _listed(client: Client, url: str) -> set[int]:
    """The cases the work queue lists at `url`, over every page."""
    first = client.get(url)
    assert first.status_code == 200
    paginator = first.context["page"].paginator
    return {case.pk for n in paginator.page_range for case in paginator.page(n).object_list}


def _each_tile_lists_its_number(client: Client, dashboard_url: str) -> dict[str, int]:
    response = client.get(dashboard_url)
    assert response.status_code == 200
    page = response.content.decode().replace("&amp;", "&")
    tiles = response.context["tiles"]
    assert {t.key for t in tiles if t.url} == TILES
    for tile in tiles:
        assert len(_listed(client, tile.url)) == tile.value, tile.label
        assert _queue_count(client, tile.url) == tile.value, tile.label
        assert f'href="{tile.url}"' in page, tile.label
    return {t.key: t.value for t in tiles}


@pytest.mark.parametrize("who", ["street_officer", "community_worker", "party_a"])
def test_each_tile_is_the_number_its_queue_lists(street, who):
    client = _client(getattr(street, who))
    with time_machine.travel(LOOKED, tick=False):
        figures = _each_tile_lists_its_number(client, "/insights/")
    assert figures["today"] and figures["supervised"]  # not trivially equal at zero


def test_with_a_community_chosen_each_tile_lists_its_number(street, make):
    p = street
    with time_machine.travel(FILED, tick=False):
        c3 = make.in_progress(compound=p.compound_c, requester=None)
        services.case_supervise(case=c3, actor=p.street_officer, reason="请尽快处理")
    client = _client(p.street_officer)
    with time_machine.travel(LOOKED, tick=False):
        huajin = _each_tile_lists_its_number(client, f"/insights/?community={p.community1.pk}")
        baoan = _each_tile_lists_its_number(client, f"/insights/?community={p.community2.pk}")
        street_wide = _tiles(client.get("/insights/"))
        # The links name the community: none of the other's cases is listed.
        tiles = client.get(f"/insights/?community={p.community2.pk}").context["tiles"]
        today_url = next(t.url for t in tiles if t.key == "today")
        listed = Case.objects.filter(pk__in=_listed(client, today_url))
    # 在办 a1 a2 a3 b1 | c1 c2 c3; 今日受理 adds a4; 督办中 a3 | c3
    keys = ("open", "overdue", "warning", "today", "unassessed", "supervised")
    assert huajin == dict(zip(keys, (4, 1, 0, 5, 2, 1), strict=True))
    assert baoan == dict(zip(keys, (3, 2, 0, 3, 0, 1), strict=True))
    assert {k: huajin[k] + baoan[k] for k in TILES} == street_wide
    assert {c.compound_id for c in listed} == {p.compound_c.pk}


def test_the_today_tile_links_to_the_day_it_counted(street):
    with time_machine.travel(LOOKED, tick=False):
        tiles = _client(street.street_officer).get("/insights/").context["tiles"]
    today = next(t for t in tiles if t.key == "today")
    assert today.url == "/cases/?bucket=all&filed=2026-11-20"
    supervised = next(t for t in tiles if t.key == "supervised")
    assert supervised.url == "/cases/?bucket=open&supervised=on"


def test_the_tiles_count_what_each_reader_may_see(street):
    expected = {
        # 在办, 已超时 (a2, c1, c2: unsigned past 10:15), 今日受理, 待研判, 督办中
        "street_officer": {"open": 6, "overdue": 3, "today": 7, "unassessed": 2, "supervised": 1},
        "community_worker": {"open": 4, "overdue": 1, "today": 5, "unassessed": 2, "supervised": 1},
        "party_a": {"open": 3, "overdue": 1, "today": 4, "unassessed": 1, "supervised": 1},
    }
    with time_machine.travel(LOOKED, tick=False):
        for who, figures in expected.items():
            tiles = _tiles(_client(getattr(street, who)).get("/insights/"))
            assert {k: tiles[k] for k in figures} == figures, who


def test_today_counts_from_local_midnight(street, make):
    with time_machine.travel("2026-11-20 23:59:00+08:00", tick=False):
        make.received()  # still the 20th
    with time_machine.travel("2026-11-21 00:01:00+08:00", tick=False):
        make.received()  # the 21st, though still the 20th in UTC
        response = _client(street.street_officer).get("/insights/")
    assert _tiles(response)["today"] == 1


def test_rows_per_community_for_the_street_and_per_compound_below(street):
    with time_machine.travel(LOOKED, tick=False):
        officer = _client(street.street_officer).get("/insights/")
        worker = _client(street.community_worker).get("/insights/")
        party = _client(street.party_a).get("/insights/")
    by_name = {row.name: row for row in officer.context["rows"]}
    assert list(by_name) == ["华锦社区", "宝安社区"]
    assert (by_name["华锦社区"].open, by_name["华锦社区"].overdue) == (4, 1)
    assert (by_name["宝安社区"].open, by_name["宝安社区"].filed) == (2, 2)
    assert [(r.name, r.open, r.filed) for r in worker.context["rows"]] == [
        ("A小区", 3, 4),
        ("B小区", 1, 1),
    ]
    assert [r.name for r in party.context["rows"]] == ["A小区"]


def test_a_compound_row_links_to_its_queue(street):
    client = _client(street.community_worker)
    with time_machine.travel(LOOKED, tick=False):
        rows = client.get("/insights/").context["rows"]
        for row in rows:
            assert _queue_count(client, row.open_url) == row.open
            assert _queue_count(client, row.overdue_url) == row.overdue


def test_a_community_row_links_to_its_queue(street):
    client = _client(street.street_officer)
    with time_machine.travel(LOOKED, tick=False):
        response = client.get("/insights/")
        rows = response.context["rows"]
        assert [(r.name, r.open, r.overdue) for r in rows] == [
            ("华锦社区", 4, 1),
            ("宝安社区", 2, 2),
        ]
        for row in rows:
            assert "community=" in row.open_url
            assert _queue_count(client, row.open_url) == row.open, row.name
            assert _queue_count(client, row.overdue_url) == row.overdue, row.name
    page = response.content.decode().replace("&amp;", "&")
    assert f'href="{rows[1].open_url}"' in page and f'href="{rows[1].overdue_url}"' in page


@pytest.mark.parametrize("who", ["community_worker", "grid_worker"])
def test_a_community_worker_sees_nothing_of_another_community(street, who):
    with time_machine.travel(LOOKED, tick=False):
        page = _client(getattr(street, who)).get("/insights/").content.decode()
    assert "华锦" in page and "A小区" in page
    assert "宝安" not in page and "C小区" not in page
    assert "区城管局" not in page


def test_property_staff_and_residents_are_refused(street):
    for who in ("property_a", "resident_a", "committee_a"):
        assert _client(getattr(street, who)).get("/insights/").status_code == 403, who


def test_an_officer_never_sees_another_streets_cases(street, make):
    other = org_services.street_create(name="另一街道", code="420106-X")
    community = org_services.community_create(street=other, name="远方")
    compound = org_services.compound_create(community=community, name="远方小区", address="远路9号")
    officer = make_user("other_officer", "另一街道干部")
    org_services.role_grant(actor=None, user=officer, role=Role.STREET_OFFICER, node=other)
    with time_machine.travel(LOOKED, tick=False):
        response = _client(officer).get("/insights/")
    page = response.content.decode()
    assert response.status_code == 200
    assert set(_tiles(response).values()) == {0}
    for name in ("A小区", "C小区", "华锦", "宝安", "区城管局", "电梯"):
        assert name not in page, name
    assert [r.name for r in response.context["rows"]] == ["远方小区"]
    # and a community of the other street is not theirs to choose
    # (the officer's own street and the message of the other pages, never its figures)
    other_street = _client(officer).get(f"/insights/?community={street.community1.pk}")
    assert other_street.status_code == 200
    assert [r.name for r in other_street.context["rows"]] == ["远方小区"]
    assert "请从列表中选择社区" in other_street.content.decode()
    assert "华锦" not in other_street.content.decode()
    assert compound.pk


def test_street_officers_may_look_at_one_community_only_their_own(street):
    client = _client(street.street_officer)
    with time_machine.travel(LOOKED, tick=False):
        response = client.get(f"/insights/?community={street.community2.pk}")
        # a value not in the list: the whole street, and the message the other pages give
        for value in ("abc", "zzz", "999999"):
            wrong = client.get(f"/insights/?community={value}")
            assert wrong.status_code == 200, value
            assert "请从列表中选择社区" in wrong.content.decode(), value
            assert wrong.context["area"].community is None
        # a community worker has one community: theirs is the page as it is, another is not
        worker = _client(street.community_worker)
        own = worker.get(f"/insights/?community={street.community1.pk}")
        assert own.status_code == 200 and _tiles(own)["open"] == 4
        other = worker.get(f"/insights/?community={street.community2.pk}")
        assert other.status_code == 200 and "请从列表中选择社区" in other.content.decode()
        assert "C小区" not in other.content.decode()
    assert [r.name for r in response.context["rows"]] == ["C小区"]
    assert _tiles(response)["open"] == 2
    assert "A小区" not in response.content.decode()


def test_street_and_department_cases_for_the_officer_most_overdue_first(street):
    with time_machine.travel(LOOKED, tick=False):
        officer = _client(street.street_officer).get("/insights/")
        worker = _client(street.community_worker).get("/insights/")
    held = officer.context["street"]
    assert held.total == 2
    assert [c.level for c in held.cases] == ["街道", "职能部门 · 区城管局"]
    page = officer.content.decode()
    for case in held.cases:
        assert f'href="/cases/{case.pk}/"' in page
    assert worker.context["street"] is None
    assert 'data-testid="dashboard-street"' not in worker.content.decode()


def test_no_requester_name_or_phone_anywhere(street):
    with time_machine.travel(LOOKED, tick=False):
        page = _client(street.street_officer).get("/insights/").content.decode()
    for private in ("张三", "李四", "13812341234", "13912345678", "1381234"):
        assert private not in page, private
    assert not re.search(r"1[3-9]\d{9}", page)


def test_links_to_the_monthly_report_metrics_and_hot_topics(street):
    page = _client(street.party_a).get("/insights/").content.decode()
    assert 'href="/insights/monthly/"' in page
    assert 'href="/cases/metrics/"' in page
    assert 'href="/cases/hot-topics/?period=30' in page


def test_a_new_street_reads_well(personas):
    with time_machine.travel(LOOKED, tick=False):
        response = _client(personas.street_officer).get("/insights/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "辖区内还没有诉求记录" in page
    assert set(_tiles(response).values()) == {0}
    for wrong in ("NaN", "None", "nan%", "Infinity", "undefined"):
        assert wrong not in page, wrong
    month = response.context["month"].rows
    assert [(r.this, r.last, r.change) for r in month][:2] == [("0", "0", "—"), ("0", "0", "—")]
    assert {r.this for r in month[2:]} == {"—"}


def _queries(user, community=None) -> int:
    client = _client(user)
    url = "/insights/" + (f"?community={community.pk}" if community else "")
    client.get(url)  # the hot topics are computed once an hour: cached from here
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_communities_or_cases(street, make):
    with time_machine.travel(LOOKED, tick=False):
        before = _queries(street.street_officer)
        for i in range(3):
            community = org_services.community_create(street=street.street, name=f"新社区{i}")
            for j in range(2):
                compound = org_services.compound_create(
                    community=community, name=f"新{i}-{j}小区", address="新路"
                )
                services.case_file(
                    actor=street.street_officer, compound=compound, channel=Channel.VISIT,
                    type=CaseType.HELP, title="路灯不亮", content="小区门口路灯坏了",
                )  # fmt: skip
        after = _queries(street.street_officer)
    assert after == before
    assert after <= 40
