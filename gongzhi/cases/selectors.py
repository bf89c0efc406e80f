"""Every user-facing read of cases, starting from `Case.objects.visible_to(user)`."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gongzhi.cases import policies, sla
from gongzhi.cases.choices import NOT_ACCEPTED_CHANNEL, SlaClass
from gongzhi.cases.models import Case, CaseAttachment, CaseEvent, CaseRating, SlaPolicy
from gongzhi.cases.pending_requests import extension_request, termination_requested_by

# The work queue lives in queue_selectors and queue_pages; its names stay importable from here.
from gongzhi.cases.queue_pages import (  # noqa: F401
    BoundedPaginator,
    format_count,
    overdue_toggle_count,
    queue_paginator,
)
from gongzhi.cases.queue_selectors import (  # noqa: F401
    BUCKETS,
    COUNT_CAP,
    SEARCH_WINDOW,
    capped_count,
    case_queue,
    count_parts,
    is_overdue,
    queue_count,
    queue_counts,
    search_since,
)
from gongzhi.cases.queue_selectors import RELATED as _RELATED
from gongzhi.cases.services.assignment import Assignee, current_company, suggest_assignee
from gongzhi.cases.texts import without_people
from gongzhi.cases.workflow import (
    ACTIONS,
    PUBLISHED_STATUSES,
    SYSTEM_ACTIONS,
    Action,
    Status,
    requester_label,
)
from gongzhi.core import audit
from gongzhi.core.masking import REMOVED, mask_name, mask_phone, redact_text, remove_contacts
from gongzhi.org.models import Role
from gongzhi.org.scopes import scope_for


def my_cases(user: Any) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return (
        Case.objects.filter(Q(requester=user) | Q(created_by=user))
        .select_related("compound", "duplicate_of")
        .order_by("-created_at", "-id")
    )


def awaiting_my_rating(user: Any) -> QuerySet[Case]:
    """The user's own cases handled and waiting for their rating this round (S5): 去评价."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    rated = CaseRating.objects.filter(case=OuterRef("pk"), round=OuterRef("round"))
    return (
        Case.objects.filter(requester=user, status=Status.RESOLVED)
        .exclude(Exists(rated))
        .select_related("compound")
        .order_by("resolved_at", "id")
    )


def case_get(user: Any, pk: int) -> Case:
    return get_object_or_404(Case.objects.visible_to(user).select_related(*_RELATED), pk=pk)


def case_get_by_number(user: Any, number: str) -> Case:
    return get_object_or_404(Case.objects.visible_to(user).select_related(*_RELATED), number=number)


@dataclass(frozen=True)
class RequesterCard:
    name: str
    phone: str
    masked: bool
    withheld: bool = False  # S9: the viewer may be the party complained about


# The name is shown in the reader's language (lazy: this card is built once, at import); a
# card is told apart by `withheld`, never by its name. `withheld_card()` is the same card with
# the name already in the active language, for whatever needs a plain string (the API's JSON).
WITHHELD = RequesterCard(gettext_lazy("（诉求人信息保密）"), "", True, True)


def withheld_card() -> RequesterCard:
    return RequesterCard(str(WITHHELD.name), "", True, True)


def text_for_viewer(text: str, case: Case, requester: RequesterCard) -> str:
    """A case's free text (title, content, notes) as a viewer with this `requester` card may
    read it (S9): whole for whoever may see the requester; numbers and the requester's name
    masked for a masked viewer; numbers, rooms and names gone for the party it may be about."""
    if requester.withheld:
        return without_people(text, [case.requester_name])
    if requester.masked:
        return redact_text(text, [case.requester_name])
    return text


def shown_to(user: Any, case: Case, text: str) -> str:
    """`text_for_viewer` with the user's own requester card: one case's title or note in a
    list (queue rows, AI duplicate links, API pages)."""
    return text_for_viewer(text, case, case_requester(user, case))


