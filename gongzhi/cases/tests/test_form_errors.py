"""A refused form (cases/_fields.html): every error at once, listed above the form with a link to
each field, the fields marked invalid, and each error and help text under the id the field's
aria-describedby names, so that a screen reader reads it with the field. The staff intake form
refuses a bad phone with the form's other errors (one round, the photo chosen again once)."""

from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gongzhi.cases import services
from gongzhi.cases.models import Case
from gongzhi.cases.tests.conftest import png
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

NO_3001 = "A小区 1栋 没有 1单元3001 这户，请核对门牌或只填写楼栋"


class _Elements(HTMLParser):
    """Each element with an id: its attributes and its text (nested elements' included)."""

    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.attrs: dict[str, dict[str, str]] = {}
        self.text: dict[str, str] = {}
        self.summary: list[tuple[str, str]] = []  # (href, text) of the error summary's links
        self._open: list[str | None] = []
        self._in_summary = 0
        self._link: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = {k: v or "" for k, v in attrs}
        if "id" in attrs:
            self.attrs[attrs["id"]] = attrs
            self.text.setdefault(attrs["id"], "")
        if tag in self.VOID:
            return
        if attrs.get("data-testid") == "error-summary":
            self.summary_attrs = attrs
            self._in_summary = len(self._open) + 1
        if tag == "a" and self._in_summary:
            self._link = attrs.get("href", "")
            self.summary.append((self._link, ""))
        self._open.append(attrs.get("id"))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID or not self._open:
            return
        if len(self._open) == self._in_summary:
            self._in_summary = 0
        self._open.pop()
        if tag == "a":
            self._link = None

    def handle_data(self, data: str) -> None:
        for element in filter(None, self._open):
            self.text[element] += data
        if self._link is not None:
            href, text = self.summary[-1]
            self.summary[-1] = (href, text + data)


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _intake(personas, **data) -> tuple[object, _Elements]:
    posted = {"channel": "visit", "type": "help", "compound": personas.compound_a.pk, **data}
    response = _client(personas.grid_worker).post("/cases/intake/", posted)
    return response, _Elements(response.content.decode())


def test_a_refused_filing_lists_every_error_at_once_above_the_form(
    personas, settings, tmp_path
) -> None:
    """No 诉求内容, a phone that is not one and a flat the building lacks: all three come back
    together (the phone and the flat used to wait for a second refusal), listed at the top with
    a link to each field; the photo is kept (shown below its field), not to be chosen again."""
    settings.MEDIA_ROOT = tmp_path
    response, page = _intake(
        personas, content="", requester_phone="abc", address="A小区1栋1单元3001", photos=png()
    )
    assert response.status_code == 200 and not Case.objects.exists()
    assert page.summary_attrs["role"] == "alert"
    assert "autofocus" in page.summary_attrs and page.summary_attrs["tabindex"] == "-1"
    assert page.summary == [
        ("#id_address", f"楼栋/房号/位置：{NO_3001}"),
        ("#id_content", "诉求内容：请填写诉求内容"),
        ("#id_requester_phone", "联系电话：联系电话格式不正确"),
    ]
    assert 'data-testid="kept-thumbnail"' in response.content.decode()
    assert "这个字段是必填项" not in response.content.decode()
    # The form checks the phone by the service's rule; the service, the only way to write,
    # still checks it (the API and the import call it without the form).
    with pytest.raises(ValidationError) as refused:
        services.case_file(
            actor=personas.grid_worker,
            compound=personas.compound_a,
            channel="visit",
            type="help",
            title="求助",
            content="求助",
            requester_phone="abc",
        )
    assert refused.value.message_dict == {"requester_phone": ["联系电话格式不正确"]}
    response, _page = _intake(personas, content="楼道灯坏了", requester_phone="138 0000-1111")
    assert response.status_code == 302 and Case.objects.get().requester_phone == "138 0000-1111"


