"""The timeline note of a return visit (回访), in the reader's language.

`services.closure.rate` stores the note in Chinese ("回访未解决，不满意，重新办理"): the record
stays as written. The pages rebuild it from the event's payload in the active language, but only
where the stored text is exactly the one these functions give in Chinese, so a note written any
other way is shown as it is.
"""

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from gongzhi.cases.choices import RatingLevel
from gongzhi.cases.models import EventKind
from gongzhi.cases.tracking import RECEIPT_LINK


def summary(*, resolved: bool, level: str, receipt: bool) -> str:
    """已解决，满意 (and 凭回执链接评价 when rated through the link), in the active language."""
    label = RatingLevel(level).label
    if resolved:
        text = _("已解决，%(level)s") % {"level": label}
    else:
        text = _("未解决，%(level)s") % {"level": label}
    if receipt:
        text = _("%(summary)s（凭回执链接评价）") % {"summary": text}
    return text


def note(kind: str, *, resolved: bool, level: str, receipt: bool, reason: str = "") -> str:
    """The note of a visit event of this `kind` (办结, 例外办结, 重办), in the active language;
    in Chinese under `translation.override(None)`, as `closure.rate` writes it."""
    text = summary(resolved=resolved, level=level, receipt=receipt)
    if kind == EventKind.REOPENED:
        return _("回访%(summary)s，重新办理") % {"summary": text}
    if kind == EventKind.EXCEPTION:
        return _("%(summary)s。例外办结理由：%(reason)s") % {"summary": text, "reason": reason}
    return text


_VISIT_KINDS = frozenset({EventKind.CLOSED, EventKind.EXCEPTION, EventKind.REOPENED})
_REASON_MARK = "。例外办结理由："


def shown(event: Any) -> str:
    """`event.note` in the active language when it is a visit note as `closure.rate` wrote it,
    else unchanged (a note typed by a person, or one written before this format)."""
    payload = event.payload or {}
    if event.kind not in _VISIT_KINDS or "level" not in payload or "resolved" not in payload:
        return event.note
    try:
        level = RatingLevel(payload["level"])
    except ValueError:
        return event.note
    facts = {
        "resolved": bool(payload["resolved"]),
        "level": level,
        "receipt": payload.get("source") == RECEIPT_LINK,
    }
    reason = ""
    if event.kind == EventKind.EXCEPTION:
        reason = event.note.partition(_REASON_MARK)[2]
    with translation.override(None):  # no catalogue: the Chinese closure.rate stored
        stored = note(event.kind, reason=reason, **facts)
    if stored != event.note:
        return event.note
    return note(event.kind, reason=reason, **facts)
