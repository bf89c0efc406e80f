"""The SLA classes and the working-day calendar change in one place, 设置, whose service checks
every figure and records the change: the Django admin shows them read-only with a link there,
and the 设置 form gives one message per figure, its range."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from gongzhi.cases.choices import Category, Level
from gongzhi.cases.models import RoutingRule, SlaPolicy
from gongzhi.cases.tests.test_configuration import SLA_FORM, _client
from gongzhi.core.models import AuditRecord, CalendarOverride

pytestmark = pytest.mark.django_db

# What the admin's own form accepted: 交办 of a 物业类 case then raised OverflowError.
BAD_SLA = {
    "code": "property",
    "name": "物业类",
    "respond_minutes": "0",
    "clock": "hours",
    "resolve_hours": "2000000000",
    "resolve_working_days": "",
    "escalation_hours": "0",
    "escalation_working_days": "",
    "warn_percent": "20",
    "max_extensions": "30000",
    "extension_days": "0",
    "auto_close_days": "0",
    "source": "",
}


def _admin() -> Client:
    user = get_user_model().objects.create_superuser(username="root-cfg", password="pw-12345678")
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_cannot_save_an_sla_policy_and_points_to_the_settings(make) -> None:
    client = _admin()
    policy = SlaPolicy.objects.get(code="property")
    url = f"/admin/cases/slapolicy/{policy.pk}/change/"
    page = client.get(url).content.decode()
    assert "在 设置 › 办理时限 中修改" in page and "/cases/settings/sla/property/" in page
    client.post(url, BAD_SLA)
    policy.refresh_from_db()
    assert (policy.respond_minutes, policy.resolve_hours, policy.max_extensions) == (15, 24, 1)
    case = make.dispatched()  # 交办 still works
    assert case.due_at - case.dispatched_at == dt.timedelta(hours=24)
    assert client.post("/admin/cases/slapolicy/add/", BAD_SLA).status_code == 403


def test_the_admin_cannot_save_a_routing_rule_the_settings_would_refuse(personas) -> None:
    """A company that does not serve the compound: 设置 refuses it; the admin saved it."""
    client = _admin()
    bad = {
        "compound": personas.compound_a.pk,
        "category": Category.REPAIR,
        "level": Level.COMPOUND,
        "company": personas.company_y.pk,
        "department": "",
    }
    assert client.post("/admin/cases/routingrule/add/", bad).status_code == 403
    assert not RoutingRule.objects.exists()
    rule = RoutingRule.objects.create(
        compound=personas.compound_a, category=Category.REPAIR, level=Level.COMMUNITY
    )
    url = f"/admin/cases/routingrule/{rule.pk}/change/"
    assert "在 设置 › 派单规则 中修改" in client.get(url).content.decode()
    client.post(url, bad)
    rule.refresh_from_db()
    assert (rule.level, rule.company_id) == (Level.COMMUNITY, None)


def test_the_admin_cannot_add_a_calendar_day_without_its_basis_or_audit() -> None:
    client = _admin()
    day = {"date": "2027-01-01", "is_workday": "", "note": ""}
    client.post("/admin/core/calendaroverride/add/", day)
    assert not CalendarOverride.objects.exists()
    override = CalendarOverride.objects.create(
        date=dt.date(2027, 1, 1), is_workday=False, note="元旦"
    )
    url = f"/admin/core/calendaroverride/{override.pk}/change/"
    assert "在 设置 › 工作日历 中修改" in client.get(url).content.decode()
    client.post(url, {"date": "2027-01-01", "is_workday": "on", "note": ""})
    override.refresh_from_db()
    assert (override.is_workday, override.note) == (False, "元旦")
    assert not AuditRecord.objects.filter(action__startswith="core.calendaroverride").exists()


@pytest.mark.parametrize("value", ["-5", "0", "20000"])
def test_a_figure_out_of_range_gets_the_range_message_only(personas, value) -> None:
    response = _client(personas.street_officer).post(
        "/cases/settings/sla/property/", {**SLA_FORM, "respond_minutes": value}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "应在 1 到 10080 之间" in page
    assert "确保该值大于或等于" not in page
    assert SlaPolicy.objects.get(code="property").respond_minutes == 15
