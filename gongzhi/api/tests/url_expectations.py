"""Expectations of the URL walker (tests/test_url_permissions.py) for the API's Django URLs.

Open311 is public (the key decides what is shown, not a login). /api/v1/ operations accept only
bearer tokens, so a session login is 401 for everyone; each persona's real outcome per route is
checked with tokens in `test_routes.py` (route_expectations.py).
"""

from gongzhi.org.url_expectations import PERSONAS, Expect

EVERYONE = set(PERSONAS)
FMT = {"fmt": "json"}
BEARER_ONLY = Expect(ok=set(), other=401, anonymous=401)


def _bearer_only(method: str = "get", **kwargs: int) -> Expect:
    return Expect(method=method, kwargs=lambda p: kwargs, ok=set(), other=401, anonymous=401)


EXPECTATIONS: dict[str, Expect] = {
    "open311:discovery": Expect(kwargs=lambda p: FMT, ok=EVERYONE, anonymous=200),
    "open311:services": Expect(kwargs=lambda p: FMT, ok=EVERYONE, anonymous=200),
    "open311:service": Expect(
        kwargs=lambda p: {"fmt": "xml", "service_code": "repair"}, ok=EVERYONE, anonymous=200
    ),
    # Public GETs list only published cases (none here); a POST without api_key is 403.
    "open311:requests": Expect(kwargs=lambda p: FMT, ok=EVERYONE, anonymous=200),
    "open311:request": Expect(
        kwargs=lambda p: {"fmt": "json", "request_id": "1"}, ok=set(), anonymous=404
    ),
    "open311:token": Expect(
        kwargs=lambda p: {"fmt": "xml", "token": "NH000"}, ok=set(), anonymous=404
    ),
    "api:v1:openapi-json": Expect(ok=EVERYONE, anonymous=200),
    "api:v1:openapi-view": Expect(ok=EVERYONE, anonymous=200),
    # ninja's root of /api/v1/ has no operation of its own.
    "api:v1:api-root": Expect(ok=set(), anonymous=404),
    # Any other path under /api/v1/: the API's JSON 404 for everyone, signed in or not.
    "api:unknown_endpoint": Expect(kwargs=lambda p: {"rest": "nothing-here"}, anonymous=404),
    # The token endpoint wants JSON; the walker's form post is refused as malformed.
    "api:v1:auth_token": Expect(method="post", ok=set(), other=400, anonymous=400),
    "api:v1:auth_revoke": _bearer_only("post"),
    "api:v1:auth_me": BEARER_ONLY,
    "api:v1:communities": BEARER_ONLY,
    "api:v1:community": _bearer_only(community_id=1),
    "api:v1:community_compounds": _bearer_only(community_id=1),
    "api:v1:compound": _bearer_only(compound_id=1),
    "api:v1:compound_buildings": _bearer_only(compound_id=1),
    "api:v1:building": _bearer_only(building_id=1),
    "api:v1:building_units": _bearer_only(building_id=1),
    "api:v1:unit": _bearer_only(unit_id=1),
    "api:v1:cases": BEARER_ONLY,
    "api:v1:case_file": _bearer_only("post"),
    "api:v1:case": _bearer_only(case_id=1),
    "api:v1:case_events": _bearer_only(case_id=1),
    "api:v1:case_attachments": _bearer_only(case_id=1),
    "api:v1:case_attachment_add": _bearer_only("post", case_id=1),
    "api:v1:notifications": BEARER_ONLY,
    "api:v1:notification_read": _bearer_only("post", notification_id=1),
    **{
        f"api:v1:case_{action}": _bearer_only("post", case_id=1)
        for action in (
            "assess",
            "dispatch",
            "reassign",
            "accept",
            "start",
            "resolve",
            "return",
            "extend",
            "request_extension",
            "approve_extension",
            "reject_extension",
            "supervise",
            "answer",
            "not_accept",
            "visit",
            "close_exception",
            "request_termination",
            "terminate",
            "merge",
            "reject_termination",
        )  # fmt: skip
    },
}
