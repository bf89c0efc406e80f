"""The vocabulary of URL permission expectations, shared by every app's `url_expectations.py`."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gongzhi.org.testing import Personas

PERSONAS = [
    "anonymous",
    "outsider",
    "resident_a",
    "property_a",
    "property_b",
    "committee_a",
    "party_a",
    "community_worker",
    "grid_worker",
    "street_officer",
]
LOGIN = 302  # anonymous users are redirected to the login page


@dataclass
class Expect:
    """Who gets what for one named URL. `ok` personas get `ok_status`; the rest get `other`."""

    kwargs: Callable[[Personas], dict[str, Any]] = lambda p: {}
    ok: set[str] = field(default_factory=set)
    ok_status: int = 200
    other: int = 404
    anonymous: int = LOGIN
    method: str = "get"
    data: Callable[[Personas], dict[str, Any]] = lambda p: {}
    # A public page of a street (透明小区): anyone reads any street's, so the far street's answers
    # 200, not 404; it must show that street's cases only (tests/test_url_permissions.py).
    public: bool = False


EVERYONE_SIGNED_IN = set(PERSONAS) - {"anonymous"}
STAFF_OF_A = {
    "property_a",
    "committee_a",
    "party_a",
    "community_worker",
    "grid_worker",
    "street_officer",
}
