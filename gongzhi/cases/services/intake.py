"""Intake (受理): filing from every channel, repeats (S6) and attachments; the desk's answers
without a hand-over (咨询, 不予受理) are in `desk_answers`."""

import datetime as dt
import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.cases import deadlines, event_notes, policies, sla, triage_link
from gongzhi.cases.attachments import checked_content, stored_name
from gongzhi.cases.choices import (
    AttachmentKind,
    CaseType,
    Category,
    Channel,
)
from gongzhi.cases.intake_channels import check_channel
from gongzhi.cases.models import CASE_NUMBER_PREFIX, Case, CaseAttachment, CaseCounter, EventKind
from gongzhi.cases.requester_keys import phone_key
from gongzhi.cases.services import notices
from gongzhi.cases.services.moves import add_event
from gongzhi.cases.texts import MAX_REQUESTER_NAME, text_errors
from gongzhi.cases.tracking import phone_digits
from gongzhi.cases.workflow import FINAL_STATUSES, Status
from gongzhi.core import audit
from gongzhi.core.calendar import local_zone
from gongzhi.core.masking import remove_contacts
from gongzhi.core.notifications.texts import Text, label
from gongzhi.org import selectors as org_selectors
from gongzhi.org.models import Building, Compound, PropertyCompany, Unit

# The per-account filing counter (settings.GONGZHI_FILING_RATE_PER_MINUTE) of the web form
# (`rate_limited("file-case", per_user=True)`: bucket "file-case:user:<pk>") and the REST API.
FILING_RATE_BUCKET = "file-case"
_PHONE = re.compile(r"^[0-9+\- ]{7,20}$")
logger = logging.getLogger(__name__)
_COUNTER = CaseCounter._meta.db_table


def next_number(when: dt.datetime) -> str:
    """NH + local date + 4-digit sequence of the day, from a per-day counter row: one atomic
    upsert (PostgreSQL, SQLite ≥ 3.35), safe under concurrent filings."""
    day = timezone.localdate(when)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_COUNTER} (day, value) VALUES (%s, 1) ON CONFLICT (day) "  # noqa: S608
            f"DO UPDATE SET value = {_COUNTER}.value + 1 RETURNING value",
            [day.isoformat()],
        )
        value = cursor.fetchone()[0]
    return f"{CASE_NUMBER_PREFIX}{day:%Y%m%d}{value:04d}"


# Filings whose AI suggestion is being computed off the request (tests wait for them).
_pending: list[threading.Thread] = []


def _suggest_in_background(case_pk: int) -> None:
    try:
        case = Case.objects.select_related("compound").get(pk=case_pk)
        triage_link.record_suggestion(case)
    except Exception:
        logger.exception("AI grid worker suggestion failed for case %s", case_pk)
    finally:
        connections.close_all()  # this thread's own connections


def suggest_after_filing(case: Case) -> None:
    """The AI grid worker's suggestion (G3: advice, never blocking intake), by
    settings.GONGZHI_TRIAGE_AT_FILING:

    - "deferred" (the default): not at filing at all. The first person who may assess the case
      gets it computed when the case page opens (`suggestion_for_assessor`), or the scheduler's
      sweep computes it first. Filing costs nothing for it, and no thread competes with the
      web worker for the interpreter.
    - "background": right after commit on a thread with its own connection (inside a caller's
      larger transaction, such as an import batch, it joins that transaction instead).
    - "inline": always inside the filing transaction (tests).
    """
    mode = settings.GONGZHI_TRIAGE_AT_FILING
    if mode == "deferred":
        return
    owns_commit = len(connection.atomic_blocks) == 1
    if not owns_commit or mode != "background":
        triage_link.record_suggestion(case)
        return

    def start() -> None:
        _pending[:] = [t for t in _pending if t.is_alive()]
        thread = threading.Thread(target=_suggest_in_background, args=(case.pk,), daemon=True)
        _pending.append(thread)
        thread.start()

    transaction.on_commit(start, robust=True)


def suggestion_for_assessor(case: Case) -> None:
    """A case still awaiting 研判 gets its AI suggestion now if it has none yet (deferred mode;
    harmless in the others). A page view that finds one writes nothing. No transaction is held
    while the AI reads the case (other people's actions would wait for it); two assessors
    opening the page at once may both read it, and only the first stores it
    (`record_suggestion`)."""
    if case.status != Status.RECEIVED or case.ai_suggestions.exists():
        return
    triage_link.record_suggestion(case)


def wait_for_suggestions(timeout: float = 30.0) -> None:
    """Block until the background suggestions started so far are stored (tests, benchmarks)."""
    for thread in list(_pending):
        thread.join(timeout)


