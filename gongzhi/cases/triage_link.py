"""The AI grid worker (AI网格员) wired into cases: suggestions at filing and the assessor's
decision (G3: it suggests, a person decides); its hot topics and reply drafts, which read many
cases at once, are `triage_topics`.

The triage library (`gongzhi.triage`) knows nothing of the database; this module feeds it case
texts and turns its answers into cases vocabulary (category values, SLA class, routing). It is
imported lazily: jieba and scikit-learn load only when a suggestion is first needed.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from gongzhi.cases import event_notes, policies, sla
from gongzhi.cases.choices import (
    Category,
    Level,
    SlaClass,
    Urgency,
    source_labels,
)
from gongzhi.cases.models import Case, CaseEvent, EventKind
from gongzhi.cases.suggestions import (
    URGENCY_FOR_CASE,
    CaseSuggestion,
    Decision,
    SuggestedUrgency,
)
from gongzhi.cases.workflow import OPEN_STATUSES, Status
from gongzhi.core.notifications.texts import Text, label

logger = logging.getLogger(__name__)

DUPLICATE_WINDOW = dt.timedelta(days=30)
MAX_DUPLICATE_CANDIDATES = 500
# The file naming the model `triage_train` made last (in the triage model directory).
CURRENT_MODEL_FILE = "current-cases-model.txt"

# The model answers with the Chinese labels, whatever the language of the request.
CATEGORY_BY_LABEL: dict[str, str] = {
    label: value for value, label in source_labels(Category).items()
}

_loaded: dict[tuple[str, int], Any] = {}


# --- The model --------------------------------------------------------------------------------


def current_model_pointer() -> Path:
    from gongzhi.triage import model as modelmod

    return modelmod.model_dir() / CURRENT_MODEL_FILE


def current_model() -> Any:
    """The model `triage_train` saved last, else the shipped default (each loaded once)."""
    from gongzhi.triage import default
    from gongzhi.triage import model as modelmod

    pointer = current_model_pointer()
    if pointer.exists():
        path = modelmod.model_path(pointer.read_text(encoding="utf-8").strip())
        try:
            key = (str(path), path.stat().st_mtime_ns)
            if key not in _loaded:
                _loaded.clear()
                _loaded[key] = modelmod.load(path)
            return _loaded[key]
        except Exception:  # a missing or broken retrained model: fall back, never fail
            logger.exception("retrained triage model unusable, using the default")
    return default.get_model()


def suggest(text: str, title: str = "") -> Any:
    """The triage library's suggestion (tests replace this to simulate a failure)."""
    from gongzhi.triage import suggest as triage_suggest

    return triage_suggest(text, title, model=current_model())


def find_duplicates(text: str, candidates: list[tuple[int, str]], k: int = 3) -> list:
    from gongzhi.triage.duplicates import find_duplicates as triage_find_duplicates

    return triage_find_duplicates(text, candidates, k=k)


def shared_words(text: str, other: str) -> tuple[str, ...]:
    from gongzhi.triage.duplicates import shared_words as triage_shared_words

    return triage_shared_words(text, other)


# --- Suggestion at filing ---------------------------------------------------------------------


def case_text(case: Case) -> str:
    return f"{case.title}\n{case.content}"


def _duplicates(case: Case) -> dict[int, dict[str, Any]]:
    """Up to 3 open cases of the same compound from the last 30 days that read alike, most
    alike first: {case id: {"score": similarity, "words": the words both use}}."""
    since = (case.created_at or timezone.now()) - DUPLICATE_WINDOW
    rows = (
        Case.objects.filter(
            compound_id=case.compound_id, status__in=OPEN_STATUSES, created_at__gte=since
        )
        .exclude(pk=case.pk)
        .order_by("-created_at")
        .values_list("pk", "title", "content")[:MAX_DUPLICATE_CANDIDATES]
    )
    candidates = [(pk, f"{title}\n{content}") for pk, title, content in rows]
    text, texts = case_text(case), dict(candidates)
    return {
        int(pk): {"score": score, "words": list(shared_words(text, texts[pk]))}
        for pk, score in find_duplicates(text, candidates, k=3)
    }


