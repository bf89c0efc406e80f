"""The peer, django-helpdesk 2.6.1 (bench/peer/), on the same number of tickets as cases."""

import random
import time

from bench.scenarios import PEER, Scenario, call, csrf_from, login, register

LIST_PAGE = "peer: GET /tickets/ (agent)"
LIST_DATA = "peer: GET /datatables_ticket_list/<query> (agent)"
LIST_BOTH = "peer: GET /tickets/ + datatables JSON (agent)"
DETAIL = "peer: GET /tickets/<id>/ (agent)"
CREATE = "peer: POST /tickets/submit/ (public form, signed-in user)"
LOGIN = "/login/"


def _login_as(username: str):
    def setup(client, ctx, state) -> None:
        login(client, LOGIN, username, ctx["peer"]["password"])

    return setup


def ticket_list(client, ctx, state) -> None:
    """What a browser does to show the list: the page, then its datatables request
    (the first 25 open tickets by creation date, with the total count)."""
    started = time.perf_counter()
    call(client, "GET", "/tickets/", LIST_PAGE)
    query = ctx["peer"]["list_query"]
    call(client, "GET", f"/datatables_ticket_list/{query}?draw=1&start=0&length=25", LIST_DATA)
    client.request_event.fire(
        request_type="GET",
        name=LIST_BOTH,
        response_time=(time.perf_counter() - started) * 1000,
        response_length=0,
        exception=None,
        context={},
    )


def ticket_detail(client, ctx, state) -> None:
    pk = random.choice(ctx["peer"]["ticket_ids"])  # noqa: S311 - load generation
    call(client, "GET", f"/tickets/{pk}/", DETAIL)


def create_setup(client, ctx, state) -> None:
    login(client, LOGIN, "resident", ctx["peer"]["password"])
    state["csrf"] = csrf_from(client, "/tickets/submit/")


def create(client, ctx, state) -> None:
    data = {
        "csrfmiddlewaretoken": state["csrf"],
        "queue": ctx["peer"]["public_queue"],
        "title": "电梯停运",
        "body": "3栋2单元电梯从昨晚开始停运，老人上下楼很不方便，请尽快安排维修。",
        "priority": 3,
        "submitter_email": "resident@example.com",
    }
    call(client, "POST", "/tickets/submit/", CREATE, data=data, expect=302)


NEEDS = frozenset({"tickets"})
register(
    Scenario(
        name="peer_ticket_list",
        title="django-helpdesk ticket list as a staff agent: the page and its datatables "
        "JSON (what the browser loads to show tickets), also timed together",
        target=PEER,
        setup=_login_as("agent"),
        steps=((1, ticket_list),),
        needs=NEEDS,
    )
)
register(
    Scenario(
        name="peer_ticket_detail",
        title="django-helpdesk ticket page as a staff agent, among the 500 newest tickets",
        target=PEER,
        setup=_login_as("agent"),
        steps=((1, ticket_detail),),
        needs=NEEDS,
    )
)
register(
    Scenario(
        name="peer_ticket_create",
        title="django-helpdesk public ticket form POST by a signed-in non-staff user",
        target=PEER,
        setup=create_setup,
        steps=((1, create),),
        needs=NEEDS,
    )
)