def check_public_text(text: str, field: str, case: Case) -> None:
    """S9: a public reply carries no phone, ID or room number, nor the requester's name (or
    "夏女士"): it is published, and read by the party the case may be about."""
    if remove_contacts(text, [case.requester_name]) != text:
        raise ValidationError(
            {field: _("公开答复不得包含电话、身份证号、门牌房号或诉求人姓名，请删去后再提交")}
        )


# No hotline order or petition this platform takes over is older: an earlier 受理时间 is a typo
# or an empty Excel date (1900-01-00), and would make a case number like NH19000101….
EARLIEST_RECEIVED = dt.date(2000, 1, 1)


def time_errors(
    created_at: dt.datetime | None, external_due_at: dt.datetime | None
) -> dict[str, str]:
    """A case received in the future or before 2000, or due before it was received, is a wrong
    record."""
    errors: dict[str, str] = {}
    now = timezone.now()
    if created_at is not None and created_at > now:
        errors["created_at"] = _("受理时间不能晚于当前时间")
    elif created_at is not None and created_at < dt.datetime.combine(
        EARLIEST_RECEIVED, dt.time(), local_zone()
    ):
        errors["created_at"] = _("受理时间不能早于 %(date)s") % {
            "date": EARLIEST_RECEIVED.isoformat()
        }
    if external_due_at is not None and external_due_at <= (created_at or now):
        errors["external_due_at"] = _("办理时限须晚于受理时间")
    return errors


def _clean_filing(
    *,
    compound: Compound,
    channel: str,
    type: str,
    title: str,
    content: str,
    requester_name: str,
    requester_phone: str,
    address: str,
    building: Building | None,
    unit: Unit | None,
    external_order_no: str,
    category: str = "",
    created_at: dt.datetime | None = None,
    external_due_at: dt.datetime | None = None,
) -> None:
    errors: dict[str, str] = {}
    if channel not in Channel.values:
        errors["channel"] = _("来源渠道无效")
    if type not in CaseType.values:
        errors["type"] = _("诉求类型无效")
    if category and category not in Category.values:
        errors["category"] = _("诉求类别无效")
    errors |= text_errors(
        title=title, content=content, requester_name=requester_name, address=address
    )
    errors |= phone_errors(requester_phone)
    if building is not None and building.compound_id != compound.pk:
        errors["building"] = _("楼栋不属于该小区")
    if unit is not None and unit.building.compound_id != compound.pk:
        errors["unit"] = _("房屋不属于该小区")
    if building is None and unit is None and "address" not in errors:
        errors |= address_errors(compound, address)
    if external_order_no and Case.objects.filter(external_order_no=external_order_no).exists():
        taken = _("外部工单编号 %(number)s 已存在")
        errors["external_order_no"] = taken % {"number": external_order_no}
    errors |= time_errors(created_at, external_due_at)
    if errors:
        raise ValidationError(errors)


def phone_errors(requester_phone: str) -> dict[str, str]:
    """A requester's phone as typed: 7 to 20 digits, spaces, dashes or "+". The staff form
    checks it with this too, so that it is refused with the form's own errors, in one round."""
    if requester_phone and not _PHONE.match(requester_phone):
        return {"requester_phone": _("联系电话格式不正确")}
    return {}


def address_errors(compound: Compound, address: str) -> dict[str, str]:
    """An address naming a building of the compound and a flat it does not have is refused, not
    quietly filed against the building (issue #3); a building alone or a place stays free text."""
    missing = org_selectors.missing_flat(compound, address)
    if missing is None:
        return {}
    building, flat = missing
    message = _("%(compound)s %(building)s 没有 %(flat)s 这户，请核对门牌或只填写楼栋")
    return {
        "address": message % {"compound": compound.name, "building": building.name, "flat": flat}
    }


@transaction.atomic
def case_file(*, actor: Any, compound: Compound, **details: Any) -> Case:
    """受理 a case from any channel; with `duplicate_of`, attach a repeat to the open case (S6)."""
    if not policies.can_file(actor, compound):
        raise PermissionDenied
    # `details` are `create_case`'s keywords, passed through except what a resident may not choose.
    fields = dict(details)
    if policies.is_intake_staff(actor, compound):
        check_channel(actor, fields.get("channel", ""))
    else:
        # A resident files for themselves, online, with photos only (the resident's form takes
        # no PDF); only staff judge a repeat (S6). Their account is the requester: no one
        # else's name or phone (the API takes both, for staff filing on someone's behalf).
        check_own_requester(
            actor, fields.pop("requester_name", ""), fields.pop("requester_phone", "")
        )
        fields.update(
            requester=actor, channel=Channel.ONLINE, duplicate_of=None, photos_images_only=True
        )
    # The desk learns of a case recorded by staff (a grid worker's report, a walk-in) as of a
    # resident's own filing, except the person who recorded it.
    return create_case(actor=actor, compound=compound, notify_desk=True, **fields)


