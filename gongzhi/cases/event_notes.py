"""The system's words in a case's timeline, in each reader's language.

A note the system composes ("非本单位职责：…", "超过签收期限（…）未签收", "收到重复反映…") is
written once and read by the desk, the company, the requester and the API, each in their own
language. So it is kept as `core.notifications.texts` keeps a notice: `CaseEvent.note` holds it
in the platform's language (Chinese: search, audit, exports, and what old rows and other readers
fall back to), and the event's payload holds the message and its arguments, rendered again in
the active language by `shown`. A person's words (a reason, a comment) are an argument: they
stay as typed.

    note, words = event_notes.written(Text(gettext_noop("非本单位职责：%(reason)s"), reason=reason))
    move(case, ..., note=note, payload={**payload, **words})
"""

from typing import Any

from gongzhi.cases import visit_notes
from gongzhi.cases.choices import UNNAMED_DEPARTMENT
from gongzhi.core.notifications import texts
from gongzhi.core.notifications.texts import JSON, Text

# The payload entry that holds the message; apart from the payload's other facts, which the
# pages, metrics and exports read (level, due_at, repeat …).
NOTE_KEY = "note_text"

# The payload mark of a 驳回终止申请 (a 督办 the requester does not read: ui_selectors), so that
# it is told from a 督办 whose words happen to begin the same.
TERMINATION_REFUSED_KEY = "termination_refused"


def department(name: str) -> Text | str:
    """A department as a note names it: by its name, as written; but the placeholder of one the
    street has not named yet (`UNNAMED_DEPARTMENT`, kept in Chinese in the data) as a message,
    so that it reads in each reader's language."""
    if name == UNNAMED_DEPARTMENT:
        return Text(UNNAMED_DEPARTMENT)
    return name


def written(text: Text | str) -> tuple[str, dict[str, JSON]]:
    """What an event keeps of a note the system composes: the note in the platform's language
    (for `CaseEvent.note`) and the payload entry that `shown` renders for each reader (none for
    a plain string, such as a label that is no message: shown as written)."""
    if not isinstance(text, Text):
        return text, {}
    return text.source(), {NOTE_KEY: text.as_json()}


def shown(event: Any) -> str:
    """`event.note` in the active language: rendered again from the payload where the system
    composed it (`written`); a return visit's note as `visit_notes` rebuilds it; otherwise, a
    person's note or a row written before the payload kept it, as stored."""
    if not isinstance((event.payload or {}).get(NOTE_KEY), dict):
        return visit_notes.shown(event)
    return rendered(event.note, event.payload)


def rendered(note: str, payload: dict[str, Any] | None) -> str:
    """`shown` from an event's two columns, for a read that fetches only them (a list's
    `values_list("note", "payload")`): the note as stored where the payload has no message."""
    data = (payload or {}).get(NOTE_KEY)
    return texts.shown(note, data) if isinstance(data, dict) else note
