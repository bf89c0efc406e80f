"""Open311 GeoReport v2 under concurrent load, against /healthz in the same run (issue #5)."""

import random

from bench.scenarios import GONGZHI, Scenario, call, register
from bench.scenarios.floor import HEALTHZ, healthz

GET = "GET /open311/v2/requests.json (api_key; last 90 days, ≤ 1000 rows)"
POST = "POST /open311/v2/requests.json (api_key)"
CODES = ("repair", "elevator", "sanitation", "parking", "noise")


def get_requests(client, ctx, state) -> None:
    call(client, "GET", f"/open311/v2/requests.json?api_key={ctx['open311_key']}", GET)


def post_request(client, ctx, state) -> None:
    data = {
        "api_key": ctx["open311_key"],
        "service_code": random.choice(CODES),  # noqa: S311 - load generation
        "address_string": "武昌区南湖文馨街16号 华锦花园",
        "description": "小区门口的路灯坏了，晚上很黑，请尽快维修。",
        "first_name": "明",
        "last_name": "李",
        "phone": "19900001234",
    }
    call(client, "POST", "/open311/v2/requests.json", POST, data=data)


register(
    Scenario(
        name="open311_mix",
        title="Open311 GET and POST requests.json mixed with /healthz in one run, "
        "equal weights (#5)",
        target=GONGZHI,
        steps=((1, get_requests), (1, post_request), (1, healthz)),
        needs=frozenset({"cases", "open311_key"}),
        users=3,
        labels=(GET, POST, HEALTHZ),
    )
)
__all__ = ["HEALTHZ"]
