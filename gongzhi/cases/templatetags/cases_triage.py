"""What the staff case page shows for 研判: the AI grid worker card (G3: advice with its
confidence and version) and, for a 已退单 case, why it came back."""

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
        for other in (
            Case.objects.visible_to(user)
            .filter(pk__in=suggestion.duplicate_ids)
            .select_related("compound")
            .order_by("-created_at")
        ):
            title = selectors.shown_to(user, other, other.title)
            duplicates.append(
                {
                    "pk": other.pk,
                    "number": other.number,
                    "title": title,
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


@register.simple_tag(takes_context=True)
def return_reason(context: Any, case: Case) -> str:
    """The latest 退单 reason of a returned case, as the viewer may read it (one query)."""
    return queue_rows.return_reasons(context["request"].user, [case]).get(case.pk, "")
