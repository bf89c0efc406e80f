"""Pure reads the cases UI needs beyond `selectors.py` (see /work/notes/cases-ui-requests.md).

Each starts from `selectors` or a `visible_to(user)` queryset; none writes anything. They move
into `selectors.py` when the domain layer adopts them.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases import event_notes, policies, selectors
from gongzhi.cases.choices import (
    UNNAMED_DEPARTMENT,
    Channel,
    Level,
    department_label,
    party_for_requester,
)
from gongzhi.cases.intake_channels import recordable_channels
from gongzhi.cases.models import Case, CaseAttachment, EventKind
from gongzhi.cases.selectors import CaseDetail, RequesterCard
from gongzhi.cases.tracking import RECEIPT_LINK
from gongzhi.cases.workflow import Status, requester_label
from gongzhi.core.masking import mask_name
from gongzhi.org import policies as org_policies
from gongzhi.org import scopes as org_scopes
from gongzhi.org import selectors as org_selectors
from gongzhi.org.models import Compound, PropertyCompany, Role, RoleGrant, Unit

# The role shown beside a staff member's name, most senior first.
_ROLE_ORDER = (
    Role.STREET_OFFICER,
    Role.COMMUNITY_WORKER,
    Role.GRID_WORKER,
    Role.PARTY_MEMBER,
    Role.COMMITTEE_MEMBER,
    Role.PROPERTY_STAFF,
    Role.RESIDENT,
)


def intake_compounds(user: Any) -> list[Compound]:
    """Compounds the user may file a case for on someone's behalf (staff intake)."""
    return [c for c in org_selectors.compounds_for(user) if policies.is_intake_staff(user, c)]


def intake_channels(user: Any) -> list[str]:
    """The channels `user` may record on the staff intake form, in the order of `Channel`."""
    return recordable_channels(user)


def intake_channel(user: Any) -> str:
    """The channel staff most likely record from, preselected on the intake form: a grid
    worker reports what they found, property staff take their hotline, a desk takes visitors."""
    scope = org_scopes.scope_for(user)
    if Role.GRID_WORKER in scope.roles and Role.COMMUNITY_WORKER not in scope.roles:
        return Channel.GRID_WORKER
    if scope.company_ids and not scope.roles & policies.CONTACT_ROLES:
        return Channel.PROPERTY_HOTLINE
    return Channel.VISIT


_HOUSEHOLDS_READ = "_resident_households_read"  # (the scope they were read for, the units)


def _households(user: Any) -> list[Unit]:
    """`households_of(user)`, read once per user object (per request: the form's choices, then
    the place chosen) and again once the user's scope is recomputed (`forget_scope`)."""
    scope = org_scopes.scope_for(user)
    read = getattr(user, _HOUSEHOLDS_READ, None)
    if read is None or read[0] is not scope:
        read = (scope, list(org_selectors.households_of(user)))
        setattr(user, _HOUSEHOLDS_READ, read)
    return read[1]


def resident_places(user: Any) -> list[tuple[str, str]]:
    """Choices for "what does it concern" on the resident form: the user's own households,
    their buildings and their compounds' common areas, as (`kind:pk`, label)."""
    units = _households(user)
    places: list[tuple[str, str]] = []
    for unit in units:
        b = unit.building
        label = _("%(compound)s %(building)s %(unit)s（我家）") % {
            "compound": b.compound.name,
            "building": b.name,
            "unit": unit.label,
        }
        places.append((f"unit:{unit.pk}", label))
    for building in {u.building_id: u.building for u in units}.values():
        places.append((f"building:{building.pk}", f"{building.compound.name} {building.name}"))
    for compound in {u.building.compound_id: u.building.compound for u in units}.values():
        label = _("%(compound)s 公共区域") % {"compound": compound.name}
        places.append((f"compound:{compound.pk}", label))
    return places


