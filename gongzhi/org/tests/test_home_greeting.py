"""The home page greets a person by name and says what they are to their household."""

import pytest
from django.test import Client

from gongzhi.org import services
from gongzhi.org.models import Community, Person, Residency, Role
from gongzhi.org.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _home(user) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client.get("/").content.decode()


def _roles(html: str) -> list[str]:
    parts = html.split('data-testid="role">')[1:]
    return [part.split("</span>", 1)[0] for part in parts]


def test_a_resident_is_greeted_by_name_without_a_label(personas):
    user = personas.resident_a
    user.display_name = "业主·张三"
    user.save()
    html = _home(user)
    assert "您好，张三</h1>" in html and "您好，业主·张三" not in html


def test_staff_without_a_person_keep_their_display_name(personas):
    assert "您好，社区工作者</h1>" in _home(personas.community_worker)


def test_an_owner_and_a_tenant_see_what_they_are_to_the_household(personas):
    assert [r.split(" · ")[0] for r in _roles(_home(personas.resident_a))] == ["业主"]

    person = Person.objects.create(name="王五", phone="13700000000")
    Residency.objects.create(unit=personas.unit_a2, person=person, kind=Residency.Kind.TENANT)
    tenant = make_user("tenant_a2", "租户·王五", person)
    services.role_grant(actor=None, user=tenant, role=Role.RESIDENT, node=personas.unit_a2)
    roles = _roles(_home(tenant))
    assert [r.split(" · ")[0] for r in roles] == ["租户"]
    assert "居民/业主" not in _home(tenant)


def test_a_community_named_with_its_suffix_is_not_doubled(personas):
    Community.objects.filter(pk=personas.community1.pk).update(name="华锦社区")
    resident = _home(personas.resident_a)
    assert "华锦社区 ·" in resident and "华锦社区社区" not in resident
    staff = _home(personas.community_worker)
    assert "华锦社区</div>" in staff and "华锦社区社区" not in staff
    # A name without the suffix still gets it.
    assert "宝安社区</div>" in _home(personas.street_officer)
