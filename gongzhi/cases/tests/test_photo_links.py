"""A case's photos and files, as a screen reader names their links: each says what it is once
("处置凭证"), not the picture's description and then the caption beneath it again."""

import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongzhi.cases.models import CaseAttachment
from gongzhi.cases.tests.images import png_bytes

pytestmark = pytest.mark.django_db


class _LinkNames(HTMLParser):
    """The accessible name of each link inside data-testid="attachments", computed the way a
    browser does from its content: text and an image's alt, minus aria-hidden parts."""

    VOID = {"img", "br", "input", "meta", "link", "hr", "source"}

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self._inside = 0  # depth within the attachments block
        self._hidden = 0  # depth within an aria-hidden subtree
        self._link: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if self._inside == 0:
            if attrs.get("data-testid") == "attachments":
                self._inside = 1
            return
        if tag in self.VOID:
            if tag == "img" and self._link is not None and not self._hidden:
                self._link.append(attrs.get("alt") or "")
            return
        self._inside += 1
        if self._hidden or attrs.get("aria-hidden") == "true":
            self._hidden += 1
        if tag == "a":
            self._link = [attrs["aria-label"]] if "aria-label" in attrs else []

    def handle_endtag(self, tag: str) -> None:
        if self._inside == 0 or tag in self.VOID:
            return
        self._inside -= 1
        if self._hidden:
            self._hidden -= 1
        if tag == "a" and self._link is not None:
            self.names.append(re.sub(r"\s+", " ", " ".join(self._link)).strip())
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._link is not None and not self._hidden:
            self._link.append(data)


def _link_names(html: str) -> list[str]:
    parser = _LinkNames()
    parser.feed(html)
    return parser.names


def _case_page(user, case) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_photo_link_is_named_once_by_its_caption(make, personas):
    photos = [SimpleUploadedFile(f"p{i}.png", png_bytes(4, 4)) for i in (1, 2)]
    case = make.received(photos=photos)
    label = case.attachments.first().get_kind_display()

    staff = _link_names(_case_page(personas.community_worker, case))
    resident = _link_names(_case_page(personas.resident_a, case))

    assert staff == [label, label]
    assert resident == [label, label]


def test_a_file_link_is_named_once_without_its_icon(make, personas):
    case = make.received(photos=[SimpleUploadedFile("p.png", png_bytes(4, 4))])
    CaseAttachment.objects.filter(case=case).update(content_type="application/pdf")
    label = case.attachments.get().get_kind_display()

    assert _link_names(_case_page(personas.community_worker, case)) == [label]