def case_requester(user: Any, case: Case, *, reveal: bool = False) -> RequesterCard:
    """S9: masked unless `reveal` and the viewer may see it; each unmasked view is audited. The
    party a case may be about gets no trace of the requester at all, not even a masked one."""
    if reveal and policies.can_view_requester(user, case):
        if case.requester_id != getattr(user, "pk", None):
            audit.record(action="pii.view", actor=user, obj=case, detail={"number": case.number})
        return RequesterCard(case.requester_name, case.requester_phone, False)
    if policies.requester_withheld(user, case):
        return withheld_card()
    return RequesterCard(mask_name(case.requester_name), mask_phone(case.requester_phone), True)


def room_hidden(user: Any, case: Case, requester: RequesterCard) -> bool:
    """G1: beside a complaint (投诉, 举报, or a case naming a company) the room is someone's
    home: whoever reads the requester masked reads no room either, or the 楼盘表 would name
    them. The requester reads their own; staff who revealed the requester (audited) read it."""
    if not requester.masked or requester.withheld:
        return False
    if case.requester_id is not None and case.requester_id == getattr(user, "pk", None):
        return False
    return policies.requester_confidential(case)


def _without_room(address: str, case: Case) -> str:
    """A free-text address with any room (and contact) gone; "" when nothing else is left."""
    shown = remove_contacts(address, [case.requester_name])
    rest = shown.replace(REMOVED, "").strip(" \t,，、;；:：.。-—")
    return shown if rest else ""


def shown_address(user: Any, case: Case, requester: RequesterCard) -> str:
    """The case's free-text address as this viewer may read it: none for the party a case may
    be about, no room beside a complaint read masked (`room_hidden`), else whole."""
    if requester.withheld:
        return ""
    if room_hidden(user, case, requester):
        return _without_room(case.address, case)
    return case.address


@dataclass(frozen=True)
class CaseLocation:
    """位置 on the staff case page as its viewer may read it, after the community and the
    compound (always shown). `withheld`: the party a case may be about reads no more, and
    `kept` says there was more."""

    building: str = ""
    unit: str = ""
    note: str = ""
    withheld: bool = False
    kept: bool = False


def case_location(user: Any, detail: "CaseDetail", requester: RequesterCard) -> CaseLocation:
    """The building, the unit ("1单元301"; "1单元" without the room where `room_hidden`) and
    the free-text address beyond them (`CaseDetail.address_note`), for the card `requester`
    this page view shows (masked, or revealed and audited)."""
    case = detail.case
    if requester.withheld:
        return CaseLocation(
            withheld=True, kept=bool(case.building_id or case.unit_id or case.address)
        )
    building = case.building.name if case.building_id else ""
    unit = case.unit.label if case.unit_id else ""
    note = detail.address_note
    if room_hidden(user, case, requester):
        entrance = case.unit.entrance.strip() if case.unit_id else ""
        unit = f"{entrance}单元" if entrance else ""
        note = _without_room(note, case) if note else ""
    return CaseLocation(building=building, unit=unit, note=note)


_ACTION_CHECKS = {
    Action.ASSESS: policies.can_dispatch,
    Action.MERGE: policies.can_dispatch,
    Action.DISPATCH: policies.can_dispatch_somewhere,  # S4: some level left to hand it to
    Action.REASSIGN: policies.can_reassign_from,
    Action.ANSWER: policies.can_dispatch,
    Action.NOT_ACCEPT: policies.can_dispatch,
    Action.ACCEPT: policies.can_handle,
    Action.START: policies.can_handle,
    Action.RESOLVE: policies.can_handle,
    Action.RETURN: policies.can_return,
    Action.EXTEND: policies.can_extend,
    Action.REQUEST_EXTENSION: policies.can_request_extension,
    Action.APPROVE_EXTENSION: policies.can_approve_extension,
    Action.REJECT_EXTENSION: policies.can_approve_extension,
    Action.SUPERVISE: policies.can_supervise,
    Action.VISIT: policies.can_visit,
    Action.CLOSE_EXCEPTION: policies.can_supervise,
    Action.REQUEST_TERMINATION: policies.can_request_termination,
    Action.TERMINATE: policies.can_terminate,
    Action.REJECT_TERMINATION: policies.can_supervise,
}


