"""What the staff case page shows for 研判: the AI grid worker card (G3: advice with its
confidence and version) and, for a 已退单 case, why it came back."""

import re
import unicodedata
from typing import Any

from django import template

from gongzhi.cases import policies, queue_rows, selectors, triage_link
from gongzhi.cases.choices import Level
from gongzhi.cases.models import Case
from gongzhi.cases.suggestions import Decision, RoutingBasis
from gongzhi.cases.workflow import FINAL_STATUSES, Action
from gongzhi.org.scopes import scope_for

register = template.Library()


@register.inclusion_tag("cases/_ai_suggestion.html", takes_context=True)
def ai_suggestion_card(context: Any, case: Case, actions: list[str]) -> dict[str, Any]:
    user = context["request"].user
    # G3: the desk's advice for 研判 and 交办, for the staff who may read all of the case (the
    # desk and the grid). Not the property company, which acts on the 交办, nor the party
    # branch: the words the AI read are unmasked, and a company a complaint is about must
    # find no way to its writer (S9).
    if not scope_for(user).covers(case.compound.path, policies.CONTACT_ROLES):
        return {"suggestion": None}
    suggestion = triage_link.latest_suggestion(case)
    duplicates = []
    can_merge = Action.MERGE in actions
    # Likely repeats are for the desk that decides 并入 (S6), nobody else: a repeat links to
    # another case of the same writer, whose title may name the room (G1, S9).
    if suggestion is not None and suggestion.duplicate_ids and policies.can_dispatch(user, case):
        # Only cases this user may open are linked, with their titles as the user may read them.
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
        # While the desk weighs it (研判, 交办), as the 交办 form offers it; after, as it was.
        "party": _party(case, suggestion, live={Action.ASSESS, Action.DISPATCH} & set(actions)),
        "urgency_signs": triage_link.emergency_signs_of(suggestion) if suggestion else [],
        "duplicates": duplicates,
        "can_accept": can_accept,
        "csrf_token": context.get("csrf_token"),
    }


def _party(case: Case, suggestion: Any, *, live: Any) -> dict[str, Any] | None:
    """The suggested party: when `live`, as the routing rules in force now give it (the 交办
    form offers the same), with the stored one when a rule or the 研判 has changed it since;
    else as it was stored."""
    if suggestion is None or not suggestion.category:
        return None
    stored = {
        "label": _party_label(suggestion.level, suggestion.company, suggestion.department),
        "basis": suggestion.get_routing_basis_display() if suggestion.routing_basis else "",
        "was": "",
    }
    if not live:
        return stored
    party = triage_link.suggested_party(case, suggestion)
    now = (party.level, party.company.pk if party.company else None, party.department)
    if now == (suggestion.level, suggestion.company_id, suggestion.department):
        return stored | {"basis": RoutingBasis(party.basis).label}
    return {
        "label": _party_label(party.level, party.company, party.department),
        "basis": RoutingBasis(party.basis).label,
        "was": stored["label"],
    }


def _party_label(level: str, company: Any, department: str) -> str:
    parts = [str(Level(level).label) if level in Level.values else level]
    return " · ".join([*parts, *(n for n in (company.name if company else "", department) if n)])


# A word both cases share is shown only if it is made of Chinese characters: a latin handle
# (a WeChat id), a number or a room (301, 9栋) is what finds a person, not what a matter is.
_PLAIN_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _readable_words(user: Any, words: list[str], *cases: Case) -> list[str]:
    """S9: a shared word is shown only if the user may read it in both cases (a name or a room
    number removed from a text for this user must not come back as a "shared word"), and never
    a contact-like token (ids, latin handles, runs of digits)."""
    texts = [
        unicodedata.normalize(
            "NFKC", selectors.shown_to(user, c, f"{c.title}\n{c.content}")
        ).lower()
        for c in cases
    ]
    return [
        w
        for w in words
        if _PLAIN_WORD.fullmatch(unicodedata.normalize("NFKC", w))
        and all(w in text for text in texts)
    ]


@register.simple_tag(takes_context=True)
def return_reason(context: Any, case: Case) -> str:
    """The latest 退单 reason of a returned case, as the viewer may read it (one query)."""
    return queue_rows.return_reasons(context["request"].user, [case]).get(case.pk, "")
