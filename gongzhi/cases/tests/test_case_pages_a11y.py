"""The tracking page (凭回执链接) and the staff case page on a phone at large text: each detail's
label takes its own line instead of a column a character wide, the status badges wrap under the
title instead of squeezing it to half the card (or, on the staff page, running off the screen),
and the case number and the dates are never broken in the middle."""

import re

import pytest
from django.test import Client

from gongzhi.cases.models import Case
from gongzhi.cases.tests.conftest import CaseMaker
from gongzhi.cases.tests.test_tracking import WalkIn, link
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _details(page: str) -> str:
    """The first <dl> of the page: the case's details."""
    return re.search(r"<dl [^>]*>.*?</dl>", page, flags=re.S)[0]


def _classes(page: str, testid: str) -> list[str]:
    return re.search(rf'<\w+ class="([^"]*)"[^>]*data-testid="{testid}"', page)[1].split()


def _escalate(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(
        escalation_level=2, assigned_level="department", supervised=True
    )


def test_the_tracking_page_stacks_its_details_and_keeps_the_number_whole(personas) -> None:
    case = WalkIn(personas).in_progress()
    _escalate(case)
    page = Client().get(link(case)).content.decode()

    labels = re.findall(r'<dt class="([^"]*)">([^<]*)</dt>', _details(page))
    assert [text for _, text in labels][:3] == ["受理时间", "所在小区", "诉求人"]
    for classes, _ in labels:
        assert {"col-12", "col-sm-3"} <= set(classes.split()), classes  # its own line on a phone
    assert re.search(r'<span class="text-nowrap">\d{4}-\d\d-\d\d \d\d:\d\d</span>', page)

    assert "gz-case-number" in _classes(page, "case-number")
    assert "max-width: 50%" not in page  # the title is not squeezed beside the badges
    title_row = page.split('<div class="gz-title-row">', 1)[1].split("</div>\n", 1)[0]
    assert 'data-testid="track-title"' in title_row and 'data-testid="escalated"' in title_row
    assert "gz-badge-wrap" in _classes(page, "escalated")


def test_the_staff_case_page_wraps_the_badges_under_the_title_on_a_phone(personas) -> None:
    case = CaseMaker(personas).in_progress(title="楼道灯坏了")
    _escalate(case)
    page = _client(personas.street_officer).get(f"/cases/{case.pk}/").content.decode()

    title_row = page.split('<div class="gz-title-row">', 1)[1].split("</div>\n", 1)[0]
    assert re.search(r'<h1 class="[^"]*gz-title[^"]*">楼道灯坏了</h1>', title_row)
    assert "max-width: 50%" not in page
    status = re.search(r'<div class="([^"]*)">\s*<span class="badge', title_row)[1].split()
    assert {"gz-status", "gz-status-aside"} <= set(status)  # beside the title from 768 px up
    # "Overdue, escalated: Department" wraps inside the card instead of running off the screen.
    assert "gz-badge-wrap" in _classes(page, "escalated")
    assert "gz-badge-wrap" in _classes(page, "status")
    assert "gz-case-number-inline" in _classes(page, "case-number")


def test_the_staff_case_details_stack_on_a_phone_and_stay_in_columns_from_a_tablet(
    personas,
) -> None:
    case = CaseMaker(personas).in_progress()
    page = _client(personas.property_a).get(f"/cases/{case.pk}/").content.decode()

    labels = re.findall(r'<dt class="([^"]*)">([^<]*)</dt>', _details(page))
    assert [text for _, text in labels][:3] == ["位置", "诉求人", "受理时间"]
    for classes, _ in labels:
        assert set(classes.split()) == {"col-12", "col-sm-4", "col-md-3"}, classes
    received = re.search(r"<dt [^>]*>受理时间</dt><dd [^>]*>(.*?)</dd>", page)[1]
    assert re.fullmatch(r'<span class="text-nowrap">\d{4}-\d\d-\d\d \d\d:\d\d</span>', received)