def place_nodes(user: Any, value: str) -> tuple[Compound, Any, Any]:
    """(compound, building, unit) of a `resident_places` value the user may pick."""
    kind, _, pk = value.partition(":")
    units = _households(user)
    if kind == "unit":
        found = [u for u in units if str(u.pk) == pk]
    elif kind == "building":
        found = [u for u in units if str(u.building_id) == pk]
    else:
        found = [u for u in units if str(u.building.compound_id) == pk]
    if not found:
        raise Unit.DoesNotExist
    unit = found[0]  # the first by id, as the form lists them
    building = unit.building if kind in ("unit", "building") else None
    return unit.building.compound, building, unit if kind == "unit" else None


def dispatch_targets(user: Any) -> list[PropertyCompany]:
    """Property companies serving compounds in the user's scope (bulk dispatch choices)."""
    compounds = Compound.objects.visible_to(user)
    return list(
        PropertyCompany.objects.filter(contracts__compound__in=compounds).distinct().order_by("id")
    )


def attachment_get(user: Any, pk: int) -> CaseAttachment:
    """A case file, 404 unless its case is visible to the user."""
    return get_object_or_404(
        CaseAttachment.objects.filter(case__in=Case.objects.visible_to(user)), pk=pk
    )


@dataclass(frozen=True)
class TimelineRow:
    when: dt.datetime
    who: str
    what: str
    status: str
    note: str
    internal: bool
    # To whom a 交办 or 改派 handed the case (staff); where a 改派 or escalation sent it
    # (the requester's page, `_requester_parties`).
    party: str = ""
    # The desk's own clock (`_DESK_CLOCK`) on the requester's or the public's view: one row per
    # event still (the API pairs them), which the pages leave out.
    hidden: bool = False


# The desk's and the handler's internal deadlines (即将超时, 超时, 签收/研判/交办超时): their
# business, not the requester's nor the public's. An escalation (升级) and a 改派 stay: the
# requester is told where the case went (README), never by whom or why it was late.
_DESK_CLOCK = frozenset(
    {
        EventKind.SLA_WARNED,
        EventKind.SLA_BREACHED,
        EventKind.RESPOND_BREACHED,
        EventKind.ASSESS_OVERDUE,
        EventKind.DISPATCH_OVERDUE,
        # A 申请延期 and its refusal are between the company and its supervisors: the requester
        # is told of an extension once it is approved (延期), not of a request.
        EventKind.EXTENSION_REQUESTED,
        EventKind.EXTENSION_REJECTED,
        # So is a 申请终止: the requester is told of a termination once approved (终止, with its
        # reason), not of a request nor of its 驳回 (`_hidden_from_requester`).
        EventKind.TERMINATION_REQUESTED,
    }
)


def _hidden_from_requester(event: Any) -> bool:
    """Left out of the requester's and the public's timeline (`_DESK_CLOCK`), and so is a 驳回
    of a 申请终止: a 督办 that `case_reject_termination` marked (migration 0030 marked the older
    ones), never one a supervisor merely worded alike."""
    if event.kind == EventKind.SUPERVISED:
        return bool((event.payload or {}).get(event_notes.TERMINATION_REFUSED_KEY))
    return event.kind in _DESK_CLOCK


# The requester's words for a step whose staff label is jargon to them ("重办 → 重办").
_REQUESTER_EVENT = {EventKind.REOPENED: gettext_lazy("重新办理")}

# Words that make a display name an office or a post ("锦华物业·客服主管"), not a person's name.
_POST_WORDS = (
    "客服",
    "主管",
    "经理",
    "管理",
    "前台",
    "专员",
    "主任",
    "书记",
    "部长",
    "科长",
    "站长",
    "组长",
    "队长",
    "助理",
    "值班",
    "维修",
    "工程",
    "管家",
    "物业",
    "社区",
    "街道",
    "办公",
    "中心",
    "服务",
    "热线",
    "网格",
    "干部",
    "人员",
    "工作",
    "员工",
    "委员",
    "秘书",
    "负责人",
)
_CJK_NAME = re.compile(r"[\u4e00-\u9fff·]+")


