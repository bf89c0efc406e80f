"""Intake: numbers, repeats (S6), 咨询 answered at once (S1), not accepted (S7), attachments,
resolution needs evidence and a public reply."""

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.cases import services
from gongzhi.cases.choices import AttachmentKind, CaseType, Channel, NotAcceptedReason
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.tests.conftest import png
from gongzhi.cases.workflow import Status
from gongzhi.core.models import AuditRecord, Notification


@pytest.mark.django_db
def test_numbers_count_per_local_day(make) -> None:
    with time_machine.travel("2026-11-29 23:30:00+08:00", tick=False):
        first, second = make.received(), make.received()
    with time_machine.travel("2026-11-30 00:10:00+08:00", tick=False):
        third = make.received()
    assert [first.number, second.number, third.number] == [
        "NH202611290001", "NH202611290002", "NH202611300001",
    ]  # fmt: skip


@pytest.mark.django_db
def test_filing_writes_event_audit_and_tells_the_requester(make, personas) -> None:
    case = make.received()
    assert case.status == Status.RECEIVED and case.requester_phone == "13812341234"
    assert case.events.get().kind == "filed"
    assert AuditRecord.objects.filter(action="case.file", object_id=str(case.pk)).exists()
    assert Notification.objects.filter(recipient=personas.resident_a, kind="case.created").exists()


@pytest.mark.django_db
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(personas) -> None:
    p = personas
    with pytest.raises(ValidationError) as error:
        services.case_file(
            actor=p.grid_worker, compound=p.compound_a, channel="fax", type=CaseType.HELP,
            title=" ", content="", requester_phone="abc", building=p.building_b,
        )  # fmt: skip
    assert error.value.message_dict == {
        "channel": ["来源渠道无效"], "title": ["请填写标题"], "content": ["请填写诉求内容"],
        "requester_phone": ["联系电话格式不正确"], "building": ["楼栋不属于该小区"],
    }  # fmt: skip
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_repeat_attaches_to_the_open_case_without_a_new_clock(make, personas) -> None:
    p = personas
    original = make.accepted()
    due = original.due_at
    repeat = services.case_file(
        actor=p.grid_worker, compound=p.compound_a, channel=Channel.HOTLINE_12345,
        type=CaseType.HELP, title="楼道灯还是不亮", content="同一问题再次反映",
        requester=p.resident_b, duplicate_of=original,
    )  # fmt: skip
    assert repeat.status == Status.MERGED and repeat.duplicate_of == original
    assert repeat.due_at is None
    original.refresh_from_db()
    assert original.due_at == due and original.status == Status.ACCEPTED
    assert CaseEvent.objects.filter(case=original, kind="repeated").count() == 1
    told = Notification.objects.get(recipient=p.resident_b, kind="case.repeated")
    assert original.number in told.body and "已签收" in told.body
    closed = make.resolved()
    services.case_visit(case=closed, actor=p.resident_a, resolved=True, level="satisfied",
                        via="online")  # fmt: skip
    with pytest.raises(ValidationError):
        services.case_file(
            actor=p.grid_worker, compound=p.compound_a, channel=Channel.HOTLINE_12345,
            type=CaseType.HELP, title="t", content="c", duplicate_of=closed,
        )  # fmt: skip


@pytest.mark.django_db
def test_a_consultation_is_answered_and_closed_at_once(make, personas) -> None:
    p = personas
    help_case = make.received()
    with pytest.raises(ValidationError, match="仅咨询类"):
        services.case_answer(case=help_case, actor=p.community_worker, reply="答复")
    case = make.received(type=CaseType.CONSULTATION)
    for personal in ("请致电138-1234-1234", "已告知张三", "已答复张先生", "1栋1单元101已通水"):
        with pytest.raises(ValidationError, match="不得包含电话、身份证号、门牌房号或诉求人姓名"):
            services.case_answer(case=case, actor=p.community_worker, reply=personal)
    services.case_answer(case=case, actor=p.community_worker, reply="改造计划已于明年启动。")
    assert case.status == Status.CLOSED and case.public_reply == "改造计划已于明年启动。"


