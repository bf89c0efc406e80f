"""The one scoped-read mechanism: each persona reads exactly its part of the tree."""

import pytest
from django.test import Client

from gongzhi.core.models import AuditRecord
from gongzhi.org.models import Compound, ServiceContract, Unit
from gongzhi.org.scopes import forget_scope
from gongzhi.org.testing import PASSWORD


def _names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


@pytest.mark.django_db
def test_each_persona_sees_only_the_compounds_of_its_scope(personas) -> None:
    p = personas
    expected = {
        p.street_officer: {"A小区", "B小区", "C小区"},
        p.community_worker: {"A小区", "B小区"},
        p.grid_worker: {"A小区", "B小区"},
        p.property_a: {"A小区", "C小区"},
        p.property_b: {"B小区"},
        p.committee_a: {"A小区"},
        p.party_a: {"A小区"},
        p.resident_a: {"A小区"},  # their own compound, as an ancestor of their unit
        p.outsider: set(),
    }
    for user, names in expected.items():
        assert _names(Compound.objects.visible_to(user)) == names, user.username


@pytest.mark.django_db
def test_a_resident_sees_only_their_own_household(personas) -> None:
    visible = Unit.objects.visible_to(personas.resident_a)
    assert list(visible) == [personas.unit_a]


@pytest.mark.django_db
def test_a_lapsed_contract_hands_the_compound_to_the_successor(personas) -> None:
    import datetime as dt
    from decimal import Decimal

    p = personas
    ServiceContract.objects.create(
        company=p.company_y,
        compound=p.compound_a,
        fee_mode="trust",
        start=dt.date(2025, 6, 1),
        fee_per_m2=Decimal("2.00"),
    )
    forget_scope(p.property_a)
    forget_scope(p.property_b)
    assert _names(Compound.objects.visible_to(p.property_a)) == {"C小区"}
    assert _names(Compound.objects.visible_to(p.property_b)) == {"A小区", "B小区"}


@pytest.mark.django_db
def test_pages_outside_scope_are_404_not_403(personas) -> None:
    client = Client()
    client.login(username="property_b", password=PASSWORD)
    assert client.get(f"/org/compounds/{personas.compound_a.pk}/").status_code == 404
    assert client.get(f"/org/units/{personas.unit_a.pk}/").status_code == 404
    assert client.get(f"/org/compounds/{personas.compound_b.pk}/").status_code == 200


@pytest.mark.django_db
def test_contacts_are_masked_unless_the_role_needs_them(personas) -> None:
    url = f"/org/units/{personas.unit_a.pk}/"
    committee = Client()
    committee.login(username="committee_a", password=PASSWORD)
    page = committee.post(url, {"reveal": "1"}).content.decode()
    assert "138****1234" in page and "13812341234" not in page
    assert "420106198001011237" not in page
    assert not AuditRecord.objects.filter(action="pii.view").exists()

    staff = Client()
    staff.login(username="property_a", password=PASSWORD)
    # Opening (or prefetching) a link reveals nothing and logs nothing: only the button's POST.
    page = staff.get(f"{url}?reveal=1").content.decode()
    assert "13812341234" not in page
    assert not AuditRecord.objects.filter(action="pii.view").exists()
    page = staff.post(url, {"reveal": "1"}).content.decode()
    assert "13812341234" in page
    view = AuditRecord.objects.get(action="pii.view")
    assert view.actor == personas.property_a
    assert view.object_id == str(personas.unit_a.pk)


@pytest.mark.django_db
def test_masked_by_default_even_for_staff(personas) -> None:
    staff = Client()
    staff.login(username="community_worker", password=PASSWORD)
    page = staff.get(f"/org/units/{personas.unit_a.pk}/").content.decode()
    assert "138****1234" in page and "13812341234" not in page


@pytest.mark.django_db
def test_logins_are_audited(personas) -> None:
    client = Client()
    assert client.login(username="resident_a", password=PASSWORD)
    assert not Client().login(username="resident_a", password="wrong")
    actions = list(AuditRecord.objects.values_list("action", flat=True))
    assert "auth.login" in actions and "auth.login_failed" in actions