FILED_FOR_OTHERS_NAME = gettext_noop(
    "居民只能以本人名义反映诉求，诉求人为您的账号本人；如需代他人反映，请联系社区工作人员"
)
FILED_FOR_OTHERS_PHONE = gettext_noop(
    "居民只能以本人名义反映诉求，联系电话为您账号登记的手机号；如需代他人反映，请联系社区工作人员"
)

NO_PHONE_ON_FILE = gettext_noop(
    "您的账号未登记手机号，不能另填联系电话；如需登记手机号，请联系社区工作人员"
)


def check_own_requester(actor: Any, name: str, phone: str) -> None:
    """A resident names no requester but themselves: a name or phone other than their own
    account's is refused (a complaint filed under a neighbour's name and phone), nothing saved."""
    person = getattr(actor, "person", None)
    own_name = person.name if person is not None else str(actor)
    own_phone = person.phone if person is not None else ""
    errors: dict[str, str] = {}
    if "".join(str(name).split()) not in ("", "".join(own_name.split())):
        errors["requester_name"] = _(FILED_FOR_OTHERS_NAME)
    if str(phone).strip() and not own_phone.strip():
        errors["requester_phone"] = _(NO_PHONE_ON_FILE)
    elif str(phone).strip() and phone_digits(phone) != phone_digits(own_phone):
        errors["requester_phone"] = _(FILED_FOR_OTHERS_PHONE)
    if errors:
        raise ValidationError(errors)


def create_case(
    *,
    notify_desk: bool,
    actor: Any,
    compound: Compound,
    channel: str,
    type: str,
    title: str,
    content: str,
    requester: Any = None,
    requester_name: str = "",
    requester_phone: str = "",
    building: Building | None = None,
    unit: Unit | None = None,
    address: str = "",
    is_public: bool = False,
    category: str = "",
    respondent_company: PropertyCompany | None = None,
    duplicate_of: Case | None = None,
    external_order_no: str = "",
    external_due_at: dt.datetime | None = None,
    created_at: dt.datetime | None = None,
    suggestion: dict | None = None,
    photos: Iterable[Any] = (),
    photos_images_only: bool = False,
) -> Case:
    """The unchecked creation behind `case_file` and the hotline import (actor None = system)."""
    if requester is not None and getattr(requester, "person", None) is not None:
        requester_name = requester_name or requester.person.name
        requester_phone = requester_phone or requester.person.phone
    elif requester is not None:  # an account without a person: its name, cut to the column
        requester_name = requester_name or str(requester)[:MAX_REQUESTER_NAME]
    _clean_filing(
        compound=compound,
        channel=channel,
        type=type,
        title=title,
        content=content,
        requester_name=requester_name,
        requester_phone=requester_phone.strip(),
        address=address,
        building=building,
        unit=unit,
        external_order_no=external_order_no.strip(),
        category=category,
        created_at=created_at,
        external_due_at=external_due_at,
    )
    if building is None and unit is None and address.strip():
        building, unit = org_selectors.place_in_compound(compound, address)
    if duplicate_of is not None:
        if duplicate_of.status in FINAL_STATUSES or duplicate_of.compound_id != compound.pk:
            raise ValidationError({"duplicate_of": _("只能并入本小区尚未办结的诉求")})
    now = timezone.now()
    created_at = created_at or now
    case = Case(
        number=next_number(created_at),
        channel=channel,
        type=type,
        title=title.strip(),
        content=content.strip(),
        compound=compound,
        building=building or (unit.building if unit is not None else None),
        unit=unit,
        address=address.strip() or compound.address,
        requester=requester,
        requester_name=requester_name.strip(),
        requester_phone=requester_phone.strip(),
        requester_phone_key=phone_key(requester_phone),
        is_public=is_public,
        respondent_company=respondent_company,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        suggestion=suggestion or {},
        external_order_no=external_order_no.strip(),
        external_due_at=external_due_at,
        status=Status.MERGED if duplicate_of is not None else Status.RECEIVED,
        duplicate_of=duplicate_of,
        # A pre-set category (e.g. an Open311 service_code) until 研判 confirms or changes it.
        category=duplicate_of.category if duplicate_of is not None else category,
        sla_class=duplicate_of.sla_class if duplicate_of is not None else "",
        created_at=created_at,
        updated_at=now,
    )
    window = sla.assess_window(case, arrived=now)  # 研判期限 (none for a merged repeat)
    if window is not None:
        case.assess_due_at, case.warn_at = window.due_at, window.warn_at
    case.save(force_insert=True)
    # Recorded now, as the 研判 clock counts from it; an order received earlier elsewhere (a
    # hotline's 受理) says when, so the timeline does not read as if it had been received now.
    note, words = "", {}
    if case.created_at < now - dt.timedelta(minutes=1):
        received = Text(
            gettext_noop("%(channel)s受理于 %(when)s"),
            channel=label(Channel(case.channel).label),
            when=deadlines.local_stamp(case.created_at, year=True),
        )
        note, words = event_notes.written(received)
    payload = {"channel": channel, **words}
    add_event(case, kind=EventKind.FILED, actor=actor, note=note, payload=payload)
    for photo in photos:
        save_attachment(
            case=case,
            actor=actor,
            file=photo,
            kind=AttachmentKind.PHOTO,
            images_only=photos_images_only,
        )
    audit.record(
        action="case.file",
        actor=actor,
        obj=case,
        detail={
            "number": case.number,
            "channel": channel,
            "repeat_of": getattr(duplicate_of, "number", ""),
        },
    )
    if duplicate_of is not None:
        _record_repeat(case=case, original=duplicate_of, actor=actor)
    else:
        notices.tell_requester(
            case,
            kind="case.created",
            title=Text(gettext_noop("您的诉求已受理：%(title)s"), title=notices.short_title(case)),
            body=Text(
                gettext_noop("诉求编号 %(number)s，我们将尽快研判交办。"), number=case.number
            ),
            key="created",
            fresh=True,  # a case created just now: nobody has a notice of it yet
        )
        if notify_desk:
            # Its requester (a desk member filed for by a colleague) heard of it just above.
            told = (actor.pk, case.requester_id)
            notices.send(
                [user for user in notices.supervisors(case) if user.pk not in told],
                case=case,
                kind="case.created",
                title=Text(gettext_noop("收到新的居民诉求")),
                key="created",
                fresh=True,
            )
    if case.status != Status.MERGED:  # a repeat is already linked to its original by a person
        suggest_after_filing(case)  # AI网格员 (G3); never raises, never blocks filing
    return case


