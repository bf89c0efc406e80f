"""More of the system's timeline notes read in the reader's language (event_notes): a department
the street has not named yet, the AI decision notes (labels and all), the demo's breaches and
escalations; and a 驳回终止申请 told from a 督办 by its mark, not by its words. The Chinese
notes stay as they were, byte for byte."""

import datetime as dt
import html
import importlib
import io
import re

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext_lazy

from gongzhi.cases import event_notes, services, sweeps
from gongzhi.cases.choices import UNNAMED_DEPARTMENT, Category, Level, SlaClass, Urgency
from gongzhi.cases.choices import source_label as chinese
from gongzhi.cases.event_notes import NOTE_KEY, TERMINATION_REFUSED_KEY
from gongzhi.cases.models import Case, CaseEvent, CaseSuggestion, EventKind
from gongzhi.cases.services.escalation import case_flag_respond_breach
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.cases.suggestions import URGENCY_FOR_CASE
from gongzhi.cases.tests.test_ai_advice_audit import GAS_CITY, _gas_case_routed_to_a_department
from gongzhi.cases.tests.test_triage_link import _file
from gongzhi.cases.tracking import tracking_token
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

REFUSED = "经核实诉求人仍在住，请继续办理"


def _client(user, language: str = "zh-hans") -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client


def _timeline(page: str) -> str:
    return html.unescape(re.search(r'data-testid="timeline">(.*?)</ol>', page, re.S)[1])


def _english(event: CaseEvent) -> str:
    with translation.override("en"):
        return event_notes.shown(event)


def _en(label) -> str:
    with translation.override("en"):
        return str(label)


UNNAMED_ENGLISH = _en(gettext_lazy(UNNAMED_DEPARTMENT))


# --- 1. A department nobody has named yet ------------------------------------------------------


