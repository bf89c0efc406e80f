"""What the staff case page shows for 研判: the AI grid worker card (G3: advice with its
confidence and version) and, for a 已退单 case, why it came back."""

import re
import unicodedata
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from gongzhi.cases import policies, queue_rows, selectors, triage_link
from gongzhi.cases.choices import Level
from gongzhi.cases.models import Case
from gongzhi.cases.suggestions import CaseSuggestion, Decision, RoutingBasis, SuggestedUrgency
from gongzhi.cases.workflow import FINAL_STATUSES, Action, Status
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
        categories = _suggested_categories(by_pk)
        # 并入 stops this case's own clock: never offered for a case read as 紧急 or 特急, nor
        # for a candidate about another category (a fire beside the rubbish station is not
        # the late rubbish collection); those are listed as 相似诉求 to look at, no more.
        mergeable = can_merge and suggestion.urgency not in _NO_ONE_CLICK_MERGE
        # Most alike first, as the AI grid worker ranked them.
        for other in (by_pk[pk] for pk in suggestion.duplicate_ids if pk in by_pk):
            title = selectors.shown_to(user, other, other.title)
            detail = suggestion.duplicate_detail(other.pk)
            same_category = bool(suggestion.category) and (
                categories.get(other.pk) == suggestion.category
            )
            duplicates.append(
                {
                    "pk": other.pk,
                    "number": other.number,
                    "title": title,
                    "score_percent": detail.get("score_percent"),
                    "words": _readable_words(user, detail.get("words", []), case, other),
                    # S6: one click makes this case a repeat of that one, while both allow it.
                    "can_merge": mergeable
                    and same_category
                    and other.status not in FINAL_STATUSES
                    and other.compound_id == case.compound_id,
                    # Why no 并入 is offered, when the user could otherwise merge.
                    "similar_only": _similar_only(can_merge, mergeable, same_category),
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
        # 疑似重复 only while one of them may be a repeat; else they are only alike.
        "similar_only": bool(duplicates) and all(d["similar_only"] for d in duplicates),
        "can_accept": can_accept,
        "csrf_token": context.get("csrf_token"),
    }


_NO_ONE_CLICK_MERGE = frozenset({SuggestedUrgency.EMERGENCY, SuggestedUrgency.URGENT})


def _similar_only(can_merge: bool, mergeable: bool, same_category: bool) -> str:
    """Why a likely repeat is shown without 并入 to a user who could merge: "urgency" (this
    case is 紧急 or 特急), "category" (the two were read as different categories), or ""."""
    if not can_merge:
        return ""
    if not mergeable:
        return "urgency"
    return "" if same_category else "category"


def _suggested_categories(cases: dict[int, Case]) -> dict[int, str]:
    """{case id: the category its latest AI suggestion gave}, for these cases (one query)."""
    out: dict[int, str] = {}
    rows = (
        CaseSuggestion.objects.filter(case_id__in=list(cases))
        .order_by("case_id", "-created_at", "-id")
        .values_list("case_id", "category")
    )
    for case_id, category in rows:
        out.setdefault(case_id, category)
    return out


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


# What a requester should do first, by the emergency rules' signs (gongzhi.triage.urgency) in
# their words, while nobody has assessed the case yet: (the signs, the advice). A sign of no
# group here gets the last, general line.
_GAS = _("疑似燃气泄漏：不要开关电器、不要动明火，打开门窗，到室外拨打燃气抢修电话。")
_FIRE = _("疑似火情：立即拨打 119，不要乘电梯，从楼梯撤离。")
_LIFT = _("有人被困电梯：拨打电梯内的救援电话或 96333，不要强行扒门。")
_HAZARD = _("请远离危险区域，提醒周围的人不要靠近。")
_DANGER = _("如有人被困、受伤或人身安全受到威胁，请立即拨打 119、120 或 110。")
SAFETY_ADVICE: tuple[tuple[frozenset[str], Any], ...] = (
    (frozenset({"燃气泄漏", "燃气味"}), _GAS),
    (frozenset({"起火", "冒烟", "火花"}), _FIRE),
    (frozenset({"电梯困人", "电梯坠落"}), _LIFT),
    (
        frozenset({"水管爆裂", "大量漏水", "倒塌风险", "墙体开裂", "高处坠物", "井盖缺失"}),
        _HAZARD,
    ),
)


@register.simple_tag
def safety_advice(case: Case) -> list[str]:
    """The first things to do about an emergency the rules read in a requester's words, for
    their own case page while the case waits for 研判 (cheap rules only, never the model)."""
    if case.status != Status.RECEIVED:
        return []
    signs = set(triage_link.emergency_signs_in(case))
    advice = [str(text) for group, text in SAFETY_ADVICE if signs & group]
    if signs - set().union(*(group for group, _text in SAFETY_ADVICE)):
        advice.append(str(_DANGER))
    return advice


@register.simple_tag(takes_context=True)
def return_reason(context: Any, case: Case) -> str:
    """The latest 退单 reason of a returned case, as the viewer may read it (one query)."""
    return queue_rows.return_reasons(context["request"].user, [case]).get(case.pk, "")