def suggestion_for_case(case: Case) -> CaseSuggestion:
    """Compute (not save) the AI grid worker's suggestion for a filed case."""
    from gongzhi.cases.services.assignment import suggest_assignee

    advice = suggest(case.content, case.title)
    category = CATEGORY_BY_LABEL.get(advice.category or "", "")
    urgency = advice.urgency if advice.urgency in SuggestedUrgency.values else ""
    if urgency == SuggestedUrgency.EMERGENCY:
        sla_class = SlaClass.EMERGENCY
    elif category:
        # A petition (阳光信访) is 信访类 whatever its subject (S3): its own legal clock.
        sla_class = sla.default_class(channel=case.channel, category=category)
    else:
        sla_class = ""
    duplicates = _duplicates(case)
    suggestion = CaseSuggestion(
        case=case,
        category=category,
        confidence=Decimal(str(round(advice.confidence, 3))),
        model_version=advice.model_version[:60],
        top_terms=list(advice.top_terms),
        urgency=urgency,
        urgency_confidence=Decimal(str(round(advice.urgency_confidence, 3))),
        urgency_terms=list(advice.urgency_terms) if urgency else [],
        sla_class=sla_class,
        no_suggestion_reason=(advice.no_suggestion_reason or "")[:200],
        duplicate_ids=list(duplicates),
        duplicate_details={str(pk): detail for pk, detail in duplicates.items()},
    )
    if category:
        # Routing is the cases app's own rule table; an unsaved copy asks it for this category.
        probe = Case(compound=case.compound, category=category, sla_class=sla_class)
        assignee = suggest_assignee(probe)
        suggestion.level = assignee.level
        suggestion.company = assignee.company
        suggestion.department = assignee.department
        suggestion.routing_basis = assignee.basis
    return suggestion


def record_suggestion(case: Case) -> CaseSuggestion | None:
    """Compute and store the suggestion of a new case; a failure is logged and stores nothing.

    Inside the filing transaction it runs in a savepoint: a triage or database error rolls back
    only the suggestion, never the case (G3: advice must not block intake). On its own (an
    assessor's first look, the scheduler, the background thread) the case is read before any
    transaction opens: reading takes 0.1-0.5 s (seconds for the first in a process) and a write
    transaction held that long made every other action wait (on SQLite, for the whole
    database). The case row is locked only to store it. Nothing is stored (None) when another
    suggestion was stored meanwhile (two assessors at once, the scheduler) or the case moved on
    (assessed meanwhile: advice nobody will weigh, and no alarm for it).
    """
    if case.status == Status.MERGED:
        return None  # a repeat is already linked to its original by a person
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                suggestion = _store(case, suggestion_for_case(case))
        else:
            suggestion = suggestion_for_case(case)
            with transaction.atomic():
                unchanged = Case.objects.select_for_update().filter(pk=case.pk, status=case.status)
                if not unchanged.exists() or case.ai_suggestions.exists():
                    return None
                suggestion = _store(case, suggestion)
    except Exception:
        logger.exception("AI grid worker suggestion failed for case %s", case.pk)
        return None
    if suggestion.urgency == SuggestedUrgency.EMERGENCY and case.status == Status.RECEIVED:
        _raise_the_alarm(case, suggestion)
    return suggestion


def _store(case: Case, suggestion: CaseSuggestion) -> CaseSuggestion:
    suggestion.save()
    if suggestion.category and not case.suggestion:
        case.suggestion = {
            "category": suggestion.category,
            "confidence": float(suggestion.confidence),
            "model_version": suggestion.model_version,
            # For the 研判 form: an emergency sign must not fall back to 一般 there.
            "sla_class": suggestion.sla_class,
            "urgency": suggestion.case_urgency if suggestion.urgency else "",
        }
        Case.objects.filter(pk=case.pk).update(suggestion=case.suggestion)
        _assess_by_suggested_class(case)
    return suggestion


