"""Seed a fault-test database with the personas street; print ids and API tokens as JSON.

Run as `python -m tests.faults.seed` with DJANGO_SETTINGS_MODULE=tests.faults.server_settings.
"""

import json

import django

django.setup()

from gongzhi.api import services  # noqa: E402
from gongzhi.org.testing import build_personas  # noqa: E402

USERS = ("resident_a", "community_worker", "property_a", "grid_worker", "street_officer")

if __name__ == "__main__":
    p = build_personas()
    print(  # noqa: T201 - the output is the point
        json.dumps(
            {
                "tokens": {
                    name: services.token_issue(actor=getattr(p, name)).secret for name in USERS
                },
                "compound_a": p.compound_a.pk,
                "unit_a": p.unit_a.pk,
                "company_x": p.company_x.pk,
            }
        )
    )