@pytest.mark.django_db
def test_not_accepted_names_the_right_channel(make, personas) -> None:
    case = make.received()
    services.case_not_accept(
        case=case, actor=personas.community_worker, reason=NotAcceptedReason.ARBITRATION
    )
    assert case.status == Status.NOT_ACCEPTED
    note = case.events.last().note
    assert "已进入仲裁程序" in note and "仲裁机构" in note
    told = Notification.objects.get(recipient=personas.resident_a, kind="case.not_accepted")
    assert "仲裁机构" in told.body
    with pytest.raises(ValidationError):
        services.case_not_accept(case=make.received(), actor=personas.community_worker, reason="")


@pytest.mark.django_db
def test_a_matter_already_concluded_is_told_once_without_repeating_itself(
    make, personas, client
) -> None:
    case = make.received()
    services.case_not_accept(
        case=case, actor=personas.community_worker, reason=NotAcceptedReason.CONCLUDED
    )
    assert case.public_reply == "已依法办结，如有异议，可向原办理机关的上一级机关申请复查。"
    client.force_login(personas.resident_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "已依法办结，如有异议，可向原办理机关的上一级机关申请复查。</div>" in page  # the banner
    assert 'data-testid="public-reply"' not in page  # and not the same sentence again below it


@pytest.mark.django_db
def test_resolution_needs_evidence_and_a_clean_public_reply(make, personas) -> None:
    p = personas
    case = make.in_progress()
    with pytest.raises(ValidationError, match="处置凭证"):
        services.case_resolve(case=case, actor=p.property_a, public_reply="已修好")
    with pytest.raises(ValidationError, match="公开答复"):
        services.case_resolve(case=case, actor=p.property_a, public_reply="", evidence=[png()])
    with pytest.raises(ValidationError, match="不得包含"):
        services.case_resolve(
            case=case, actor=p.property_a, public_reply="联系张师傅13900001111", evidence=[png()]
        )
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and not case.attachments.exists()
    services.case_resolve(case=case, actor=p.property_a, public_reply="已修好", evidence=[png()])
    assert case.status == Status.RESOLVED and case.visit_due_at is not None
    assert Notification.objects.filter(recipient=p.resident_a, kind="case.rate_request").exists()


@pytest.mark.django_db
def test_attachments_are_checked_by_content_and_size(make, personas) -> None:
    case = make.received()
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="仅支持"):
        services.attachment_add(case=case, actor=personas.resident_a, file=fake, kind="photo")
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024))
    with pytest.raises(ValidationError, match="5 MB"):
        services.attachment_add(case=case, actor=personas.resident_a, file=big, kind="photo")
    pdf = SimpleUploadedFile("张三13812341234.pdf", b"%PDF-1.7 ...")
    attachment = services.attachment_add(
        case=case, actor=personas.resident_a, file=pdf, kind=AttachmentKind.PHOTO
    )
    assert attachment.content_type == "application/pdf"
    assert "1381234" not in attachment.file.name  # the uploader's file name is not kept


@pytest.mark.django_db
def test_staff_intake_links_the_written_address_to_the_flat(personas) -> None:
    p = personas
    case = services.case_file(
        actor=p.grid_worker, compound=p.compound_a, channel="visit", type="help",
        title="楼上漏水", content="卫生间天花板一直滴水", address="A小区1号楼1单元102室",
    )  # fmt: skip
    assert (case.building, case.unit) == (p.unit_a2.building, p.unit_a2)
    assert case.address == "A小区1号楼1单元102室"  # what was written is kept as written


@pytest.mark.django_db
def test_a_grid_workers_report_reaches_the_desk_but_not_the_reporter(make, personas) -> None:
    from gongzhi.core.models import Notification

    case = make.received(channel=Channel.GRID_WORKER)  # recorded by the grid worker
    told = set(
        Notification.objects.filter(kind="case.created", link=f"/cases/{case.pk}/")
        .exclude(recipient=personas.resident_a)
        .values_list("recipient__username", flat=True)
    )
    assert told == {"community_worker", "street_officer"}