def allowed_actions(user: Any, case: Case) -> list[str]:
    """Actions this user may take now: the transition table AND the policy (for buttons)."""
    actions = []
    for action, move in ACTIONS.items():
        if action in SYSTEM_ACTIONS or case.status not in move.sources:
            continue
        if action == Action.ANSWER and not case.is_consultation:
            continue
        if action == Action.RETURN and case.designated_by_street:
            continue
        if action == Action.DISPATCH and not case.sla_class:
            continue
        if action == Action.REQUEST_TERMINATION and case.termination_requested:
            continue
        if action == Action.REJECT_TERMINATION and not case.termination_requested:
            continue
        if action in (Action.EXTEND, Action.REQUEST_EXTENSION) and (
            case.extension_requested_days or not _may_be_extended(case)
        ):
            continue  # a pending request is approved or rejected first
        if action in _DECIDE_EXTENSION and not case.extension_requested_days:
            continue
        if not _ACTION_CHECKS[action](user, case):
            continue
        if action == Action.REQUEST_TERMINATION and policies.can_terminate(user, case):
            continue  # the street decides a termination itself: no request to itself
        if action in _DECIDE_TERMINATION and case.termination_requested:
            if termination_requested_by(case) == getattr(user, "pk", None):
                continue  # no one decides their own request
        if action in _DECIDE_EXTENSION:
            if extension_request(case).get("by") == getattr(user, "pk", None):
                continue
        actions.append(str(action))
    return actions


_DECIDE_TERMINATION = frozenset({Action.TERMINATE, Action.REJECT_TERMINATION})
_DECIDE_EXTENSION = frozenset({Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION})


def _may_be_extended(case: Case) -> bool:
    """延期 is offered only while the class allows one more (紧急类: none), by the rule the
    service applies: the button would lead to nothing but "延期次数已用完"."""
    policy = sla_policy(case)
    return policy is None or sla.may_extend_again(case, policy)


def sla_policy(case: Case) -> SlaPolicy | None:
    """The policy of the case's class, read once per case object and class: the case page
    asks for it three times (延期 button, 办理时限 card, 交办 form)."""
    cached = case.__dict__.get("_sla_policy")
    if cached is None or cached[0] != case.sla_class:
        cached = (case.sla_class, SlaPolicy.objects.filter(code=case.sla_class).first())
        case.__dict__["_sla_policy"] = cached
    return cached[1]


def sees_internal(user: Any, case: Case) -> bool:
    scope = scope_for(user)
    return scope.everything or scope.covers(
        case.compound.path, policies.CONTACT_ROLES | {Role.PARTY_MEMBER}
    )


