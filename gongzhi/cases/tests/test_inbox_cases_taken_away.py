"""A company's notices of a case taken from it (改派, or its own 退单) no longer lead to a page
that answers 404: the inbox shows no 查看 for them, and following an old one returns to the
inbox with a word why. Notices of cases still theirs keep 查看."""

import pytest
from django.test import Client

from gongzhi.cases import services
from gongzhi.cases.choices import Level
from gongzhi.cases.models import Case
from gongzhi.core.models import Notification
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _notices(user, case: Case) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, link=f"/cases/{case.pk}/"))


def _view_buttons(html: str, notice: Notification) -> int:
    return html.count(f'action="/me/notifications/{notice.pk}/read/"')


def test_a_reassigned_case_leaves_no_view_button_in_the_old_companys_inbox(make, personas) -> None:
    p = personas
    kept = make.accepted(title="垃圾清运不及时")
    taken = make.accepted(title="电梯异响")
    services.case_supervise(case=taken, actor=p.community_worker, reason="请加快办理")
    taken.refresh_from_db()
    old = _notices(p.property_a, taken)
    assert {n.kind for n in old} == {"case.assigned", "case.supervised"}
    services.case_reassign(
        case=taken, actor=p.street_officer, level=Level.COMMUNITY, reason="物业无力处理此事"
    )
    client = _client(p.property_a)
    assert client.get(f"/cases/{taken.pk}/").status_code == 404
    html = client.get("/me/notifications/").content.decode()
    assert html.count('data-testid="notification-closed"') == len(old)
    assert "已不由您办理，无法查看" in html
    supervised = next(n for n in old if n.kind == "case.supervised")
    # only its 标为已读 form is left, not the 查看 one (which carries go=1)
    assert _view_buttons(html, supervised) == 1
    response = client.post(f"/me/notifications/{supervised.pk}/read/", {"go": "1"})
    assert response.status_code == 302 and response.url == "/me/notifications/"
    (still,) = [n for n in _notices(p.property_a, kept) if n.kind == "case.assigned"]
    response = client.post(f"/me/notifications/{still.pk}/read/", {"go": "1"})
    assert response.url == f"/cases/{kept.pk}/"


def test_a_returned_case_leaves_no_view_button_in_the_returners_inbox(make, personas) -> None:
    p = personas
    case = make.accepted()
    services.case_supervise(case=case, actor=p.community_worker, reason="请加快办理")
    case.refresh_from_db()
    services.case_return(case=case, actor=p.property_a, reason="属市政路灯，非物业职责范围")
    html = _client(p.property_a).get("/me/notifications/").content.decode()
    assert html.count('data-testid="notification-closed"') == len(_notices(p.property_a, case))
    # the desk still opens it
    desk = _client(p.community_worker).get("/me/notifications/").content.decode()
    assert 'data-testid="notification-closed"' not in desk
