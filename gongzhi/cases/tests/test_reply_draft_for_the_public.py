"""The reply draft of a resolved case (G3, S9): it tells this case's requester of this case,
not of another compound, another gate or the people another reply named."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.cases import services
from gongzhi.cases.models import Case
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _closed(make, personas, reply, **kw) -> Case:
    done = make.resolved(**kw)
    Case.objects.filter(pk=done.pk).update(public_reply=reply)
    return services.case_visit(
        case=done, actor=personas.grid_worker, resolved=True, level="satisfied", via="phone"
    )


def _draft(user, case):
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("cases:reply_draft", args=[case.pk])).json()["text"]


def test_the_draft_names_no_other_compound_gate_or_person(make, personas):
    _closed(
        make,
        personas,
        "您好！物业已调整24号门岗排班，门岗保安夜间不再脱岗。"
        "B小区物业经理周志强已约谈当班保安，并告知楼长李桂香女士。"
        "已向9栋1单元301室业主说明情况。",
        compound=personas.compound_b,
        title="门岗保安晚上睡觉",
        content="小区3号门岗保安晚上睡觉，外来人员随便进出",
        requester_name="赵六",
    )
    case = make.in_progress(title="门岗保安晚上睡觉", content="小区5号门岗保安晚上睡觉，没人管")
    text = _draft(personas.community_worker, case)
    assert "物业已调整5号门岗排班" in text
    assert "A小区物业经理已约谈当班保安，并告知楼长。" in text
    for other in ("24号", "B小区", "周志强", "李桂香", "[已隐去]", "301"):
        assert other not in text