def test_invalid_fields_are_marked_and_described_by_their_error_and_help(personas) -> None:
    _response, page = _intake(personas, content="", requester_phone="abc", address="1栋")
    for name in ("content", "requester_phone"):
        field = page.attrs[f"id_{name}"]
        assert "is-invalid" in field["class"].split() and field["aria-invalid"] == "true"
        assert field["aria-describedby"].split()[-1] == f"id_{name}_error"
    assert page.text["id_content_error"].strip() == "请填写诉求内容"
    assert page.text["id_requester_phone_error"].strip() == "联系电话格式不正确"
    # A valid field is not marked; its help text is read with it.
    address = page.attrs["id_address"]
    assert "is-invalid" not in address["class"].split()
    assert address["aria-describedby"] == "id_address_helptext"
    assert page.text["id_address_helptext"].startswith("写明楼栋和房号")


def test_the_requester_phone_is_typed_on_the_dial_pad(personas) -> None:
    page = _Elements(_client(personas.grid_worker).get("/cases/intake/").content.decode())
    phone = page.attrs["id_requester_phone"]
    assert (phone["type"], phone["inputmode"], phone["autocomplete"]) == ("tel", "tel", "off")


def test_a_refused_action_form_on_the_case_page_has_the_same_summary_and_ids(
    personas, make
) -> None:
    """The case page's action forms share the partial: their fields' ids carry the action."""
    case = make.in_progress()
    response = _client(personas.property_a).post(
        f"/cases/{case.pk}/resolve",
        {"version": case.version, "public_reply": "", "evidence": png()},
    )
    page = _Elements(response.content.decode())
    assert page.summary == [
        ("#id_resolve_public_reply", "公开答复（将告知诉求人，不得含个人信息）：请填写公开答复"),
        (
            "#id_resolve_evidence",
            "处置凭证（必传：照片或 PDF，每个不超过 5 MB）："
            "表单有误，刚才选择的文件没有保存：改正后请重新选择。",
        ),
    ]
    reply = page.attrs["id_resolve_public_reply"]
    assert "is-invalid" in reply["class"].split()
    assert reply["aria-describedby"].startswith("id_resolve_public_reply_error")
    assert page.text["id_resolve_public_reply_error"].strip() == "请填写公开答复"


def test_a_refused_rating_describes_its_radio_groups_by_their_errors(personas, make) -> None:
    """A radio group is described on its fieldset (Django puts no aria-describedby on each
    choice), and the summary links to its first choice."""
    case = make.resolved()
    response = _client(personas.resident_a).post(
        f"/cases/{case.pk}/rate", {"version": case.version, "level": "satisfied"}
    )
    html = response.content.decode()
    page = _Elements(html)
    assert page.summary == [("#id_visit_resolved_0", "问题是否解决：请选择问题是否解决")]
    assert '<fieldset class="mb-3" aria-describedby="id_visit_resolved_error">' in html
    assert page.text["id_visit_resolved_error"].strip() == "请选择问题是否解决"
    assert "is-invalid" in page.attrs["id_visit_resolved_0"]["class"].split()
    assert "is-invalid" not in page.attrs["id_visit_level_0"]["class"].split()


def test_the_residents_form_lists_its_errors_too(personas) -> None:
    response = _client(personas.resident_a).post(
        "/cases/new/", {"type": "help", "content": "", "place": f"unit:{personas.unit_a.pk}"}
    )
    page = _Elements(response.content.decode())
    assert page.summary == [("#id_content", "反映内容：请填写反映内容")]
    assert page.attrs["id_content"]["aria-describedby"].startswith("id_content_error")
    assert page.text["id_content_error"].strip() == "请填写反映内容"


def test_a_successful_action_lands_at_the_top_where_its_message_is(personas, make) -> None:
    """The form posted to its #act-<action>; the success redirect names the top instead (a
    browser keeps the form's fragment through a redirect that names none)."""
    case = make.dispatched()
    client = _client(personas.community_worker)
    response = client.post(f"/cases/{case.pk}/supervise", {"version": case.version, "reason": ""})
    assert response.status_code == 400  # refused: the page again, at the form's own fragment
    response = client.post(
        f"/cases/{case.pk}/supervise", {"version": case.version, "reason": "请尽快处理"}
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/#top"
