"""A resident files a demand through the phone form (issue #3: ≤ 2× the minimal request)."""

import random
import re

from bench.scenarios import (
    DEMO_PASSWORD,
    GONGZHI,
    BenchFailure,
    Scenario,
    call,
    csrf_from,
    login,
    register,
)

CREATE = "POST /cases/new/ (resident)"
TEXTS = (
    "3栋2单元电梯从昨晚开始停运，老人上下楼很不方便，请尽快安排维修。",
    "小区东门附近的路灯坏了好几天，晚上出行很不安全。",
    "楼下商铺夜间施工噪音很大，影响休息，希望物业协调。",
    "地下车库有积水，车辆进出困难，请排查排水设施。",
)


def setup(client, ctx, state) -> None:
    login(client, "/accounts/login/", "resident", DEMO_PASSWORD)
    state["csrf"] = csrf_from(client, "/cases/new/")
    page = client.get("/cases/new/", name="(setup) GET /cases/new/").text or ""
    places = re.findall(r'<option value="((?:unit|building|compound):\d+)"', page)
    if not places:
        raise BenchFailure("the resident's form offers no place")
    state["places"] = places


def create(client, ctx, state) -> None:
    data = {
        "csrfmiddlewaretoken": state["csrf"],
        "type": "help",
        "title": "",
        "content": random.choice(TEXTS),  # noqa: S311 - load generation
        "place": random.choice(state["places"]),  # noqa: S311
    }
    call(client, "POST", "/cases/new/", CREATE, data=data, expect=302)


register(
    Scenario(
        name="case_create",
        title="resident `resident` files a demand through 我要反映 (form POST, no photo: "
        "case, event, counter, triage suggestion, notifications; the 302 to the case)",
        target=GONGZHI,
        setup=setup,
        steps=((1, create),),
        peer={CREATE: "peer: POST /tickets/submit/ (public form, signed-in user)"},
        goal="≤ 2× the minimal request (#3)",
    )
)
