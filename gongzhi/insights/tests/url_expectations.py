"""Who may open the staff analysis pages: the readers of 办理指标."""

from gongzhi.org.url_expectations import Expect

READERS = {"community_worker", "street_officer", "party_a"}

EXPECTATIONS: dict[str, Expect] = {
    "insights:dashboard": Expect(ok=READERS, other=403),
    "insights:monthly": Expect(ok=READERS, other=403),
}
