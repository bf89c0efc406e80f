"""街道设置: the street edits SLA classes, routing rules and the working-day calendar in the
application (not only in the back office); each change is audited, bad input changes nothing,
and the change governs what happens next."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from gongzhi.cases import services
from gongzhi.cases.choices import Category, Level
from gongzhi.cases.models import RoutingRule, SlaPolicy
from gongzhi.core.calendar import WorkingCalendar, local_zone
from gongzhi.core.models import AuditRecord, CalendarOverride
from gongzhi.org.testing import PASSWORD
from tests.security.far import build_far_world

pytestmark = pytest.mark.django_db

SLA_FORM = {
    "name": "物业类",
    "respond_minutes": "15",
    "clock": "hours",
    "resolve_hours": "12",
    "resolve_working_days": "",
    "escalation_hours": "24",
    "warn_percent": "20",
    "max_extensions": "1",
    "extension_days": "5",
    "auto_close_days": "7",
    "source": "街道办事处2026年第3次主任办公会",
}


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_only_street_officers_see_and_open_the_settings(personas) -> None:
    officer_page = _client(personas.street_officer).get("/cases/settings/sla/")
    assert officer_page.status_code == 200
    assert "nav-settings" in officer_page.content.decode()
    assert "物业类" in officer_page.content.decode()
    for user in (personas.community_worker, personas.property_a, personas.resident_a):
        client = _client(user)
        for page in ("sla", "routing", "calendar"):
            url = f"/cases/settings/{page}/"
            assert client.get(url).status_code == 403
        assert "nav-settings" not in client.get("/cases/").content.decode()


def test_a_changed_sla_applies_to_cases_dispatched_after_it(personas, make) -> None:
    before = make.dispatched()
    assert before.due_at - before.dispatched_at == dt.timedelta(hours=24)

    response = _client(personas.street_officer).post("/cases/settings/sla/property/", SLA_FORM)
    assert response.status_code == 302

    after = make.dispatched()
    before.refresh_from_db()
    assert after.due_at - after.dispatched_at == dt.timedelta(hours=12)
    assert before.due_at - before.dispatched_at == dt.timedelta(hours=24)  # running clocks stay
    record = AuditRecord.objects.get(action="cases.slapolicy_change")
    assert record.actor == personas.street_officer
    assert record.detail["resolve_hours"] == ["24", "12"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"resolve_hours": ""}, "resolve_hours", "按自然小时计时须填写处置时限（小时）"),
        ({"warn_percent": "95"}, "warn_percent", "应在 0 到 90 之间"),
        ({"respond_minutes": "十五"}, "respond_minutes", "请填写整数"),
        ({"name": ""}, "name", "请填写此项"),
    ],
)
def test_bad_sla_input_is_explained_and_changes_nothing(personas, change, field, message) -> None:
    stored = SlaPolicy.objects.get(code="property")
    response = _client(personas.street_officer).post(
        "/cases/settings/sla/property/", {**SLA_FORM, **change}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SlaPolicy.objects.get(code="property").resolve_hours == stored.resolve_hours
    assert not AuditRecord.objects.filter(action="cases.slapolicy_change").exists()


def test_switching_to_working_days_keeps_only_the_working_day_figure(personas) -> None:
    form = {
        **SLA_FORM,
        "clock": "working_days",
        "resolve_working_days": "3",
        "escalation_working_days": "1",
    }
    _client(personas.street_officer).post("/cases/settings/sla/property/", form)
    policy = SlaPolicy.objects.get(code="property")
    assert (policy.clock, policy.resolve_working_days, policy.resolve_hours) == (
        "working_days",
        3,
        None,
    )
    assert policy.escalation_working_days == 1


def _rule_form(personas, **change) -> dict:
    return {
        "compound": str(personas.compound_a.pk),
        "category": Category.REPAIR,
        "level": Level.COMMUNITY,
        "company": "",
        "department": "",
        **change,
    }


def test_a_compound_rule_routes_its_cases_and_wins_over_the_default(personas, make) -> None:
    client = _client(personas.street_officer)
    default = _rule_form(personas, compound="", level=Level.STREET)
    assert client.post("/cases/settings/routing/new/", default).status_code == 302
    assert client.post("/cases/settings/routing/new/", _rule_form(personas)).status_code == 302

    case_a = make.assessed()  # compound A, category 维修
    case_b = make.assessed(compound=personas.compound_b)
    assert services.suggest_assignee(case_a).level == Level.COMMUNITY
    assert services.suggest_assignee(case_b).level == Level.STREET
    page = client.get("/cases/settings/routing/").content.decode()
    assert page.count('data-testid="routing-rule"') == 2
    assert AuditRecord.objects.filter(action="cases.routingrule_add").count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"level": Level.DEPARTMENT}, "派往职能部门须填写部门名称"),
        ({"department": "区城管执法局"}, "只有派往职能部门时才填写部门名称"),
        ({"level": Level.COMPOUND, "company": "Y"}, "该物业企业目前不服务这个小区"),
        ({"level": Level.COMPOUND, "compound": "", "company": "X"}, "街道默认规则不能指定物业企业"),
    ],
)
def test_bad_rules_are_explained_and_change_nothing(personas, change, message) -> None:
    companies = {"X": str(personas.company_x.pk), "Y": str(personas.company_y.pk)}
    if "company" in change:
        change = {**change, "company": companies[change["company"]]}
    response = _client(personas.street_officer).post(
        "/cases/settings/routing/new/", _rule_form(personas, **change)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_a_second_rule_for_the_same_compound_and_category_is_refused(personas) -> None:
    client = _client(personas.street_officer)
    client.post("/cases/settings/routing/new/", _rule_form(personas))
    response = client.post("/cases/settings/routing/new/", _rule_form(personas, level=Level.STREET))
    assert response.status_code == 400
    assert "该小区此类别已有派单规则" in response.content.decode()
    assert list(RoutingRule.objects.values_list("level", flat=True)) == [Level.COMMUNITY]


def test_a_rule_is_changed_and_deleted(personas) -> None:
    client = _client(personas.street_officer)
    client.post("/cases/settings/routing/new/", _rule_form(personas))
    rule = RoutingRule.objects.get()
    changed = _rule_form(personas, level=Level.COMPOUND, company=str(personas.company_x.pk))
    assert client.post(f"/cases/settings/routing/{rule.pk}/", changed).status_code == 302
    rule.refresh_from_db()
    assert (rule.level, rule.company) == (Level.COMPOUND, personas.company_x)

    assert client.post(f"/cases/settings/routing/{rule.pk}/delete").status_code == 302
    assert not RoutingRule.objects.exists()
    assert AuditRecord.objects.filter(action="cases.routingrule_delete").exists()
    assert (
        _client(personas.community_worker)
        .post("/cases/settings/routing/new/", _rule_form(personas))
        .status_code
        == 403
    )


# 2027's 13 statutory holiday days (元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3).
HOLIDAYS_2027 = [
    dt.date(2027, 1, 1),
    *(dt.date(2027, 2, day) for day in (6, 7, 8, 9)),
    dt.date(2027, 4, 5),
    dt.date(2027, 5, 1),
    dt.date(2027, 5, 2),
    dt.date(2027, 6, 9),
    dt.date(2027, 9, 15),
    *(dt.date(2027, 10, day) for day in (1, 2, 3)),
]


def _enter_2027_holidays(skip: int = 0) -> None:
    for day in HOLIDAYS_2027[skip:]:
        CalendarOverride.objects.get_or_create(
            date=day, defaults={"is_workday": False, "note": "2027"}
        )


@time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=local_zone()), tick=False)
def test_next_years_missing_holidays_are_flagged_until_entered(personas) -> None:
    client = _client(personas.street_officer)
    page = client.get("/cases/settings/sla/").content.decode()
    assert "2027 年的法定节假日和调休安排尚未录入" in page

    response = client.post(
        "/cases/settings/calendar/",
        {"date": "2027-01-01", "is_workday": "0", "note": "2027年元旦"},
    )
    assert response.status_code == 302
    start = dt.datetime(2026, 12, 31, 10, 0, tzinfo=local_zone())  # Thursday
    assert WorkingCalendar().add_working_days(start, 1).date() == dt.date(2027, 1, 4)
    assert AuditRecord.objects.filter(action="core.calendaroverride_add").exists()
    # One day is not the year: the warning stays until the 13 statutory days are in.
    assert "尚未录入" in client.get("/cases/settings/calendar/").content.decode()
    _enter_2027_holidays(skip=2)
    assert "尚未录入" in client.get("/cases/settings/calendar/").content.decode()  # 12 of 13
    _enter_2027_holidays()
    assert "尚未录入" not in client.get("/cases/settings/calendar/").content.decode()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"date": "2027-01-01", "is_workday": "0", "note": ""}, "请写明依据"),
        ({"date": "元旦", "is_workday": "0", "note": "元旦"}, "日期格式应为 2027-01-01"),
        ({"date": "2027-01-01", "note": "元旦"}, "请选择上班或休息"),
    ],
)
def test_bad_calendar_input_is_explained_and_changes_nothing(personas, form, message) -> None:
    response = _client(personas.street_officer).post("/cases/settings/calendar/", form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CalendarOverride.objects.exists()


def test_an_override_is_deleted(personas) -> None:
    client = _client(personas.street_officer)
    client.post(
        "/cases/settings/calendar/", {"date": "2027-02-20", "is_workday": "1", "note": "调休上班"}
    )
    override = CalendarOverride.objects.get()
    assert override.is_workday is True
    assert client.post("/cases/settings/calendar/2027-02-20/delete").status_code == 302
    assert not CalendarOverride.objects.exists()


def test_the_deadline_command_warns_of_a_year_without_holidays(db) -> None:
    def run() -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "deadline", "--start", "2026-12-28T10:00", "--working-days", "5", stdout=out, stderr=err
        )
        return out.getvalue(), err.getvalue()

    out, err = run()
    assert out.startswith("2027-01-04T23:59:59")
    assert "2027 年的法定节假日和调休安排尚未录入，" in err
    CalendarOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    out, err = run()
    assert out.startswith("2027-01-05T23:59:59")
    assert (
        "2027 年的法定节假日和调休安排尚未录入完整（已录入放假 1 天，法定节假日每年 13 天）" in err
    )
    _enter_2027_holidays()
    out, err = run()
    assert out.startswith("2027-01-05T23:59:59")
    assert err == ""


def test_with_two_streets_an_officer_changes_only_their_own(personas) -> None:
    """The SLA classes, street-wide defaults and calendar are shared by every street of the
    deployment: an officer of one street may read them but not change them for the other."""
    far = build_far_world()
    client = _client(personas.street_officer)
    listing = client.get("/cases/settings/sla/")
    assert listing.status_code == 200
    assert "edit-sla-property" not in listing.content.decode()
    assert client.post("/cases/settings/sla/property/", SLA_FORM).status_code == 403
    calendar = {"date": "2027-01-01", "is_workday": "0", "note": "元旦"}
    assert client.post("/cases/settings/calendar/", calendar).status_code == 403
    default = _rule_form(personas, compound="")
    response = client.post("/cases/settings/routing/new/", default)
    assert "请选择小区" in response.content.decode()
    far_compound = _rule_form(personas, compound=str(far.compound_a.pk))
    response = client.post("/cases/settings/routing/new/", far_compound)
    assert "请选择您管辖范围内的小区" in response.content.decode()
    assert not RoutingRule.objects.exists() and not CalendarOverride.objects.exists()

    assert client.post("/cases/settings/routing/new/", _rule_form(personas)).status_code == 302
    assert SlaPolicy.objects.get(code="property").resolve_hours == 24


def test_the_demo_routing_rules_load_once_and_route_by_department(personas, make) -> None:
    out = io.StringIO()
    call_command("seed_routing", officer=personas.street_officer.username, stdout=out)
    call_command("seed_routing", officer=personas.street_officer.username, stdout=out)
    assert "新增 7 条" in out.getvalue() and "新增 0 条" in out.getvalue()
    assert RoutingRule.objects.count() == 7
    case = make.received()
    case = services.case_assess(
        case=case,
        actor=personas.community_worker,
        category=Category.ILLEGAL_BUILDING,
        sla_class="general",
        urgency="normal",
    )
    suggested = services.suggest_assignee(case)
    assert (suggested.level, suggested.department) == (Level.DEPARTMENT, "武昌区城管执法局")


@time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=local_zone()), tick=False)
def test_street_officers_see_the_missing_holidays_from_every_page(personas) -> None:
    queue = _client(personas.street_officer).get("/cases/").content.decode()
    assert "nav-settings-warning" in queue
    assert (
        "nav-settings-warning"
        not in _client(personas.community_worker).get("/cases/").content.decode()
    )
    CalendarOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    queue = _client(personas.street_officer).get("/cases/").content.decode()
    assert "nav-settings-warning" in queue  # one day entered is not the year's holidays
    _enter_2027_holidays()
    queue = _client(personas.street_officer).get("/cases/").content.decode()
    assert "nav-settings-warning" not in queue
