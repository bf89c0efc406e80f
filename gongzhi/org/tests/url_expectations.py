"""Who may open the org app's own pages beyond the tree views (see tests/test_url_permissions)."""

from gongzhi.org.url_expectations import Expect

# 楼盘表 export/import: only roles that may manage the roster (policies.ROSTER_ROLES) of
# compound A; every other signed-in persona gets 404, as if the page did not exist.
ROSTER_MANAGERS = {"community_worker", "street_officer"}

EXPECTATIONS: dict[str, Expect] = {
    "org:roster_export": Expect(kwargs=lambda p: {"pk": p.compound_a.pk}, ok=ROSTER_MANAGERS),
    "org:roster_import": Expect(kwargs=lambda p: {"pk": p.compound_a.pk}, ok=ROSTER_MANAGERS),
}