def _assess_by_suggested_class(case: Case) -> None:
    """The 研判 deadline set at filing follows the class the AI has now read (in the default
    deferred mode it reads the case after filing): a resident's 漏水 the AI reads as 物业类 is
    due for 研判 15 minutes after 受理, not 一般类's 2 hours. Counted from 受理 (or an imported
    order's import) as before, so a late reading may leave it overdue at once; a deadline
    already flagged as missed stays."""
    if case.status != Status.RECEIVED or case.assess_breached_at or not case.assess_due_at:
        return
    arrived = (  # when it was filed here: an imported order's clock starts at its import
        CaseEvent.objects.filter(case=case, kind=EventKind.FILED)
        .values_list("created_at", flat=True)
        .first()
    )
    window = sla.assess_window(case, arrived=arrived)
    if window is None or window.due_at == case.assess_due_at:
        return
    Case.objects.filter(
        pk=case.pk,
        status=Status.RECEIVED,
        assess_breached_at=None,
        assess_due_at=case.assess_due_at,
    ).update(assess_due_at=window.due_at, warn_at=window.warn_at, warned_at=None)
    case.assess_due_at, case.warn_at, case.warned_at = window.due_at, window.warn_at, None


def _raise_the_alarm(case: Case, suggestion: CaseSuggestion) -> None:
    """A suspected emergency waits for 研判, and its short clock starts only then: the staff
    over it hear at once, night or day (G3: the AI alerts, a person decides). Once per case."""
    from gongzhi.cases.services import notices

    signs = "、".join(emergency_signs_of(suggestion)[:3])
    if signs:
        body = notices.with_case(
            gettext_noop("%(case)s（AI网格员发现：%(signs)s）。请立即核实研判、交办处置。"),
            case,
            signs=signs,
        )
    else:  # the model's words (随时, 旁边) are no sign of danger to name
        body = notices.with_case(
            gettext_noop(
                "%(case)s（AI网格员的模型判断为特急，未命中险情规则）。请立即核实研判、交办处置。"
            ),
            case,
        )
    notices.send(
        notices.emergency_watch(case),
        case=case,
        kind="case.emergency_suggested",
        title=Text(gettext_noop("疑似紧急诉求，请立即研判")),
        body=body,
        key="emergency_suggested",
    )


def emergency_signs_of(suggestion: CaseSuggestion) -> list[str]:
    """The emergency signs of the rules (燃气味, 电梯困人) that made `suggestion` an emergency;
    none when the learned model alone read it so: the words that drove the model (随时, 旁边,
    有人) are stored in the same place but are no 险情迹象."""
    from gongzhi.triage.urgency import EMERGENCY_SIGNS

    terms = list(suggestion.urgency_terms or [])
    if suggestion.urgency != SuggestedUrgency.EMERGENCY or not terms:
        return []
    signs = {sign for sign, _pattern in EMERGENCY_SIGNS}
    return terms if all(term in signs for term in terms) else []


def emergency_signs_in(case: Case) -> tuple[str, ...]:
    """The emergency rules' signs (燃气味, 电梯困人) in the case's own words: a few regular
    expressions, no model, cheap enough for the page a requester gets right after filing."""
    from gongzhi.triage.urgency import emergency_signs

    return emergency_signs(case_text(case))


def latest_suggestion(case: Case) -> CaseSuggestion | None:
    return (
        CaseSuggestion.objects.filter(case=case)
        .select_related("company")
        .order_by("-created_at", "-id")
        .first()
    )


def suggested_emergencies(case_ids: Any) -> set[int]:
    """Which of these cases the AI grid worker read as an emergency (gas smell, people trapped
    in a lift …) while nobody has assessed them yet: for a queue to show them first (one query)."""
    return set(
        CaseSuggestion.objects.filter(
            case_id__in=case_ids,
            urgency=SuggestedUrgency.EMERGENCY,
            decision=Decision.PENDING,
        ).values_list("case_id", flat=True)
    )


