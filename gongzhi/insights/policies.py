"""Who may read the street's analysis pages (数据驾驶舱, 月度研判报告)."""

from typing import Any

from gongzhi.cases import policies as case_policies


def can_view_analysis(user: Any) -> bool:
    """The readers of 办理指标: street officers, community and grid workers and party-branch
    members, each over their own area. Property companies are evaluated by these figures, not
    shown them."""
    return case_policies.can_view_metrics(user)
