"""S9/G2: the requester's identity never reaches the party complained about, nor the public."""

import pytest

from gongzhi.cases import selectors, services
from gongzhi.cases.choices import CaseType, Channel
from gongzhi.core.models import AuditRecord


def _complaint_about_x(personas):
    p = personas
    return services.case_file(
        actor=p.grid_worker, compound=p.compound_a, channel=Channel.HOTLINE_12345,
        type=CaseType.COMPLAINT, title="物业不作为",
        content="保洁长期不到位，投诉人电话13812341234",
        requester=p.resident_a, respondent_company=p.company_x, is_public=True,
    )  # fmt: skip


@pytest.mark.django_db
def test_property_a_never_sees_the_phone_of_a_complaint_about_company_x(make, personas) -> None:
    p = personas
    case = _complaint_about_x(p)
    services.case_assess(case=case, actor=p.community_worker, category="property_service",
                         sla_class="property", urgency="normal")  # fmt: skip
    services.case_dispatch(case=case, actor=p.community_worker, level="compound",
                           company=p.company_x)  # fmt: skip
    detail = selectors.case_detail(p.property_a, case.pk)  # company X handles it…
    assert detail.requester == selectors.WITHHELD  # not even a masked name or phone
    assert not detail.can_reveal
    card = selectors.case_requester(p.property_a, case, reveal=True)  # …and asks anyway
    assert card.masked and "13812341234" not in card.phone
    assert not AuditRecord.objects.filter(action="pii.view").exists()


@pytest.mark.django_db
def test_a_repair_request_shows_the_phone_to_the_company_doing_the_work(make, personas) -> None:
    p = personas
    case = make.dispatched()  # a 求助 not about anyone
    assert selectors.case_requester(p.property_a, case, reveal=True).phone == "13812341234"
    assert selectors.case_requester(p.property_b, case, reveal=True).masked
    assert AuditRecord.objects.filter(action="pii.view", actor=p.property_a).count() == 1


@pytest.mark.parametrize(
    ("name", "sees"),
    [("resident_a", True), ("grid_worker", True), ("community_worker", True),
     ("street_officer", True), ("party_a", False), ("committee_a", False), ("outsider", False)],
)  # fmt: skip
@pytest.mark.django_db
def test_who_may_unmask_a_complaint(personas, name, sees) -> None:
    case = _complaint_about_x(personas)
    card = selectors.case_requester(getattr(personas, name), case, reveal=True)
    assert (card.phone == "13812341234") is sees


@pytest.mark.django_db
def test_public_pages_never_carry_personal_data(personas) -> None:
    case = _complaint_about_x(personas)
    public = selectors.public_case(case)
    text = " ".join(str(v) for v in vars(public).values())
    assert "13812341234" not in text and "张三" not in text
    # Content published only because is_public, and with no number, not even a masked one.
    assert public.content == "保洁长期不到位，投诉人电话[已隐去]"
    case.is_public = False
    assert selectors.public_case(case).content == ""


@pytest.mark.django_db
def test_the_company_complained_about_sees_neither_name_nor_home_on_page_or_api(
    client, personas
) -> None:
    from gongzhi.api.tests.conftest import bearer

    p = personas
    case = services.case_file(
        actor=p.resident_a, compound=p.compound_a, channel=Channel.ONLINE,
        type=CaseType.COMPLAINT, title="保洁不到位", content="楼道一周没人打扫，电话13812341234",
        requester=p.resident_a, unit=p.unit_a, respondent_company=p.company_x,
    )  # fmt: skip
    services.case_assess(case=case, actor=p.community_worker, category="property_service",
                         sla_class="property", urgency="normal")  # fmt: skip
    services.case_dispatch(case=case, actor=p.community_worker, level="compound",
                           company=p.company_x)  # fmt: skip
    client.force_login(p.property_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "诉求人信息保密" in page and "具体位置已保密" in page
    for trace in ("张*", "138****1234", "13812341234", p.unit_a.label, p.unit_a.building.name):
        assert trace not in page
    api = bearer(p.property_a).get(f"/api/v1/cases/{case.pk}").json()
    assert api["requester"] == {"name": "（诉求人信息保密）", "phone": "", "masked": True}
    assert "13812341234" not in api["content"] and api["address"] == ""
    # The community worker who handles the complaint still sees who and where: masked, the
    # building and the entrance (G1: no room beside a complaint), the room once they reveal.
    client.force_login(p.community_worker)
    masked = client.get(f"/cases/{case.pk}/").content.decode()
    assert "张*" in masked and "1栋 1单元" in masked and p.unit_a.label not in masked
    revealed = client.post(f"/cases/{case.pk}/", {"reveal": "1"}).content.decode()
    assert p.unit_a.label in revealed


@pytest.mark.django_db
def test_a_complainant_who_signs_their_message_is_not_named_to_the_company_or_the_public(
    client, personas
) -> None:
    """The hotline recorded the call under the caller's number only; the message itself says
    who wrote it. The company it is about, the API and the public pages read it without."""
    from gongzhi.api.tests.conftest import bearer

    p = personas
    case = services.case_file(
        actor=p.grid_worker, compound=p.compound_a, channel=Channel.HOTLINE_12345,
        type=CaseType.COMPLAINT, title="本人赵敏投诉物业保安",
        content="我是业主赵敏，物业保安辱骂我，我叫王建华的邻居也看见了。",
        requester_phone="13812341234", respondent_company=p.company_x, is_public=True,
    )  # fmt: skip
    services.case_assess(case=case, actor=p.community_worker, category="property_service",
                         sla_class="property", urgency="normal")  # fmt: skip
    services.case_dispatch(case=case, actor=p.community_worker, level="compound",
                           company=p.company_x)  # fmt: skip
    client.force_login(p.property_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "物业保安辱骂我" in page  # what happened is there
    api = bearer(p.property_a).get(f"/api/v1/cases/{case.pk}").json()
    public = selectors.public_case(case)
    for shown in (page, api["title"], api["content"], public.title, public.content):
        assert "赵敏" not in shown and "王建华" not in shown
    client.force_login(p.community_worker)  # who handles the complaint still reads it whole
    assert "赵敏" in client.get(f"/cases/{case.pk}/").content.decode()
