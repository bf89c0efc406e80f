"""The one way a case changes: compare-and-swap on (status, version), then an event and audit row.

Services call `move()`; nothing else writes `Case.status`.
"""

from typing import Any

from django.db.models import F
from django.utils import timezone

from gongzhi.cases.event_notes import NOTE_KEY
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.workflow import CaseChanged, check_move
from gongzhi.core import audit


def check_version(case: Case, expected_version: int | None) -> None:
    """A form rendered from an older version of the case is stale."""
    if expected_version is not None and int(expected_version) != case.version:
        raise CaseChanged


def move(
    case: Case,
    *,
    action: str,
    actor: Any,
    kind: str,
    to: str | None = None,
    note: str = "",
    internal: bool = False,
    payload: dict[str, Any] | None = None,
    updates: dict[str, Any] | None = None,
    bump_version: bool = True,
    now: Any = None,
) -> CaseEvent:
    """Apply `action` (moving to `to`, or staying put when None) with the extra field `updates`.

    Raises InvalidTransition if the table forbids it and CaseChanged if another writer changed
    the case since it was read (zero rows matched the compare-and-swap).
    """
    old = case.status
    check_move(old, action, to)
    now = now or timezone.now()
    new = to or old
    fields: dict[str, Any] = {"status": new, "updated_at": now, **(updates or {})}
    matched = {"pk": case.pk, "status": old}
    if bump_version:
        fields["version"] = F("version") + 1
        matched["version"] = case.version
    if not Case.objects.filter(**matched).update(**fields):
        raise CaseChanged
    for name, value in fields.items():
        if name != "version":
            setattr(case, name, value)
    if bump_version:
        case.version += 1
    event = CaseEvent.objects.create(
        case=case,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        old_status=old,
        new_status=new,
        note=note,
        internal=internal,
        payload=payload or {},
        created_at=now,
    )
    audit.record(
        action=f"case.{action}",
        actor=actor,
        obj=case,
        # Not the note's message (event_notes): its words are the event's, not the audit's.
        detail={"number": case.number, "from": old, "to": new, **_facts(payload)},
    )
    return event


def _facts(payload: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (payload or {}).items() if k != NOTE_KEY}


def add_event(
    case: Case, *, kind: str, actor: Any = None, note: str = "", payload: dict | None = None
) -> CaseEvent:
    """An event that changes nothing on the case (attachment, repeat report)."""
    return CaseEvent.objects.create(
        case=case,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        old_status=case.status,
        new_status=case.status,
        note=note,
        payload=payload or {},
    )
