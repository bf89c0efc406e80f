"""What the staff case page shows for 研判: the AI grid worker card (G3: advice with its
confidence and version) and, for a 已退单 case, why it came back."""

import unicodedata
from typing import Any

from django import template

from gongzhi.cases import queue_rows, selectors, triage_link
from gongzhi.cases.models import Case
from gongzhi.cases.suggestions import Decision
from gongzhi.cases.workflow import FINAL_STATUSES, Action

register = template.Library()


@register.inclusion_tag("cases/_ai_suggestion.html", takes_context=True)
def ai_suggestion_card(context: Any, case: Case, actions: list[str]) -> dict[str, Any]:
    suggestion = triage_link.latest_suggestion(case)
    duplicates = []
    can_merge = Action.MERGE in actions
    if suggestion is not None and suggestion.duplicate_ids:
        # Only cases this user may open are linked, with their titles as the user may read them.
        user = context["request"].user
        visible = Case.objects.visible_to(user).filter(pk__in=suggestion.duplicate_ids)
        by_pk = {other.pk: other for other in visible.select_related("compound")}
        # Most alike first, as the AI grid worker ranked them.
        for other in (by_pk[pk] for pk in suggestion.duplicate_ids if pk in by_pk):
            title = selectors.shown_to(user, other, other.title)
            detail = suggestion.duplicate_detail(other.pk)
            duplicates.append(
                {
                    "pk": other.pk,
                    "number": other.number,
                    "title": title,
                    "score_percent": detail.get("score_percent"),
                    "words": _readable_words(user, detail.get("words", []), case, other),
                    # S6: one click makes this case a repeat of that one, while both allow it.
                    "can_merge": can_merge
                    and other.status not in FINAL_STATUSES
                    and other.compound_id == case.compound_id,
                }
            )
    can_accept = (
        suggestion is not None
        and bool(suggestion.category)
        and suggestion.decision == Decision.PENDING
        and Action.ASSESS in actions
    )
    return {
        "case": case,
        "suggestion": suggestion,
        "duplicates": duplicates,
        "can_accept": can_accept,
        "csrf_token": context.get("csrf_token"),
    }


def _readable_words(user: Any, words: list[str], *cases: Case) -> list[str]:
    """S9: a shared word is shown only if the user may read it in both cases (a name or a room
    number removed from a text for this user must not come back as a "shared word")."""
    texts = [
        unicodedata.normalize(
            "NFKC", selectors.shown_to(user, c, f"{c.title}\n{c.content}")
        ).lower()
        for c in cases
    ]
    return [w for w in words if all(w in text for text in texts)]


@register.simple_tag(takes_context=True)
def return_reason(context: Any, case: Case) -> str:
    """The latest 退单 reason of a returned case, as the viewer may read it (one query)."""
    return queue_rows.return_reasons(context["request"].user, [case]).get(case.pk, "")
