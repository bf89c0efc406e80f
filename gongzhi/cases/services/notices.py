"""Who hears about a case change, through `gongzhi.core.notifications.notify` (its contract:
notes/notifications-api.md). Called inside the service's transaction; sending is after commit."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from gongzhi.cases.choices import Level, source_label
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import Status
from gongzhi.core.masking import remove_contacts
from gongzhi.org.models import Role, User
from gongzhi.org.scopes import current_company_compounds


def case_link(case: Case) -> str:
    return f"/cases/{case.pk}/"


def case_label(case: Case) -> str:
    """`诉求 NH…：title` for a message. The title may have been cut from the content, and a
    recipient may be the party the case is about: no number, room or name of the requester
    rides along (S9)."""
    return f"诉求 {case.number}：{remove_contacts(case.title, [case.requester_name])}"


def send(
    recipients: Iterable[Any],
    *,
    case: Case,
    kind: str,
    title: str,
    body: str = "",
    key: str,
    linked: bool = True,
) -> int:
    """Notify each distinct active recipient once per `key` (the dedupe key makes reruns
    harmless); all of them in a few statements. `linked=False` for those who may no longer
    open the case (it was taken from them): no link to a page they would find missing."""
    from gongzhi.core.notifications import notify_many

    users = [user for user in recipients if user is not None and user.is_active]
    if not users:
        return 0
    written = notify_many(
        recipients=users,
        kind=kind,
        title=title,
        body=body or case_label(case),
        link=case_link(case) if linked else "",
        dedupe_key=f"case:{case.pk}:{key}",
    )
    return len(written)


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


def dispatcher(case: Case) -> list[User]:
    """Who dispatched (交办) the case, else the community and street staff over it."""
    if case.dispatched_by_id and case.dispatched_by.is_active:
        return [case.dispatched_by]
    return supervisors(case)


def repeat_joined(repeat: Case, original: Case) -> None:
    """S6: the requester of a repeat hears which open case it joined and how far that is."""
    progress = source_label(Status(original.status).label)  # stored: Chinese in any language
    send(
        requester(repeat),
        case=repeat,
        kind="case.repeated",
        title="您反映的问题已在办理中",
        body=f"已并入诉求 {original.number}，当前进度：{progress}。",
        key=f"repeated:{original.number}",
    )


def requester(case: Case) -> list[User]:
    return [case.requester] if case.requester_id else []