# --- The assessor's decision ------------------------------------------------------------------


def record_decision(*, case: Case, actor: Any, category: str, sla_class: str, urgency: str) -> None:
    """After 研判: mark the pending suggestion accepted, or overridden with an internal note."""
    suggestion = latest_suggestion(case)
    if suggestion is None or suggestion.decision != Decision.PENDING or not suggestion.category:
        return
    changes: list[Text] = []
    pairs = (
        (gettext_noop("类别"), Category, suggestion.category, category),
        (gettext_noop("时限类别"), SlaClass, suggestion.sla_class, sla_class),
        (gettext_noop("紧急程度"), Urgency, URGENCY_FOR_CASE.get(suggestion.urgency, ""), urgency),
    )
    for name, choices, suggested, chosen in pairs:
        if suggested and suggested != chosen:
            # Labels as messages: stored in Chinese, read in each reader's language.
            was, became = (label(choices(value).label) for value in (suggested, chosen))
            change = gettext_noop("%(name)s %(was)s→%(became)s")
            changes.append(Text(change, name=Text(name), was=was, became=became))
    decided_by, now = _decided(suggestion, actor, Decision.OVERRIDDEN if changes else None)
    if changes:
        _note(case, suggestion, decided_by, now, EventKind.ASSESSED, _listed(changes))


def _listed(changes: list[Text]) -> Text:
    """The changes one after the other ("类别 A→B；紧急程度 C→D"), in each reader's language."""
    listed = changes[0]
    for change in changes[1:]:
        listed = Text(gettext_noop("%(changes)s；%(change)s"), changes=listed, change=change)
    return listed


def _decided(suggestion: CaseSuggestion, actor: Any, overridden: Any) -> tuple[Any, Any]:
    """Mark `suggestion` decided now by `actor`: overridden when `overridden`, else accepted."""
    now = timezone.now()
    suggestion.decision = overridden or Decision.ACCEPTED
    suggestion.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    suggestion.decided_at = now
    suggestion.save(update_fields=["decision", "decided_by", "decided_at"])
    return suggestion.decided_by, now


def _note(
    case: Case,
    suggestion: CaseSuggestion,
    actor: Any,
    now: Any,
    kind: str,
    text: Text,
    *,
    prefix: str = gettext_noop("人工调整AI建议："),
    **payload: Any,
) -> None:
    """The internal note of a decision on the AI's advice, under the step it was taken at: 研判
    (ASSESSED) or 交办 (DISPATCH_NOTE, which hands nothing over). Stored in Chinese and read
    in each reader's language (event_notes), labels included; names stay as written."""
    note, words = event_notes.written(
        Text(gettext_noop("%(prefix)s%(text)s"), prefix=Text(prefix), text=text)
    )
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        kind=kind,
        old_status=case.status,
        new_status=case.status,
        note=note,
        internal=True,
        payload={
            "ai_suggestion": suggestion.pk,
            "model_version": suggestion.model_version,
            **payload,
            **words,
        },
        created_at=now,
    )


def _party_label(level: str, company: Any, department: str) -> str:
    """A party as a stored fact names it, in Chinese (小区 · 某物业, 职能部门 · 区房管局)."""
    return event_notes.written(_party_text(level, company, department))[0]


def _party_text(level: str, company: Any, department: str) -> Text | str:
    """A party as a note names it (小区 · 某物业, 职能部门 · 区房管局): the level translated
    for each reader, the company and the department by their names."""
    party = label(Level(level).label) if level in Level.values else level
    for name in (company.name if company else "", event_notes.department(department)):
        if name:
            party = Text(gettext_noop("%(party)s · %(name)s"), party=party, name=name)
    return party