# Events that hand the case to a party, recorded in their payload (assignment.party_payload).
_HANDING_OVER = frozenset({EventKind.DISPATCHED, EventKind.REASSIGNED})


def _company_names(events: list[Any]) -> dict[int, str]:
    """The companies these events' payloads name, in one query (none when they name none)."""
    pks = {e.payload["company"] for e in events if e.payload.get("company")}
    return dict(PropertyCompany.objects.filter(pk__in=pks).values_list("pk", "name")) if pks else {}


def _parties(events: list[Any]) -> dict[int, str]:
    """Event id → "小区 · 某物业公司" or "职能部门 · 区房管局", one query for the companies."""
    handing = [e for e in events if e.kind in _HANDING_OVER and e.payload.get("level")]
    names = _company_names(handing)
    parties = {}
    for event in handing:
        level = event.payload["level"]
        parts = [Level(level).label if level in Level.values else level]
        parts += [names.get(event.payload.get("company"), ""), event.payload.get("department", "")]
        parties[event.pk] = " · ".join(str(part) for part in parts if part)
    return parties


def _requester_parties(events: list[Any]) -> dict[int, str]:
    """Event id → where a 改派 or an escalation sent the case, as its requester is told of it
    (`party_for_requester`): the company, a named department, else the level ("社区"). The
    requester may read the handling organisation (the API's case detail gives it to them too),
    never a member of staff; the 交办 rows keep to the step."""
    reassigned = [e for e in events if e.kind == EventKind.REASSIGNED and e.payload.get("level")]
    names = _company_names(reassigned)
    parties = {
        e.pk: str(
            party_for_requester(
                e.payload["level"],
                names.get(e.payload.get("company"), ""),
                e.payload.get("department", ""),
            )
        )
        for e in reassigned
    }
    for event in events:
        if event.kind == EventKind.ESCALATED and event.payload.get("to"):
            to, department = event.payload["to"], event.payload.get("department", "")
            parties[event.pk] = str(party_for_requester(to, "", department))
    return parties


def _actor_roles(actor_ids: set[int]) -> dict[int, str]:
    roles: dict[int, list[str]] = {}
    for user_id, role in RoleGrant.objects.filter(user_id__in=actor_ids).values_list(
        "user_id", "role"
    ):
        roles.setdefault(user_id, []).append(role)
    return {
        user_id: Role(min(found, key=_ROLE_ORDER.index)).label for user_id, found in roles.items()
    }


def _staff_for_requester(display_name: str) -> str:
    """A member of staff's name as a resident reads it: the person's surname ("华锦社区·刘洋" →
    "刘*"), or nothing when the name is an office or a post ("锦华物业·客服主管", "物业X员工"):
    no made-up surname ("客*") beside the role. A Chinese personal name is 2-3 characters."""
    name = display_name.split("·")[-1].strip()
    if any(word in name for word in _POST_WORDS):
        return ""
    if _CJK_NAME.fullmatch(name) and len(name) > 3:
        return ""
    return mask_name(name)


def _note_for(note: str, detail: CaseDetail, staff_view: bool, requester: RequesterCard) -> str:
    """A note as the case's content reads for this viewer (G1, G2, S9): masked (numbers, the
    requester's name), or stripped for the party complained about; whole only for staff who
    revealed the requester on this page view, which `case_requester` logged as `pii.view`."""
    if not staff_view:
        # A department nobody has named yet is the street's to do, not a name for the requester.
        # Chinese brackets, or the English note's (event_notes renders it in the reader's).
        # The placeholder as stored (a row written before the note kept it as a message) or in
        # the reader's language.
        for name in (UNNAMED_DEPARTMENT, department_label(UNNAMED_DEPARTMENT)):
            for bracketed in (f"（{name}）", f" ({name})"):
                note = note.replace(bracketed, "")
    # A requester reads their own case's notes masked, as the link's holder does.
    shown = requester if staff_view else detail.requester
    return selectors.text_for_viewer(note, detail.case, shown)


