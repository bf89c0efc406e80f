"""Who hears about a case change, through `gongzhi.core.notifications.notify` (its contract:
notes/notifications-api.md). Called inside the service's transaction; sending is after commit."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from gongzhi.cases import sla
from gongzhi.cases.choices import Channel, Level, Urgency, party_for_requester
from gongzhi.cases.config_models import SlaPolicy
from gongzhi.cases.models import Case
from gongzhi.cases.services import requester_sms
from gongzhi.cases.texts import without_people
from gongzhi.cases.workflow import AWAITING_DESK, Status
from gongzhi.core.masking import remove_contacts
from gongzhi.core.notifications.texts import Text, label
from gongzhi.org.models import Role, User
from gongzhi.org.scopes import current_company_compounds


def case_link(case: Case) -> str:
    return f"/cases/{case.pk}/"


def case_label(case: Case) -> Text:
    """`诉求 NH…：title` for a staff message. The title may have been cut from the content, and a
    recipient may be the party the case is about: it reads the title as that party's case page
    shows it (`staff_words`: no number, room or person's name, 业主王建国投诉 included, S9)."""
    title = staff_words(case, case.title)
    return Text(gettext_noop("诉求 %(number)s：%(title)s"), number=case.number, title=title)


def staff_words(case: Case, text: str) -> str:
    """Staff's free text (a 督办 note, a reason, a resident's comment) as a notice carries it:
    a notice's recipient may be the party the case is about, and its email or text may be read
    by others, so its phones, rooms and people's names go (S9: `texts.without_people`, as the
    case page shows it to that party). The stored row holds only this text."""
    return without_people(text, [case.requester_name])


def case_note(case: Case, note: str) -> Text:
    """`诉求 NH…：note` (a reason, a reply) for a message, the note cleaned (`staff_words`)."""
    return Text(
        gettext_noop("诉求 %(number)s：%(note)s"), number=case.number, note=staff_words(case, note)
    )


FREE_TEXT_ARGS = frozenset({"reason", "note", "comment"})  # `with_case`'s staff-written args


def with_case(message: str, case: Case, **args: object) -> Text:
    """A staff notice's body that starts with `case_label`: `message` has %(case)s for it. A
    reason or note among `args` is cleaned as in `case_note`."""
    for name in FREE_TEXT_ARGS & args.keys():
        if isinstance(args[name], str):
            args[name] = staff_words(case, args[name])
    return Text(message, case=case_label(case), **args)


# Notices that ask staff to act on a case. One is urgent for a staff recipient (email and SMS
# reach them in their quiet hours, quiet_hours.py; a resident is never woken up, and the
# requester's own notice is never urgent) when the case is 紧急/特急, or when holding it until
# the recipient's quiet hours end would miss the deadline of the step it asks for (`step_due`:
# a 交办 at 23:00 to sign for within 15 minutes, a warning of a deadline at 02:00; a 督办 of
# a case due tomorrow evening waits). The desk's notice of a new case and those of a missed
# step (CLASS_KINDS) are urgent when the case's class runs through the night (a clock in hours
# that runs out within NIGHT_CLOCK_HOURS: 物业类, not 一般类 nor 信访类). Escalations and
# suspected emergencies are urgent by their kind (kinds.URGENT_KINDS).
ACTION_KINDS = frozenset(
    {
        "case.created",  # the desk's notice of a newly filed case (the requester's is held)
        "case.assigned",
        "case.respond_overdue",
        "case.assess_overdue",  # filed and not assessed (研判) in time
        "case.dispatch_overdue",  # handed back (退单, 重办) and not handed over again in time
        "case.deadline_warning",
        "case.escalated",
        "case.returned",
        "case.reopened",
        "case.supervised",
    }
)
# The desk's notice of a new case and those of a missed step: urgent by the case's class.
CLASS_KINDS = frozenset(
    {"case.created", "case.respond_overdue", "case.assess_overdue", "case.dispatch_overdue"}
)
NIGHT_CLOCK_HOURS = 72  # 紧急类 2 h, 物业类 and 水电气热 24 h; not 信访类 (60 days in hours)

# The requester's notices that a case has an outcome, and the kind the requesters of the
# repeats merged into it get (S6: they are told its progress to the end).
OUTCOME_KINDS = {
    "case.rate_request": "case.resolved",
    "case.closed": "case.closed",
    "case.terminated": "case.terminated",
    "case.not_accepted": "case.not_accepted",
}
REPEAT_OUTCOME_TITLES = {
    "case.resolved": gettext_noop("您反映的问题已处置"),
    "case.closed": gettext_noop("您反映的问题已办结"),
    "case.terminated": gettext_noop("您反映的问题已终止办理"),
    "case.not_accepted": gettext_noop("您反映的问题不予受理"),
}


def tell_requester(
    case: Case,
    *,
    kind: str,
    title: str | Text,
    body: str | Text = "",
    key: str,
    actor: Any = None,
    original: Case | None = None,
    fresh: bool = False,
) -> int:
    """Every notice to a case's requester goes through here. A requester with an account gets
    the notice (in-app, and email/SMS as they chose; never `actor` themself); one recorded
    without an account, with a mobile number, gets one text message instead
    (`requester_sms`, for the steps it has a text for). `original`: the case a repeat joined.
    `fresh`: as `send`'s."""
    users = [user for user in requester(case) if actor is None or user.pk != actor.pk]
    written = send(users, case=case, kind=kind, title=title, body=body, key=key, fresh=fresh)
    if requester_sms.tell(
        case, kind=kind, key=key, original=original, reason=_reason_for_text(case, kind, body)
    ):
        written += 1
    return written


def _reason_for_text(case: Case, kind: str, body: str | Text) -> str:
    """The 终止理由 the requester's notice gives (its body's `reason`, closure.case_terminate)
    for their text message, cleaned as any staff words a notice carries (`staff_words`: no
    names, phones or rooms). "" for other kinds: their texts name no reason."""
    if kind != "case.terminated" or not isinstance(body, Text):
        return ""
    reason = body.args.get("reason")
    return staff_words(case, reason) if isinstance(reason, str) and reason.strip() else ""


TITLE_IN_NOTICE = 20  # characters of the title a requester's notice names the case by


def short_title(case: Case) -> str:
    """The case's title, cut short, for the requester's own notices: with several cases open
    they tell them apart by what they wrote, not by the number (contacts removed all the same:
    the email or text may be read by others)."""
    title = remove_contacts(case.title, [case.requester_name]).strip()
    return title if len(title) <= TITLE_IN_NOTICE else f"{title[:TITLE_IN_NOTICE]}…"


def party_text(level: str, company: str = "", department: str = "") -> str | Text:
    """`party_for_requester` as a notice's argument: the company or department by its name,
    a level ("社区") translated for each reader."""
    return label(party_for_requester(level, company, department))


def current_party_for_requester(case: Case) -> str | Text:
    """Who holds the case now, as its requester is told (`party_for_requester`)."""
    company = case.assigned_company.name if case.assigned_company else ""
    return party_text(case.assigned_level, company, case.assigned_department)


def dispatched(case: Case, *, actor: Any, again: bool) -> None:
    """交办: the requester hears to whom (the company, a named department or the level,
    `party_for_requester`), never by whom nor the 交办说明's staff; after a 退单 or 重办
    (`again`) that it was handed over again. In-app (and email/SMS as they chose) only: no
    text message to a requester without an account (`requester_sms` has none for it)."""
    party = current_party_for_requester(case)
    if again:
        title = gettext_noop("您的诉求已重新交办，由%(party)s办理")
        body = gettext_noop(
            "诉求 %(number)s（%(title)s）已重新交办，由%(party)s办理，请留意办理进度。"
        )
    else:
        title = gettext_noop("您的诉求已交办，由%(party)s办理")
        body = gettext_noop("诉求 %(number)s（%(title)s）已交办，由%(party)s办理，请留意办理进度。")
    tell_requester(
        case,
        actor=actor,
        kind="case.assigned",
        title=Text(title, party=party),
        body=Text(body, number=case.number, title=short_title(case), party=party),
        key=f"assigned_requester:{case.version}",
    )


def assigned_answered(case: Case, recipients: Iterable[Any]) -> int:
    """The party's "新的诉求已交办给您" is read once the case is signed for (签收), sent back or
    taken away: each of `recipients` (the party's staff, who all heard of it) has it, and any of
    an earlier hand-over of the case, marked read, so that the badge counts only what awaits
    them (`assignment.notify_assigned`'s keys, any version)."""
    from gongzhi.core.notifications import notifications_answered

    return notifications_answered(
        recipient_ids={user.pk for user in recipients if user is not None},
        key_prefix=f"case:{case.pk}:assigned:",
    )


def rating_request_answered(case: Case) -> None:
    """The requester's 请评价 of this round is read once the round is rated (online, by a phone
    visit or by the receipt link): the inbox no longer asks for what was done, and an email or
    text of it held by quiet hours is not sent."""
    from gongzhi.core.notifications import notification_answered, sms_answered

    key = f"case:{case.pk}:rate:{case.round}"
    notification_answered(recipient_id=case.requester_id, dedupe_key=key)
    sms_answered(dedupe_key=key)  # the text of a requester without an account (requester_sms)


def send(
    recipients: Iterable[Any],
    *,
    case: Case,
    kind: str,
    title: str | Text,
    body: str | Text = "",
    key: str,
    linked: bool = True,
    fresh: bool = False,
) -> int:
    """Notify each distinct active recipient once per `key` (the dedupe key makes reruns
    harmless); all of them in a few statements. `linked=False` for those who may no longer
    open the case (it was taken from them): no link to a page they would find missing.
    `fresh=True` for a case created in this transaction: nobody has a notice under its keys
    yet, so none is looked for (`notify_many`); each recipient must then be sent it once.
    Urgent for the staff recipients it presses (`urgent_for`); an outcome notice also reaches
    the requesters of the repeats merged into the case (`OUTCOME_KINDS`)."""
    users = list({u.pk: u for u in recipients if u is not None and u.is_active}.values())
    written = 0
    if users:
        pressed = urgent_for([u for u in users if u.pk != case.requester_id], case, kind)
        staff = [user for user in users if user.pk in pressed]
        for group, group_urgent in ((staff, True), ([u for u in users if u not in staff], False)):
            written += _notify(
                group,
                case=case,
                kind=kind,
                title=title,
                body=body,
                key=key,
                linked=linked,
                urgent=group_urgent,
                fresh=fresh,
            )
    if kind in OUTCOME_KINDS:
        _tell_repeats(case, kind=OUTCOME_KINDS[kind], key=key)
    return written


def urgent_for(users: list[Any], case: Case, kind: str) -> set[int]:
    """The ids of `users` (not the requester) whose notice of `kind` is urgent (ACTION_KINDS'
    rule above)."""
    from gongzhi.core.notifications.kinds import URGENT_KINDS
    from gongzhi.core.notifications.preferences import preferences_for
    from gongzhi.core.notifications.quiet_hours import send_not_before

    everyone = {user.pk for user in users}
    if not users or kind in URGENT_KINDS:
        return everyone
    if kind not in ACTION_KINDS:
        return set()
    if is_pressing(case):
        return everyone
    if kind in CLASS_KINDS:
        return everyone if runs_through_the_night(case) else set()
    due, now = step_due(case), timezone.now()
    if due is None or due <= now:
        return set()
    preferences = preferences_for(users)
    return {
        user.pk
        for user in users
        if send_not_before(preference=preferences[user.pk], user=user, now=now, urgent=False) >= due
    }


def runs_through_the_night(case: Case) -> bool:
    """A class counted in clock hours that runs out within NIGHT_CLOCK_HOURS (before 研判, the
    class the AI's suggestion and the category point to)."""
    policy = sla.provisional_policy(case)  # as the filing read it for the 研判 deadline
    return (
        policy is not None
        and policy.clock == SlaPolicy.Clock.HOURS
        and 0 < (policy.resolve_hours or 0) <= NIGHT_CLOCK_HOURS
    )


def step_due(case: Case) -> dt.datetime | None:
    """The deadline of the step the case waits for: 研判 or 交办 at the desk, 签收 once handed
    over, then the 办理期限."""
    if case.status in AWAITING_DESK:
        return case.assess_due_at
    if case.status == Status.DISPATCHED and case.respond_due_at and not case.responded_at:
        if case.respond_due_at > timezone.now():
            return case.respond_due_at
    return case.due_at


def _notify(
    users: list[Any],
    *,
    case: Case,
    kind: str,
    title: str | Text,
    body: str | Text,
    key: str,
    linked: bool,
    urgent: bool,
    fresh: bool = False,
) -> int:
    from gongzhi.core.notifications import notify_many

    if not users:
        return 0
    written = notify_many(
        recipients=users,
        kind=kind,
        title=title,
        body=body or case_label(case),
        link=case_link(case) if linked else "",
        dedupe_key=f"case:{case.pk}:{key}",
        urgent=urgent,
        fresh=fresh,
    )
    return len(written)


def is_pressing(case: Case) -> bool:
    """紧急/特急. Before 研判 the AI's suggestion stands in for the urgency a person will set."""
    suggestion = case.suggestion if isinstance(case.suggestion, dict) else {}
    urgencies = {case.urgency}
    if case.assessed_at is None:
        urgencies.add(suggestion.get("urgency"))
    return bool(urgencies & {Urgency.URGENT, Urgency.CRITICAL})


def _tell_repeats(case: Case, *, kind: str, key: str) -> None:
    """S6: each requester of a repeat merged into `case` hears its outcome once, under their
    own repeat, which they may open (by its tracking link when they have no account: a text
    to their mobile, `requester_sms`). The text names the case's number, its status and (in
    the app) its public reply as the public page shows it (S9: `without_people`), never its
    requester or title."""
    progress = label(Status(case.status).label)
    if case.public_reply.strip():
        body = Text(
            gettext_noop("已并入诉求 %(number)s，当前进度：%(progress)s。答复：%(reply)s"),
            number=case.number,
            progress=progress,
            reply=without_people(case.public_reply, [case.requester_name]).strip()[:100],
        )
    else:
        body = Text(
            gettext_noop("已并入诉求 %(number)s，当前进度：%(progress)s。"),
            number=case.number,
            progress=progress,
        )
    repeats = (
        Case.objects.filter(duplicate_of=case, status=Status.MERGED)
        .select_related("requester")
        .order_by("created_at", "id")
    )
    told = {case.requester_id}
    texted = {requester_sms.phone_of(case)}  # one text per number, the case's own included
    for repeat in repeats:
        if repeat.requester_id is None:
            phone = requester_sms.phone_of(repeat)
            if phone and phone not in texted:
                texted.add(phone)
                requester_sms.tell(repeat, kind=kind, key=f"original:{key}", original=case)
            continue
        if repeat.requester_id in told or not repeat.requester.is_active:
            continue
        told.add(repeat.requester_id)
        _notify(
            [repeat.requester],
            case=repeat,
            kind=kind,
            title=Text(REPEAT_OUTCOME_TITLES[kind]),
            body=body,
            key=f"original:{key}",
            linked=True,
            urgent=False,
        )


def _grant_users(roles: set[str], paths: list[str]) -> list[User]:
    """Users holding one of `roles` at a node on one of `paths` or above it."""
    prefixes: set[str] = set()
    for path in paths:
        parts = path.rstrip("/").split("/")
        prefixes |= {"/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)}
    return list(
        User.objects.filter(
            grants__role__in=roles, grants__scope_path__in=prefixes, is_active=True
        ).distinct()
    )


def handlers(case: Case) -> list[User]:
    """The assigned party: the assigned user, else everyone who may act at the case's level."""
    if case.assigned_user_id:
        return [case.assigned_user]
    users: list[User] = []
    if case.assigned_company_id:
        serving = current_company_compounds({case.assigned_company_id})
        if case.compound.path in serving:
            users += list(
                User.objects.filter(
                    Q(grants__role=Role.PROPERTY_STAFF, grants__company=case.assigned_company_id),
                    is_active=True,
                ).distinct()
            )
    if case.assigned_level == Level.COMMUNITY:
        users += _grant_users({Role.COMMUNITY_WORKER}, [case.compound.path])
    elif case.assigned_level in (Level.STREET, Level.DEPARTMENT):
        users += _grant_users({Role.STREET_OFFICER}, [case.compound.path])
    return users


def supervisors(case: Case) -> list[User]:
    return _grant_users({Role.COMMUNITY_WORKER, Role.STREET_OFFICER}, [case.compound.path])


def emergency_watch(case: Case) -> list[User]:
    """Who must hear at once of a suspected emergency awaiting 研判: the grid and community
    workers over the compound and the street's officers (not its property company: the case
    is not theirs until dispatched, S9)."""
    roles = {Role.GRID_WORKER, Role.COMMUNITY_WORKER, Role.STREET_OFFICER}
    return _grant_users(roles, [case.compound.path])


def dispatcher(case: Case) -> list[User]:
    """Who dispatched (交办) the case, else the community and street staff over it."""
    if case.dispatched_by_id and case.dispatched_by.is_active:
        return [case.dispatched_by]
    return supervisors(case)


def repeat_joined(repeat: Case, original: Case) -> None:
    """S6: the requester of a repeat hears which open case it joined and how far that is."""
    tell_requester(
        repeat,
        kind="case.repeated",
        title=Text(gettext_noop("您反映的问题已在办理中")),
        body=Text(
            gettext_noop("已并入诉求 %(number)s，当前进度：%(progress)s。"),
            number=original.number,
            progress=label(Status(original.status).label),
        ),
        key=f"repeated:{original.number}",
        original=original,
    )


# Channels through which staff record what they found themselves (a patrol, a grid worker's
# round): the one who recorded it hears how it ended, as a requester would.
FIELD_CHANNELS = frozenset({Channel.GRID_WORKER, Channel.SENTINEL, Channel.PATROL})


def reporter(case: Case) -> list[User]:
    """The staff member who recorded a case found in the field (FIELD_CHANNELS), unless they
    are its requester (told as such) or no longer active."""
    user = case.created_by if case.channel in FIELD_CHANNELS and case.created_by_id else None
    if user is None or not user.is_active or user.pk == case.requester_id:
        return []
    return [user]


def requester(case: Case) -> list[User]:
    """The requester's account, for `tell_requester` (call that, not `send(requester(…))`)."""
    return [case.requester] if case.requester_id else []
