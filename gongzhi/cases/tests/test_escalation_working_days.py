"""S4 on the class's own clock: a breached 一般类/复杂类 case escalates with the next level's
deadline counted in working days (the escalation day not counted, to 23:59:59 of the N-th
working day, on the holiday and 调休 calendar); the clock-hour classes keep their hours. The
street edits the figure in its unit on 设置 › 办理时限."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from gongzhi.cases import sweeps
from gongzhi.cases.choices import Level, SlaClass
from gongzhi.cases.models import Case, CaseEvent, SlaPolicy
from gongzhi.cases.seeding import CaseFactory
from gongzhi.core.models import AuditRecord
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def _breach(case: Case, now: dt.datetime) -> Case:
    assert sweeps.sweep_breaches(now) == 1
    case.refresh_from_db()
    assert (case.assigned_level, case.escalation_level) == (Level.COMMUNITY, 1)
    return case


def test_a_general_case_breached_on_a_friday_is_due_after_three_working_days(make) -> None:
    with time_machine.travel(at(2026, 11, 5, 10, 0), tick=False):  # Thursday
        case = make.accepted(sla_class=SlaClass.GENERAL)
    assert case.due_at == at(2026, 11, 12, 23, 59, 59)  # 6, 9, 10, 11, 12 Nov
    case = _breach(case, at(2026, 11, 13, 18, 0))  # Friday evening
    # Mon 16, Tue 17, Wed 18: the weekend does not count (72 clock hours ended Monday 18:00).
    assert case.due_at == at(2026, 11, 18, 23, 59, 59)
    assert case.clock_started_at == at(2026, 11, 13, 18, 0)
    escalated = CaseEvent.objects.get(case=case, kind="escalated")
    assert dt.datetime.fromisoformat(escalated.payload["due_at"]) == case.due_at
    assert sweeps.sweep_breaches(at(2026, 11, 16, 18, 1)) == 0  # the community is not late


def test_an_escalation_before_national_day_skips_the_holiday_and_counts_the_make_up_day(
    make,
) -> None:
    with time_machine.travel(at(2026, 9, 21, 10, 0), tick=False):  # Monday
        case = make.accepted(sla_class=SlaClass.GENERAL)
    assert case.due_at == at(2026, 9, 29, 23, 59, 59)  # 22, 23, 24, 28, 29 (25: 中秋)
    case = _breach(case, at(2026, 9, 30, 10, 0))
    # 1-7 Oct are holidays; 8 Oct, 9 Oct and Sat 10 Oct (调休 make-up workday).
    assert case.due_at == at(2026, 10, 10, 23, 59, 59)
    assert sweeps.sweep_breaches(at(2026, 10, 7, 12, 0)) == 0


def test_a_complex_case_gets_five_working_days_at_the_next_level(make) -> None:
    with time_machine.travel(at(2026, 11, 2, 10, 0), tick=False):
        case = make.accepted(sla_class=SlaClass.COMPLEX)
    assert case.due_at == at(2026, 11, 23, 23, 59, 59)
    case = _breach(case, case.due_at + dt.timedelta(minutes=1))  # Tue 24 Nov 00:00:59
    assert case.due_at == at(2026, 12, 1, 23, 59, 59)  # 25, 26, 27, 30 Nov, 1 Dec


def test_the_property_class_still_escalates_in_clock_hours_over_a_weekend(make) -> None:
    with time_machine.travel(at(2026, 11, 6, 8, 0), tick=False):  # Friday
        case = make.accepted(sla_class=SlaClass.PROPERTY)
    case = _breach(case, at(2026, 11, 7, 8, 1))  # Saturday
    assert case.due_at == at(2026, 11, 8, 8, 1)  # 24 hours later, a Sunday


def test_seeded_history_escalates_the_way_the_service_does(personas) -> None:
    naive = dt.datetime(2026, 11, 14, 2, 0)  # Sat 14 Nov 10:00 local, as naive UTC
    factory = CaseFactory(random.Random(1), naive, {})
    row = {
        "status": "accepted",
        "sla_class": SlaClass.GENERAL,
        "category": "repair",
        "due_at": dt.datetime(2026, 11, 12, 15, 59, 59),  # Thu 12 Nov 23:59:59 local
        "assigned_level": Level.COMPOUND,
        "breach_count": 0,
        "escalation_level": 0,
    }
    events: list = []
    factory._escalate_while_late(row, events)
    assert row["assigned_level"] == Level.COMMUNITY
    assert row["due_at"] == dt.datetime(2026, 11, 17, 15, 59, 59)  # Tue 17 Nov 23:59:59 local
    # With the payload the service writes: the monthly report counts 吹哨 by its "to".
    [escalated] = [event for event in events if event[0] == "escalated"]
    assert (escalated[5]["from"], escalated[5]["to"]) == (Level.COMPOUND, Level.COMMUNITY)


def test_seeded_cases_dispatched_the_same_day_share_the_end_of_that_day(personas) -> None:
    """The seeder remembers a working-day deadline per start day: every case dispatched that
    day is due at 23:59:59 of the same working day, as `sla.resolve_window` has it."""
    factory = CaseFactory(random.Random(1), dt.datetime(2026, 11, 30, 0, 0), {})
    general = SlaPolicy.objects.get(code=SlaClass.GENERAL)
    early, late = dt.datetime(2026, 11, 12, 1, 0), dt.datetime(2026, 11, 12, 7, 30)  # Thu
    due = dt.datetime(2026, 11, 19, 15, 59, 59)  # Thu 19 Nov 23:59:59 local, 5 working days
    assert factory._window(general, early)[0] == due
    assert factory._window(general, late)[0] == due


def test_a_working_day_policy_row_needs_its_escalation_working_days(db) -> None:
    assert dict(
        SlaPolicy.objects.filter(clock="working_days").values_list(
            "code", "escalation_working_days"
        )
    ) == {"general": 3, "complex": 5}
    assert SlaPolicy.objects.get(code="property").escalation_working_days is None
    general = SlaPolicy.objects.get(code="general")
    general.escalation_working_days = None
    with pytest.raises(ValidationError, match="按工作日计时须填写升级后上一级的处置时限"):
        general.full_clean()
    for bad in (None, 0):
        with pytest.raises(IntegrityError), transaction.atomic():
            SlaPolicy.objects.filter(code="general").update(escalation_working_days=bad)
    assert SlaPolicy.objects.get(code="general").escalation_working_days == 3


# --- 设置 › 办理时限 -------------------------------------------------------------------------

GENERAL_FORM = {
    "name": "一般类（5个工作日）",
    "respond_minutes": "120",
    "clock": "working_days",
    "resolve_hours": "",
    "resolve_working_days": "5",
    "escalation_hours": "",
    "escalation_working_days": "2",
    "warn_percent": "20",
    "max_extensions": "1",
    "extension_days": "5",
    "auto_close_days": "7",
    "source": "S3 默认值",
}


def _officer(personas) -> Client:
    client = Client()
    assert client.login(username=personas.street_officer.username, password=PASSWORD)
    return client


def test_the_settings_show_escalation_in_the_class_unit(personas) -> None:
    page = _officer(personas).get("/cases/settings/sla/").content.decode()
    general = page.split('data-testid="sla-general"')[1].split("</tr>")[0]
    assert "3 个工作日" in general and "72 小时" not in general
    complex_ = page.split('data-testid="sla-complex"')[1].split("</tr>")[0]
    assert "5 个工作日" in complex_
    prop = page.split('data-testid="sla-property"')[1].split("</tr>")[0]
    assert "24 小时" in prop and "工作日" not in prop
    form = _officer(personas).get("/cases/settings/sla/general/").content.decode()
    assert "超时升级后，上一级的处置时限（工作日）" in form
    assert 'name="escalation_working_days" value="3"' in form


def test_the_street_edits_the_working_day_escalation_and_escalations_follow_it(
    personas, make
) -> None:
    response = _officer(personas).post("/cases/settings/sla/general/", GENERAL_FORM)
    assert response.status_code == 302
    policy = SlaPolicy.objects.get(code="general")
    assert (policy.escalation_working_days, policy.escalation_hours) == (2, 72)
    record = AuditRecord.objects.get(action="cases.slapolicy_change")
    assert record.detail == {"escalation_working_days": ["3", "2"]}
    with time_machine.travel(at(2026, 11, 5, 10, 0), tick=False):
        case = make.accepted(sla_class=SlaClass.GENERAL)
    case = _breach(case, at(2026, 11, 13, 18, 0))
    assert case.due_at == at(2026, 11, 17, 23, 59, 59)  # Mon 16, Tue 17


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "应在 1 到 60 之间"),
        ("", "按工作日计时须填写超时升级后上一级的处置时限（工作日）"),
        ("三", "请填写整数"),
    ],
)
def test_a_bad_working_day_escalation_is_explained_and_changes_nothing(
    personas, value, message
) -> None:
    before = SlaPolicy.objects.filter(code="general").values().get()
    response = _officer(personas).post(
        "/cases/settings/sla/general/",
        {**GENERAL_FORM, "escalation_working_days": value, "resolve_working_days": "6"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SlaPolicy.objects.filter(code="general").values().get() == before
    assert not AuditRecord.objects.filter(action="cases.slapolicy_change").exists()


def test_switching_a_class_to_clock_hours_needs_its_escalation_hours(personas) -> None:
    form = {**GENERAL_FORM, "clock": "hours", "resolve_hours": "48"}
    response = _officer(personas).post("/cases/settings/sla/general/", form)
    assert response.status_code == 400
    assert "按自然小时计时须填写超时升级后上一级的处置时限（小时）" in response.content.decode()
    form["escalation_hours"] = "36"
    assert _officer(personas).post("/cases/settings/sla/general/", form).status_code == 302
    policy = SlaPolicy.objects.get(code="general")
    assert (policy.clock, policy.escalation_hours, policy.escalation_working_days) == (
        "hours",
        36,
        None,
    )


# --- the data migration on a street's existing rows -----------------------------------------

BEFORE = ("cases", "0020_queue_indexes_hold_assess_due")
AFTER = ("cases", "0021_sla_escalation_working_days")


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_a_streets_edits_and_fills_the_working_days() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([BEFORE])
        old = executor.loader.project_state([BEFORE]).apps.get_model("cases", "SlaPolicy")
        old.objects.filter(code="complex").update(escalation_hours=50, name="复杂类（街道修改）")
        old.objects.filter(code="property").update(
            clock="working_days", resolve_working_days=2, resolve_hours=None, escalation_hours=30
        )
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        rows = {
            code: (name, hours, days)
            for code, name, hours, days in SlaPolicy.objects.values_list(
                "code", "name", "escalation_hours", "escalation_working_days"
            )
        }
        assert rows["general"][1:] == (72, 3)  # untouched: the default
        assert rows["complex"] == ("复杂类（街道修改）", 50, 3)  # edited: ceil(50 / 24)
        assert rows["property"][1:] == (30, 2)  # switched to working days by the street
        assert rows["utilities"][1:] == (24, None)  # a clock-hour class keeps its hours only
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