def _escalated_to_an_unnamed_department(make) -> Case:
    case = make.accepted()
    for _ in range(3):  # 小区 → 社区 → 街道 → 职能部门, no routing rule names one
        case.refresh_from_db()
        assert sweeps.sweep_breaches(case.due_at + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()
    assert case.assigned_department == UNNAMED_DEPARTMENT  # the data keeps the Chinese
    return case


def test_an_unnamed_department_reads_in_english_for_english_staff(make, personas) -> None:
    case = _escalated_to_an_unnamed_department(make)
    event = case.events.filter(kind=EventKind.ESCALATED).latest("pk")
    assert event.note == "升级至职能部门办理（待街道指定的职能部门）"  # as before
    department = _en(Level.DEPARTMENT.label)
    assert _english(event) == f"Escalated to {department} ({UNNAMED_ENGLISH})"
    staff = _timeline(
        _client(personas.street_officer, "en").get(f"/cases/{case.pk}/").content.decode()
    )
    assert f"Escalated to {department} ({UNNAMED_ENGLISH})" in staff
    assert UNNAMED_DEPARTMENT not in staff
    chinese_staff = _client(personas.street_officer).get(f"/cases/{case.pk}/").content.decode()
    assert "升级至职能部门办理（待街道指定的职能部门）" in _timeline(chinese_staff)


def test_the_requester_reads_no_unnamed_department_in_either_language(make, personas) -> None:
    case = _escalated_to_an_unnamed_department(make)
    english = _client(personas.resident_a, "en").get(f"/cases/{case.pk}/").content.decode()
    timeline = _timeline(english)
    assert f"Escalated to {_en(Level.DEPARTMENT.label)}" in timeline
    assert UNNAMED_ENGLISH not in english and UNNAMED_DEPARTMENT not in english
    chinese_page = _client(personas.resident_a).get(f"/cases/{case.pk}/").content.decode()
    assert "升级至职能部门办理" in _timeline(chinese_page)
    assert UNNAMED_DEPARTMENT not in chinese_page
    link = Client().get(f"/track/{case.number}/{tracking_token(case)}/").content.decode()
    assert UNNAMED_DEPARTMENT not in link


def test_a_missed_sign_for_at_an_unnamed_department_reads_in_english(make, personas) -> None:
    case = make.dispatched()
    Case.objects.filter(pk=case.pk).update(
        assigned_company=None,
        assigned_level=Level.DEPARTMENT,
        assigned_department=UNNAMED_DEPARTMENT,
    )
    case.refresh_from_db()
    assert case_flag_respond_breach(case=case, now=case.respond_due_at + dt.timedelta(minutes=1))
    event = case.events.get(kind=EventKind.RESPOND_BREACHED)
    assert event.note.endswith("：职能部门（待街道指定的职能部门）")  # as before
    assert _english(event).endswith(f": {_en(Level.DEPARTMENT.label)} ({UNNAMED_ENGLISH})")


# --- 2. The AI decision notes ----------------------------------------------------------------


def _old_assessment_note(suggestion, category, sla_class, urgency) -> str:
    """The note as the code before this change composed it (an f-string of Chinese labels)."""
    changes = []
    pairs = (
        ("类别", Category, suggestion.category, category),
        ("时限类别", SlaClass, suggestion.sla_class, sla_class),
        ("紧急程度", Urgency, URGENCY_FOR_CASE.get(suggestion.urgency, ""), urgency),
    )
    for name, choices, suggested, chosen in pairs:
        if suggested and suggested != chosen:
            was, became = (chinese(choices(value).label) for value in (suggested, chosen))
            changes.append(f"{name} {was}→{became}")
    return "人工调整AI建议：" + "；".join(changes)


def test_an_assessment_override_reads_in_english_labels_and_all(make, personas) -> None:
    lift = _file(personas)
    suggestion = CaseSuggestion.objects.get(case=lift)
    before = _old_assessment_note(suggestion, Category.REPAIR, SlaClass.PROPERTY, Urgency.URGENT)
    services.case_assess(
        case=lift,
        actor=personas.community_worker,
        category=Category.REPAIR,
        sla_class=SlaClass.PROPERTY,
        urgency=Urgency.URGENT,
    )
    event = CaseEvent.objects.get(case=lift, note__startswith="人工调整AI建议")
    assert event.note == before  # byte for byte
    assert before.count("→") == 3  # category, class and urgency all changed
    english = _english(event)
    assert english == (
        "Changed the AI's advice: "
        f"Category {_en(Category.ELEVATOR.label)} → {_en(Category.REPAIR.label)}; "
        f"Time-limit class {_en(SlaClass.EMERGENCY.label)} → {_en(SlaClass.PROPERTY.label)}; "
        f"Urgency {_en(Urgency.CRITICAL.label)} → {_en(Urgency.URGENT.label)}"
    )
    assert not re.search(r"[\u4e00-\u9fff]", english)  # no Chinese left
    page = _client(personas.community_worker, "en").get(f"/cases/{lift.pk}/").content.decode()
    assert english in _timeline(page)


def test_a_dispatch_override_reads_in_english_names_as_written(personas) -> None:
    p = personas
    case = _gas_case_routed_to_a_department(p)
    services.case_dispatch(
        case=case, actor=p.community_worker, level=Level.COMPOUND, company=p.company_x
    )
    event = CaseEvent.objects.get(case=case, note__startswith="人工调整AI建议：承办")
    assert event.note == f"人工调整AI建议：承办 职能部门 · {GAS_CITY}→小区 · {p.company_x.name}"
    assert _english(event) == (
        f"Changed the AI's advice: handled by {_en(Level.DEPARTMENT.label)} · {GAS_CITY} → "
        f"{_en(Level.COMPOUND.label)} · {p.company_x.name}"
    )


def test_an_unreachable_suggested_party_note_reads_in_english(personas) -> None:
    p = personas
    case = _gas_case_routed_to_a_department(p)
    services.case_dispatch(case=case, actor=p.community_worker, level=Level.COMMUNITY)
    event = CaseEvent.objects.get(case=case, kind=EventKind.DISPATCH_NOTE)
    assert event.note == f"AI建议承办 职能部门 · {GAS_CITY}（交办人不能派往该层级），已交办至社区"
    assert _english(event) == (
        f"AI advice: handled by {_en(Level.DEPARTMENT.label)} · {GAS_CITY} (the dispatcher may "
        f"not send cases to that level); dispatched to {_en(Level.COMMUNITY.label)} instead"
    )


# --- 3. A 驳回终止申请 is told by its mark ------------------------------------------------------


def _requester_sees(personas, case: Case) -> str:
    return _timeline(_client(personas.resident_a).get(f"/cases/{case.pk}/").content.decode())


def test_a_refused_termination_is_marked_and_hidden_from_the_requester(make, personas) -> None:
    case = make.in_progress()
    services.case_request_termination(case=case, actor=personas.property_a, reason="诉求人已搬离")
    services.case_reject_termination(case=case, actor=personas.community_worker, reason=REFUSED)
    event = case.events.get(kind=EventKind.SUPERVISED)
    assert event.payload[TERMINATION_REFUSED_KEY] is True
    assert event.note == f"驳回终止申请：{REFUSED}"
    assert REFUSED not in _requester_sees(personas, case)


def test_a_supervision_that_begins_with_those_words_stays_visible(make, personas) -> None:
    case = make.in_progress()
    words = "驳回终止申请：物业的说法不成立，请三日内修好"
    services.case_supervise(case=case, actor=personas.community_worker, reason=words)
    event = case.events.get(kind=EventKind.SUPERVISED)
    assert event.note.startswith("驳回终止申请：")
    assert TERMINATION_REFUSED_KEY not in event.payload
    assert "物业的说法不成立" in _requester_sees(personas, case)


def test_a_refusal_written_before_the_mark_is_marked_by_migration_0030(make, personas) -> None:
    case = make.in_progress()
    services.case_request_termination(case=case, actor=personas.property_a, reason="诉求人已搬离")
    services.case_reject_termination(case=case, actor=personas.community_worker, reason=REFUSED)
    event = case.events.get(kind=EventKind.SUPERVISED)
    # As the row was written before the mark: its note and message alone.
    CaseEvent.objects.filter(pk=event.pk).update(payload={NOTE_KEY: event.payload[NOTE_KEY]})
    assert REFUSED in _requester_sees(personas, case)
    importlib.import_module("gongzhi.cases.migrations.0030_mark_refused_terminations").mark(
        django_apps, None
    )
    assert REFUSED not in _requester_sees(personas, case)
    event.refresh_from_db()
    assert event.payload[NOTE_KEY] and event.payload[TERMINATION_REFUSED_KEY] is True


# --- 4. The demo's breaches and escalations ---------------------------------------------------


def test_seeded_breaches_and_escalations_read_in_english(personas) -> None:
    ensure_default_policies()
    call_command("seed_scale", "--cases", "300", "--seed", "7", stdout=io.StringIO())
    events = CaseEvent.objects.filter(kind__in=[EventKind.SLA_BREACHED, EventKind.ESCALATED])
    kinds = {event.kind for event in events}
    assert kinds == {EventKind.SLA_BREACHED, EventKind.ESCALATED}
    for event in events:
        assert NOTE_KEY in event.payload
        english = _english(event)
        assert english.startswith(("Past the handling deadline", "Escalated to"))
        assert UNNAMED_DEPARTMENT not in english  # a department's own name stays as written
    breach = events.filter(kind=EventKind.SLA_BREACHED).first()
    level = breach.payload["level"]
    assert breach.note == f"超过办理期限（{chinese(Level(level).label)}层级）"  # as before
