"""Who may open each cases URL (merged into tests/test_url_permissions.py).

The case pages use a closed 咨询 of resident_a in compound A: it is visible to resident_a and to
the compound's party branch, community, grid and street staff, but neither to property staff
(not assigned to them) nor to the owners' committee (not public). Posting any action to a closed
case is refused with a message and a redirect (302); invisible cases are 404.
"""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Category, Channel, Level
from gongzhi.cases.models import Case, CaseAttachment, RoutingRule
from gongzhi.cases.services.pending_uploads import pending_keep
from gongzhi.cases.tests.images import png_bytes
from gongzhi.cases.tracking import tracking_token
from gongzhi.cases.workflow import SYSTEM_ACTIONS, Action
from gongzhi.core.models import CalendarOverride
from gongzhi.org.testing import Personas
from gongzhi.org.url_expectations import EVERYONE_SIGNED_IN, PERSONAS, Expect

SEES_CASE = {"resident_a", "party_a", "community_worker", "grid_worker", "street_officer"}
STAFF = {
    "property_a",
    "property_b",
    "committee_a",
    "party_a",
    "community_worker",
    "grid_worker",
    "street_officer",
}
DISPATCHERS = {"community_worker", "street_officer"}
PNG = png_bytes(1, 1)


def closed_case(p: Personas, photos: tuple = ()) -> dict:
    case = services.case_file(
        actor=p.resident_a,
        compound=p.compound_a,
        channel=Channel.ONLINE,
        type=CaseType.CONSULTATION,
        title="物业费标准咨询",
        content="请问本小区物业费标准是多少？",
        photos=photos,
    )
    services.case_answer(case=case, actor=p.community_worker, reply="每月每平方米1.8元。")
    return {"pk": case.pk}


def walk_in_case(p: Personas) -> dict:
    """A visitor without an account, recorded at the desk by the grid worker: open, handled by
    nobody yet."""
    case = services.case_file(
        actor=p.grid_worker,
        compound=p.compound_a,
        channel=Channel.VISIT,
        type=CaseType.HELP,
        title="楼道灯不亮",
        content="3单元楼道灯坏了一周，晚上很黑。",
        requester_name="夏女士",
        requester_phone="13912345678",
    )
    return {"pk": case.pk}


def _attachment(p: Personas) -> dict:
    photo = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    pk = closed_case(p, photos=(photo,))["pk"]
    return {"pk": CaseAttachment.objects.get(case_id=pk).pk}


def _kept_photo(p: Personas) -> dict:
    """A photo kept from resident_a's refused 我要反映 form: theirs alone to see."""
    photo = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    kept = pending_keep(actor=p.resident_a, batch=None, files=[photo])
    return {"pk": kept.items[0].pk}


def _wrong_link(p: Personas) -> dict:
    """A real case's number with a tampered token. The right link opens for anyone who holds
    it, signed in or not, of any street (a bearer link: test_tracking.py); without it, nobody,
    not even the street officer, opens or rates a case by its number: 404, nothing changed."""
    number = services.case_file(
        actor=p.grid_worker,
        compound=p.compound_a,
        channel=Channel.VISIT,
        type=CaseType.HELP,
        title="楼道灯不亮",
        content="3单元楼道灯坏了",
        requester_name="夏静琳",
        requester_phone="19900001234",
    ).number
    token = tracking_token(Case.objects.get(number=number))
    return {"number": number, "token": ("1" if token[0] == "0" else "0") + token[1:]}


def _rule(p: Personas) -> dict:
    rule = RoutingRule.objects.create(
        compound=p.compound_a, category=Category.NOISE, level=Level.COMMUNITY
    )
    return {"pk": rule.pk}


def _override(p: Personas) -> dict:
    """Posted data; the day is entered again before each persona tries to delete it."""
    CalendarOverride.objects.get_or_create(date="2027-01-01", is_workday=False, note="元旦")
    return {}


STREET = {"street_officer"}
EXPECTATIONS: dict[str, Expect] = {
    "cases:queue": Expect(ok=STAFF, other=302),
    "cases:report": Expect(ok={"resident_a"}, other=403),
    "cases:kept_photo": Expect(kwargs=_kept_photo, ok={"resident_a"}),
    "cases:mine": Expect(ok=EVERYONE_SIGNED_IN),
    "cases:intake": Expect(
        ok={
            "property_a",
            "property_b",
            "party_a",
            "community_worker",
            "grid_worker",
            "street_officer",
        },
        other=403,
    ),
    "cases:bulk_dispatch": Expect(method="post", ok=DISPATCHERS, ok_status=302, other=403),
    "cases:import": Expect(ok=DISPATCHERS, other=403),
    "cases:metrics": Expect(ok=DISPATCHERS | {"grid_worker", "party_a"}, other=403),
    "cases:hot_topics": Expect(ok=STAFF, other=403),
    "cases:settings_sla": Expect(ok=STREET, other=403),
    "cases:settings_sla_edit": Expect(kwargs=lambda p: {"code": "property"}, ok=STREET, other=403),
    "cases:settings_routing": Expect(ok=STREET, other=403),
    "cases:settings_routing_new": Expect(ok=STREET, other=403),
    # A rule of a compound out of the user's scope is not found.
    "cases:settings_routing_edit": Expect(kwargs=_rule, ok=STREET),
    "cases:settings_routing_delete": Expect(method="post", kwargs=_rule, ok=STREET, ok_status=302),
    "cases:settings_calendar": Expect(ok=STREET, other=403),
    "cases:settings_calendar_delete": Expect(
        method="post",
        kwargs=lambda p: {"day": dt.date(2027, 1, 1)},
        data=_override,
        ok=STREET,
        ok_status=302,
        other=403,
    ),
    "cases:attachment": Expect(kwargs=_attachment, ok=SEES_CASE),
    "cases:photo": Expect(kwargs=_attachment, ok=SEES_CASE),
    "cases:detail": Expect(kwargs=closed_case, ok=SEES_CASE),
    # 受理回执: for a requester without an account, the compound's intake staff print it (S9:
    # never a property company); an account holder's is theirs alone
    # (test_receipt_rating_by_account).
    "cases:receipt": Expect(
        kwargs=walk_in_case, ok={"community_worker", "grid_worker", "street_officer"}
    ),
    "track:lookup": Expect(ok=set(PERSONAS), anonymous=200),
    "track:case": Expect(kwargs=_wrong_link, anonymous=404),
    "track:rate": Expect(
        method="post",
        kwargs=_wrong_link,
        anonymous=404,
        data=lambda p: {"resolved": "1", "level": "satisfied"},
    ),
    "cases:reply_draft": Expect(kwargs=closed_case, ok=SEES_CASE - {"resident_a"}, other=404),
    "cases:rate": Expect(method="post", kwargs=closed_case, ok=SEES_CASE, ok_status=302),
    **{
        f"cases:{action}": Expect(method="post", kwargs=closed_case, ok=SEES_CASE, ok_status=302)
        for action in Action.values
        if action not in SYSTEM_ACTIONS
    },
}