def suggested_party(case: Case, suggestion: CaseSuggestion) -> Any:
    """The party (services.assignment.Assignee) the routing rules in force now give the AI's
    reading of `case`: the one the 交办 form offers once 研判 kept its category (routed with the
    case's own SLA class), else the suggested category and class. The stored party may be
    older than a rule the street has added since."""
    from gongzhi.cases.services.assignment import suggest_assignee

    if case.category and case.category == suggestion.category:
        return suggest_assignee(case)
    probe = Case(
        compound=case.compound, category=suggestion.category, sla_class=suggestion.sla_class
    )
    return suggest_assignee(probe)


def closest_allowed_level(actor: Any, case: Case) -> str:
    """The level the 交办 form opens at when the suggested party is one `actor` may not send the
    case to (a department, the street): the community, else the first level left to them."""
    levels = [level for level in Level.values if policies.can_dispatch_to(actor, case, level)]
    if Level.COMMUNITY in levels or not levels:
        return Level.COMMUNITY
    return levels[0]


def _party_key(party: Any) -> tuple[str, int | None, str]:
    return (party.level, party.company.pk if party.company else None, party.department)


def _keep_weighed_party(suggestion: CaseSuggestion, party: Any) -> None:
    """Store the party as the 交办 weighed it (the rules in force then), so that the card shows,
    once the case has moved on, the party its decision and note compare against."""
    stored = (suggestion.level, suggestion.company_id, suggestion.department)
    if stored == _party_key(party) and suggestion.routing_basis == party.basis:
        return
    suggestion.level, suggestion.company = party.level, party.company
    suggestion.department, suggestion.routing_basis = party.department, party.basis
    suggestion.save(update_fields=["level", "company", "department", "routing_basis"])


def record_dispatch_decision(*, case: Case, actor: Any, assignee: Any) -> None:
    """After the first 交办: a party other than the one the AI suggested is an override,
    recorded as a 交办 note (DISPATCH_NOTE). Advice given for a category the assessor changed
    is moot.

    A suggested party the dispatcher may not send the case to (a department or the street, for
    a community worker) is no choice of theirs: the 交办 form opens at the closest level left
    to them (`closest_allowed_level`) and says the street must hand it on. Taking that level
    leaves the 研判's decision as it was (采纳, unless the 研判 changed the class or urgency)
    and writes a note saying so for whoever hands it on; only another party is an override."""
    suggestion = latest_suggestion(case)
    if suggestion is None or not suggestion.level or suggestion.category != case.category:
        return
    if case.events.filter(kind=EventKind.DISPATCHED).count() > 1:
        return  # a later 交办 (after a 退单) is not the AI's advice being weighed
    # What the 交办 form offered: the advice routed by the rules in force now, not as stored
    # (a rule the street added since is no choice of the dispatcher's).
    party = suggested_party(case, suggestion)
    stored = _party_label(suggestion.level, suggestion.company, suggestion.department)
    _keep_weighed_party(suggestion, party)
    if _party_key(party) == _party_key(assignee):
        return
    was = _party_text(party.level, party.company, party.department)
    became = _party_text(assignee.level, assignee.company, assignee.department)
    weighed = _party_label(party.level, party.company, party.department)
    payload = {"suggested_when_filed": stored} if stored != weighed else {}
    out_of_reach = not policies.can_dispatch_to(actor, case, party.level)
    if out_of_reach and assignee.level == closest_allowed_level(actor, case):
        decided_by = actor if getattr(actor, "is_authenticated", False) else None
        _note(
            case,
            suggestion,
            decided_by,
            timezone.now(),
            EventKind.DISPATCH_NOTE,
            Text(
                gettext_noop("承办 %(was)s（交办人不能派往该层级），已交办至%(became)s"),
                was=was,
                became=became,
            ),
            prefix=gettext_noop("AI建议"),
            **payload,
        )
        return
    decided_by, now = _decided(suggestion, actor, Decision.OVERRIDDEN)
    _note(
        case,
        suggestion,
        decided_by,
        now,
        EventKind.DISPATCH_NOTE,
        Text(gettext_noop("承办 %(was)s→%(became)s"), was=was, became=became),
        **payload,
    )