def timeline_rows(
    viewer: Any, detail: CaseDetail, requester: RequesterCard | None = None
) -> list[TimelineRow]:
    """The timeline as the viewer may read it: who as role + name (masked for residents; the
    requester as the confidentiality presenter shows them), notes masked as the content unless
    `requester` is the card the viewer revealed on this page view (a POST, audited); the
    detail's own card, masked, by default (the API, which has no reveal)."""
    case = detail.case
    card = requester or detail.requester  # (`requester` below is the word in a row)
    staff_view = org_policies.is_staff_member(viewer)
    # The requester's words and no desk clock on their own view (the page they get), the public's.
    requester_view = policies.sees_as_requester(viewer, case)
    roles = _actor_roles({e.actor_id for e in detail.timeline if e.actor_id})
    parties = _parties(detail.timeline) if staff_view else _requester_parties(detail.timeline)
    internal_notes = _resolution_notes(viewer, detail) if staff_view else {}
    rows = []
    for event in detail.timeline:
        if event.actor_id is None and event.payload.get("source") == RECEIPT_LINK:
            who = _("诉求人（凭回执链接）")  # rated without an account (tracking.py)
        elif event.actor_id is None:
            who = _("系统")
        elif event.actor_id == viewer.pk:
            who = _("本人")
        elif event.actor_id == case.requester_id:
            requester = _("诉求人")
            who = requester if card.withheld else f"{requester} {card.name}"
        else:
            # A staff name is often "华锦社区·刘洋": the person is after the dot ("刘*", not "华*").
            name = str(event.actor) if staff_view else _staff_for_requester(str(event.actor))
            role = roles.get(event.actor_id) or _("工作人员")
            who = f"{role} {name}" if name else str(role)
        changed = event.new_status and event.new_status != event.old_status
        what = event.get_kind_display()
        status = Status(event.new_status).label if changed else ""
        if requester_view:
            what = str(_REQUESTER_EVENT.get(event.kind, what))
            status = requester_label(event.new_status) if changed else ""
            if status == what:  # "不予受理 → 不予受理": the step says it already
                status = ""
        rows.append(
            TimelineRow(
                when=event.created_at,
                who=who,
                what=what,
                status=status,
                note=_note_for(
                    event_notes.shown(event) + internal_notes.get(event.pk, ""),
                    detail,
                    staff_view,
                    card,
                ),
                internal=event.internal,
                party=parties.get(event.pk, ""),
                hidden=requester_view and _hidden_from_requester(event),
            )
        )
    return rows


def _resolution_notes(viewer: Any, detail: CaseDetail) -> dict[int, str]:
    """Event id → the internal 处置说明 its round's 已处置 recorded (handling.case_resolve), as a
    line under the public reply, for staff who read internal notes (`case_timeline`'s rule);
    never the requester, the public or the company complained about."""
    if not selectors.sees_internal(viewer, detail.case):
        return {}
    resolved = [e for e in detail.timeline if e.kind == EventKind.RESOLVED]
    notes = {e.pk: e.payload.get("resolution_note", "") for e in resolved}
    if resolved and "resolution_note" not in resolved[-1].payload:
        # Resolved before the events kept it: the case holds the latest round's note.
        notes[resolved[-1].pk] = detail.case.resolution_note
    return {
        pk: "\n" + _("处置说明（内部）：%(note)s") % {"note": note}
        for pk, note in notes.items()
        if note
    }


def has_rating(case: Case) -> bool:
    """Whether the case was already rated (a second rating gets a clear refusal)."""
    return case.ratings.exists()


def has_rated(case: Case, user: Any) -> bool:
    """Whether this person has rated the case (in any round)."""
    return case.ratings.filter(by=user).exists()
