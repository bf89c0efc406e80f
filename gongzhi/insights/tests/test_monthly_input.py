"""月度研判报告: a wrong month or area is said plainly on the page, with no figures; an empty
month reads well; 研判要点 say only what enough figures show."""

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from gongzhi.cases import services
from gongzhi.cases.choices import Category, SlaClass, Urgency
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.insights.tests.monthly_street import TODAY, at, file
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db
URL = reverse("insights:monthly")


@pytest.fixture(autouse=True)
def _fresh_cache(personas):
    ensure_default_policies()
    cache.clear()
    yield
    cache.clear()


def _get(client, user, **params):
    client.login(username=user.username, password=PASSWORD)
    with time_machine.travel(TODAY, tick=False):
        return client.get(URL, params)


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "月份“2026-13”无法识别，请从列表中选择，格式如“2026-11”"),
        ("十月", "月份“十月”无法识别"),
        ("2026-10-01", "无法识别"),
        ("2024-10", "只能查看2024年11月至2026年11月的报告（本月及此前 24 个月）"),
        ("2026-12", "只能查看2024年11月至2026年11月的报告"),
        ("0202-10", "只能查看2024年11月至2026年11月的报告"),
    ],
)
def test_a_wrong_month_is_said_on_the_page_and_nothing_is_shown(client, personas, month, message):
    response = _get(client, personas.street_officer, month=month)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'data-testid="monthly-errors"' in page
    assert 'data-testid="monthly-report"' not in page and "report" not in response.context


@pytest.mark.parametrize("area", ["A小区", "compound:", "compound:abc", "street:1"])
def test_a_malformed_area_is_said_on_the_page(client, personas, area):
    page = _get(client, personas.street_officer, area=area).content.decode()
    assert "请从列表中选择区域" in page
    assert 'data-testid="monthly-report"' not in page


def test_the_lists_offer_the_last_24_months_and_the_users_areas(client, personas):
    p = personas
    response = _get(client, p.street_officer)
    page = response.content.decode()
    assert '<option value="2026-10" selected>2026年10月</option>' in page
    assert '<option value="2024-11">2024年11月</option>' in page
    assert "2024-10" not in page and "2026-12" not in page
    form = response.context["form"]
    assert list(form.areas) == [
        f"all:{p.street.pk}",
        f"community:{p.community1.pk}",
        f"compound:{p.compound_a.pk}",
        f"compound:{p.compound_b.pk}",
        f"community:{p.community2.pk}",
        f"compound:{p.compound_c.pk}",
    ]
    assert "华锦社区（全社区）" in page and "南湖测试街道（全街道）" in page
    assert [a.name for a in _get(client, p.party_a).context["form"].areas.values()] == ["A小区"]


def test_an_empty_month_reads_well(client, personas):
    response = _get(client, personas.street_officer, month="2025-06")
    assert response.status_code == 200
    report = response.context["report"]
    assert report.overview.filed.current == 0
    page = response.content.decode()
    for word in ("None", "nan", "NaN", "inf", "Decimal"):
        assert word not in page
    assert "本月没有形成热点的诉求" in page
    assert "本月和上月都没有诉求" in page
    assert "未生成研判要点" in page
    assert "目前超期未办结 0 件" in page
    # Every place of the street is listed, with nothing counted.
    assert [(r.name, r.metrics.total) for r in report.places] == [("华锦社区", 0), ("宝安社区", 0)]


def _many(p, month, count, category, compound=None):
    for i in range(count):
        when = at(month, 1 + i % 28, 8 + i % 10)
        text = f"第{i}号问题，情况各不相同{i * 7919}"
        case = file(p, when, compound or p.compound_a, title=f"诉求{month}-{i}", content=text)
        with time_machine.travel(at(month, 1 + i % 28, 20), tick=False):
            services.case_assess(
                case=case,
                actor=p.community_worker if case.compound != p.compound_c else p.street_officer,
                category=category,
                sla_class=SlaClass.GENERAL,
                urgency=Urgency.NORMAL,
            )


def test_findings_say_what_the_figures_show_and_are_labelled(client, personas):
    p = personas
    _many(p, 9, 10, Category.NOISE)
    _many(p, 10, 16, Category.PARKING)
    _many(p, 10, 6, Category.NOISE, compound=p.compound_c)
    response = _get(client, p.street_officer)
    findings = response.context["report"].findings
    assert findings[:3] == [
        "本月受理诉求 22 件，比上月（10 件）增加 120.0%。",
        "「停车管理」类诉求增加最多：本月 16 件，上月 0 件。",
        "「停车管理」类诉求最多，占本月诉求的 72.7%。",
    ]
    page = response.content.decode()
    assert "系统根据数据生成，供会议研判参考" in page
    for finding in findings:
        assert finding in page


def test_no_findings_from_thin_data(client, personas):
    p = personas
    _many(p, 9, 2, Category.NOISE)
    _many(p, 10, 8, Category.PARKING)  # +300 %, but only 8 cases
    response = _get(client, p.street_officer)
    assert response.context["report"].findings == []
    assert "本月数据较少（受理不足 20 件）或变化不明显，未生成研判要点。" in (
        response.content.decode()
    )


def test_cases_not_yet_assessed_are_not_a_category_that_rose(client, personas):
    p = personas
    _many(p, 10, 3, Category.PARKING)
    for i in range(6):  # filed in October, never assessed
        file(p, at(10, 2 + i, 9), p.compound_a, title=f"未研判{i}", content=f"待研判的诉求{i}")
    report = _get(client, p.street_officer).context["report"]
    assert [row.key for row in report.risers] == [Category.PARKING]  # 未研判 rose by 6, not it