def _record_repeat(*, case: Case, original: Case, actor: Any) -> None:
    """S6: the original keeps its clock; it notes the repeat; the requester hears its progress."""
    note, words = event_notes.written(
        Text(gettext_noop("收到重复反映（%(numbers)s），已并入本诉求"), numbers=case.number)
    )
    add_event(
        original,
        kind=EventKind.REPEATED,
        actor=actor,
        note=note,
        payload={"repeat": case.number, **words},
    )
    notices.repeat_joined(case, original)


def save_attachment(
    *, case: Case, actor: Any, file: Any, kind: str, images_only: bool = False
) -> CaseAttachment:
    """Store a checked upload; an image is stored without its metadata (EXIF GPS and all)."""
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("附件类型无效")})
    content_type, content = checked_content(file, images_only=images_only)
    attachment = CaseAttachment(
        case=case,
        kind=kind,
        content_type=content_type,
        size=len(content),
        round=case.round,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(stored_name(content_type), ContentFile(content), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_add(*, case: Case, actor: Any, file: Any, kind: str) -> CaseAttachment:
    """A photo from the requester or evidence from whoever works on the case."""
    if not policies.can_attach(actor, case):
        raise PermissionDenied
    if case.status in FINAL_STATUSES:
        raise ValidationError({"file": _("诉求已办结，不能再上传附件")})
    attachment = save_attachment(case=case, actor=actor, file=file, kind=kind)
    note, words = event_notes.written(label(AttachmentKind(kind).label))
    add_event(
        case,
        kind=EventKind.ATTACHMENT,
        actor=actor,
        note=note,
        payload={"attachment": attachment.pk, **words},
    )
    audit.record(
        action="case.attachment_add", actor=actor, obj=case, detail={"attachment": attachment.pk}
    )
    return attachment


@transaction.atomic
def receipt_print(*, actor: Any, case: Case) -> None:
    """G4: who showed (to print) a case's 受理回执, whose link follows and rates the case as its
    requester. The caller has checked `policies.can_print_receipt`."""
    if not policies.can_print_receipt(actor, case):
        raise PermissionDenied
    by_requester = case.requester_id is not None and case.requester_id == actor.pk
    audit.record(
        action="case.receipt_print",
        actor=actor,
        obj=case,
        detail={"number": case.number, "by_requester": by_requester},
    )
