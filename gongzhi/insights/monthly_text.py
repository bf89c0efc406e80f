"""The words the monthly report's page and its Excel file share: section titles and notes."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.cases.metrics import RATES
from gongzhi.cases.views.metrics import FORMULAS
from gongzhi.insights.monthly_findings import MIN_CASES


def section_titles() -> list[str]:
    return [
        str(title)
        for title in (
            _("一、总体情况"),
            _("二、诉求来源"),
            _("三、诉求类别"),
            _("四、分区域"),
            _("五、承办单位"),
            _("六、热点议题"),
            _("七、超时与督办"),
            _("八、研判要点"),
        )
    ]


PERIOD_NOTE = _(
    "按受理时间统计（响应率按交办时间）：本月受理的诉求计入本月，上月同样计算"
    "（本月未过完时，对照上月相同日数）；"
    "办结、在办等为这些诉求目前的状态"
    "（上月的诉求办理时间更长，比较时请留意）。比率的变化为两个百分比之差（百分点）。"
)
FORMULA_NOTE = FORMULAS[0]
# A short form of cases.views.metrics.PARTY_NOTE (who is charged with what).
PARTY_NOTE = _(
    "各承办单位只计本单位经手的部分：交办、签收、退单计入当时的承办单位，回访和办结计入处置该轮的单位"
    "（升级后由社区、街道或职能部门处置的计入该层级），诉求数计入诉求目前的承办单位。"
    "一件诉求可能先后计入几个单位，各行相加不一定等于合计。"
)
SUPERVISION_NOTE = _(
    "超时、升级、吹哨按事件发生在本月统计（含往月受理的诉求），同一诉求多次只计一件；"
    "督办按诉求最近一次督办的时间统计。"
)
FINDINGS_LABEL = _("系统根据数据生成，供会议研判参考")


def page_words() -> dict[str, Any]:
    """What the page's sections need besides the report."""
    return {
        "titles": section_titles(),
        "rates": RATES,
        "min_cases": MIN_CASES,
        "notes": {
            "period": PERIOD_NOTE,
            "formulas": FORMULA_NOTE,
            "party": PARTY_NOTE,
            "supervision": SUPERVISION_NOTE,
            "findings": FINDINGS_LABEL,
        },
    }
