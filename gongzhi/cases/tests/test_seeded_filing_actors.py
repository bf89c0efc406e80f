"""The demo's seeded history names who took each demand in (受理), as it names the other staff
steps: a street officer reading a seeded case sees the property company's staff, the party
branch or the community's desk, not 系统, while the deadlines and escalations stay the system's."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from gongzhi.cases.choices import Channel
from gongzhi.cases.models import Case, EventKind
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SYSTEM_STEPS = {
    str(k.label) for k in (EventKind.SLA_WARNED, EventKind.SLA_BREACHED, EventKind.ESCALATED)
}


@pytest.fixture
def seeded(personas):
    """The test street's seeded history (as `seed_demo` writes the demo street's), named."""
    code = personas.street.code
    call_command("seed_scale", cases=240, days=90, seed=11, street=code, stdout=io.StringIO())
    call_command("seed_history_actors", street=code, stdout=io.StringIO())
    return personas


def _timeline(client, user, case):
    client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return [(str(row.what), str(row.who)) for row in response.context["rows"]]


def _one(street, **filters):
    case = Case.objects.filter(compound__community__street=street, **filters).first()
    assert case is not None, filters
    return case


def test_each_seeded_demand_was_taken_in_by_the_party_that_records_it(client, seeded):
    p = seeded
    # A property hotline call in A小区: the company's staff took it in.
    call = _one(p.street, channel=Channel.PROPERTY_HOTLINE, compound=p.compound_a)
    assert _timeline(client, p.property_a, call)[0] == ("受理", "本人")
    # A 12345 order reaches the community's desk; the street officer reads who recorded it.
    order = _one(p.street, channel=Channel.HOTLINE_12345, compound__community=p.community1)
    assert _timeline(client, p.community_worker, order)[0] == ("受理", "本人")
    what, who = _timeline(client, p.street_officer, order)[0]
    assert what == "受理" and str(p.community_worker) in who and who != "系统"
    # 民情前哨 in A小区, whose party branch has an account: the branch recorded it.
    sentinel = _one(p.street, channel=Channel.SENTINEL, compound=p.compound_a)
    assert _timeline(client, p.party_a, sentinel)[0] == ("受理", "本人")


def test_what_the_machine_did_stays_the_systems(client, seeded):
    p = seeded
    # Filed by the AI grid worker, or online by a resident the seeded history does not name.
    for channel in (Channel.AI_GRID, Channel.ONLINE):
        case = _one(p.street, channel=channel)
        assert _timeline(client, p.street_officer, case)[0] == ("受理", "系统")
    # A deadline warning or an escalation is the scheduler's, on every case that has one.
    automatic = Case.objects.filter(
        compound__community__street=p.street,
        events__kind__in=[EventKind.SLA_WARNED, EventKind.ESCALATED],
    ).distinct()[:5]
    assert automatic
    for case in automatic:
        rows = _timeline(client, p.street_officer, case)
        assert all(who == "系统" for what, who in rows if what in SYSTEM_STEPS)
