"""The scenarios of `make bench`: each module here registers what it measures.

A scenario names the server it loads (`gongzhi` or the `peer`, django-helpdesk), the data it
needs (prepared by bench/run.py before the server starts) and the requests each simulated user
sends. Adding a benchmark = adding a module with `register(Scenario(...))`; run.py discovers
every module of this package whose name does not start with `_`.

This package must import without locust (locust monkey-patches the standard library with gevent
on import): step functions receive the HTTP session of a locust user as a plain argument and
use `call()` below, which works with locust's FastHttpSession.

Data a scenario may ask for in `needs` (see bench/run.py, `prepare_*`):
  cases        — the street of seed_demo plus `seed_scale --cases N` (always built)
  case_ids     — ids of cases visible to the demo accounts, in ctx["case_ids"][username]
  open311_key  — an Open311 api_key for the demo street, in ctx["open311_key"]
  tickets      — the peer's N tickets, its accounts and list query, in ctx["peer"]
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

GONGZHI, PEER = "gongzhi", "peer"
DEMO_PASSWORD = "gongzhi2026"  # noqa: S105 - seed_demo's published password (org/demo_data.py)

Step = Callable[[Any, dict, dict], None]  # (http session, ctx, per-user state)


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str  # what a reader of the report should understand by the row
    target: str  # GONGZHI or PEER
    steps: tuple[tuple[int, Step], ...]  # (weight, step); each step sends one labelled request
    setup: Step | None = None  # once per simulated user before measuring (log in, read a form)
    needs: frozenset[str] = frozenset({"cases"})
    peer: dict[str, str] = field(default_factory=dict)  # our label -> the peer's label
    goal: str = ""  # the target, quoted in the report
    users: int | None = None  # simulated users; None = the run's default
    quick: bool = True  # also part of `make bench-quick`
    # Labels that need `min_samples` answers each (default: every label seen in the warm-up).
    labels: tuple[str, ...] = ()


REGISTRY: dict[str, Scenario] = {}


def register(scenario: Scenario) -> Scenario:
    assert scenario.name not in REGISTRY, f"scenario {scenario.name} registered twice"
    assert scenario.target in (GONGZHI, PEER), scenario.target
    REGISTRY[scenario.name] = scenario
    return scenario


def load_all() -> dict[str, Scenario]:
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return REGISTRY


# --- helpers for step functions -----------------------------------------------------------


class BenchFailure(Exception):
    pass


def call(
    client: Any,
    method: str,
    url: str,
    label: str,
    *,
    expect: int | tuple[int, ...] = 200,
    contains: str | None = None,
    **kwargs: Any,
) -> Any:
    """One request recorded under `label`; a wrong status or body counts as a failure."""
    wanted = (expect,) if isinstance(expect, int) else expect
    kwargs.setdefault("allow_redirects", False)
    with client.request(method, url, name=label, catch_response=True, **kwargs) as response:
        if response.status_code not in wanted:
            response.failure(f"{method} {url}: HTTP {response.status_code}, expected {wanted}")
        elif contains is not None and contains not in (response.text or ""):
            response.failure(f"{method} {url}: body lacks {contains!r}")
        else:
            response.success()
    return response


def cookie(client: Any, name: str) -> str:
    for item in client.cookiejar:
        if item.name == name:
            return item.value
    raise BenchFailure(f"no {name} cookie")


def csrf_from(client: Any, url: str) -> str:
    """GET a form page (not measured) and return the CSRF token to post back."""
    response = client.get(url, name=f"(setup) GET {url}")
    if response.status_code != 200:
        raise BenchFailure(f"GET {url}: HTTP {response.status_code}")
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text or "")
    return found.group(1) if found else cookie(client, "csrftoken")


def login(client: Any, login_url: str, username: str, password: str) -> None:
    """Sign in through the login form once, as a browser would; the session cookie stays."""
    token = csrf_from(client, login_url)
    response = client.post(
        login_url,
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        name=f"(setup) POST {login_url}",
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise BenchFailure(f"login of {username} at {login_url}: HTTP {response.status_code}")
