"""透明小区 on a phone: the 小区与住户 table, like the figures above it, becomes one block per
community (gz-stack) with each number under its column's name, not a table wider than the
screen that a keyboard cannot scroll."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_places_table_stacks_with_its_column_names(client, personas) -> None:
    html = client.get(reverse("public:street", args=[personas.street.code])).content.decode()
    table = html.split('data-testid="public-stats"', 1)[0].rsplit("<table", 1)[1]
    assert "gz-stack" in table
    body = html.split('data-testid="public-stats"', 1)[1].split("</table>", 1)[0]
    for label in ("小区", "户数", "专有面积(㎡)"):
        assert f'data-label="{label}"' in body
