"""The staff case page, which every action redirects back to, reads what it shows in a fixed,
small number of queries: the class policy once (not once per card, button and form), the
building and unit with the case."""

import pytest

# Session, user, scope; case; policy; events, files, ratings, repeats; routing and serving
# company of the 改派 form (2 + 2, services.assignment); actors' roles, company names; unread
# notifications; the AI card.
MAX_QUERIES = 17


@pytest.mark.django_db
def test_the_page_after_dispatch_reads_the_policy_once(
    client, make, personas, django_assert_max_num_queries
):
    p = personas
    case = make.dispatched(building=p.building_a, unit=p.unit_a)
    client.force_login(p.community_worker)
    with django_assert_max_num_queries(MAX_QUERIES) as queries:
        page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert p.building_a.name in text and p.unit_a.label in text  # 位置 as before
    assert 'data-testid="action-reassign"' in text and 'data-testid="action-extend"' in text
    policy_reads = [q for q in queries.captured_queries if '"cases_slapolicy"' in q["sql"]]
    assert len(policy_reads) == 1
