"""Staff pages at scale (issue #3: < 100 ms at the 95th percentile with 1,000,000 cases)."""

import random

from bench.scenarios import DEMO_PASSWORD, GONGZHI, Scenario, call, login, register

QUEUE_COMMUNITY = "GET /cases/ (community worker)"
QUEUE_STREET = "GET /cases/ (street officer)"
CASE_PAGE = "GET /cases/<id>/ (community worker)"
GOAL = "p95 < 100 ms at 1,000,000 cases (#3)"
PEER_QUEUE = {"page": "peer: GET /tickets/ + datatables JSON (agent)"}


def _login_as(username: str):
    def setup(client, ctx, state) -> None:
        login(client, "/accounts/login/", username, DEMO_PASSWORD)

    return setup


def queue_community(client, ctx, state) -> None:
    call(client, "GET", "/cases/", QUEUE_COMMUNITY)


def queue_street(client, ctx, state) -> None:
    call(client, "GET", "/cases/", QUEUE_STREET)


def case_page(client, ctx, state) -> None:
    pk = random.choice(ctx["case_ids"]["huajin"])  # noqa: S311 - load generation
    call(client, "GET", f"/cases/{pk}/", CASE_PAGE)


register(
    Scenario(
        name="queue_community",
        title="工作台 work queue, first page, as the community worker `huajin` (华锦社区)",
        target=GONGZHI,
        setup=_login_as("huajin"),
        steps=((1, queue_community),),
        peer={QUEUE_COMMUNITY: PEER_QUEUE["page"]},
        goal=GOAL,
    )
)
register(
    Scenario(
        name="queue_street",
        title="工作台 work queue, first page, as the street officer `street` (every case)",
        target=GONGZHI,
        setup=_login_as("street"),
        steps=((1, queue_street),),
        peer={QUEUE_STREET: PEER_QUEUE["page"]},
        goal=GOAL,
    )
)
register(
    Scenario(
        name="case_page",
        title="a case page (timeline, actions, requester card) picked at random among the "
        "500 newest cases `huajin` may see",
        target=GONGZHI,
        setup=_login_as("huajin"),
        steps=((1, case_page),),
        needs=frozenset({"cases", "case_ids"}),
        peer={CASE_PAGE: "peer: GET /tickets/<id>/ (agent)"},
        goal=GOAL,
    )
)