def case_timeline(user: Any, case: Case) -> list[CaseEvent]:
    events = case.events.select_related("actor").order_by("created_at", "id")
    if not sees_internal(user, case):
        events = events.filter(internal=False)
    return list(events)


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    requester: RequesterCard
    can_reveal: bool
    actions: list[str]
    timeline: list[CaseEvent]
    attachments: list[CaseAttachment]
    ratings: list[CaseRating]
    repeats: int
    original: Case | None
    not_accepted_channel: str
    policy: SlaPolicy | None
    overdue: bool
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return text_for_viewer(self.case.title, self.case, self.requester)

    @property
    def address_note(self) -> str:
        """The free-text address, unless it only repeats the compound's address or the building
        and unit already shown ("5栋1单元301" after 5栋 1单元301)."""
        case = self.case
        address = "".join(case.address.split())
        shown = [case.compound.address]
        if case.building_id:
            shown.append(case.building.name + (case.unit.label if case.unit_id else ""))
        if not address or address in {"".join(text.split()) for text in shown}:
            return ""
        return case.address

    @property
    def assess_class_from_ai(self) -> str:
        """The class an unassessed case's 研判 deadline runs by when the AI grid worker chose it
        (sla.provisional_class): its reading may move the deadline after filing, which the
        page says rather than leave a changed countdown unexplained."""
        case = self.case
        suggested = case.suggestion.get("sla_class") if isinstance(case.suggestion, dict) else ""
        if case.status != Status.RECEIVED or case.sla_class or suggested not in SlaClass.values:
            return ""
        return str(SlaClass(suggested).label)

    @property
    def has_contact(self) -> bool:
        """Whether the case names a requester at all (a patrol finding may not): revealing
        nothing must not write an audit record of a personal-data view."""
        return bool(self.case.requester_name or self.case.requester_phone)

    @property
    def content(self) -> str:
        return text_for_viewer(self.case.content, self.case, self.requester)

    @property
    def rating_notes(self) -> list[tuple[CaseRating, str]]:
        """Each rating with its comment as this viewer may read it (S9, like the content)."""
        return [(r, text_for_viewer(r.note, self.case, self.requester)) for r in self.ratings]


def case_detail(user: Any, pk: int) -> CaseDetail:
    # The page names the building and unit: joined here rather than read one by one.
    cases = Case.objects.visible_to(user).select_related(*_RELATED, "building", "unit")
    case = get_object_or_404(cases, pk=pk)
    original = None
    if case.duplicate_of_id:
        # A repeat's requester follows the original's progress (S6), not its private data.
        original = Case.objects.only("pk", "number", "status", "title", "public_reply").get(
            pk=case.duplicate_of_id
        )
    policy = sla_policy(case) if case.sla_class else None
    return CaseDetail(
        case=case,
        requester=case_requester(user, case),
        can_reveal=policies.can_view_requester(user, case),
        actions=allowed_actions(user, case),
        timeline=case_timeline(user, case),
        attachments=list(case.attachments.order_by("uploaded_at", "id")),
        ratings=list(case.ratings.order_by("round")),
        repeats=case.repeats.count(),
        original=original,
        not_accepted_channel=NOT_ACCEPTED_CHANNEL.get(case.not_accepted_reason, ""),
        policy=policy,
        overdue=is_overdue(case, timezone.now()),
    )


@dataclass(frozen=True)
class PublicCase:
    number: str
    title: str
    category: str
    status: str
    content: str
    public_reply: str
    closed_at: Any


def published_cases(path: str) -> QuerySet[Case]:
    """Cases under `path` whose requester agreed to publish them (S9), in the statuses the
    public may see (`PUBLISHED_STATUSES`): what the public may list, on every public surface."""
    return Case.objects.filter(
        is_public=True, status__in=sorted(PUBLISHED_STATUSES), compound__path__startswith=path
    )


def public_case(case: Case) -> PublicCase:
    """For public pages: never the requester, nor any number, room or name in the text (S9);
    content only when the requester allowed it."""
    names = [case.requester_name]
    return PublicCase(
        number=case.number,
        title=without_people(case.title, names),
        category=case.get_category_display() if case.category else "",
        status=requester_label(case.status),  # 重新交办中, not 已退单: as its requester reads it
        content=without_people(case.content, names) if case.is_public else "",
        public_reply=without_people(case.public_reply, names),
        closed_at=case.closed_at,
    )


def dispatch_options(case: Case) -> dict[str, Any]:
    """What the dispatch form offers: the routing suggestion, the serving company, the policy."""
    suggestion: Assignee = suggest_assignee(case)
    company = current_company(case.compound)
    companies = [company] if company else []
    if suggestion.company and suggestion.company not in companies:
        companies.append(suggestion.company)
    return {
        "suggestion": suggestion,
        "companies": companies,
        "policy": sla_policy(case),
    }
