"""Sign-in lockout (django-axes: username + address, cool-off) and per-minute limits on public
writes (sign-in, a resident filing a demand, Open311 POST), all kept in the database so that
every worker process counts together."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from gongzhi.api import services as api_services
from gongzhi.cases.models import Case
from gongzhi.core.lockout import lockout_message
from gongzhi.core.ratelimit import hit
from gongzhi.core.tests.test_deploy_check import BASE_DIR
from gongzhi.org.testing import PASSWORD

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token"
LIMIT = 5  # settings.AXES_FAILURE_LIMIT


@pytest.fixture
def one_window():
    """Stop the clock mid-minute, so that a test's requests all fall in one counting window."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, 30, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT


def _login(username: str, password: str, ip: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password})


def _token(username: str, password: str, ip: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(
        TOKEN, {"username": username, "password": password}, content_type="application/json"
    )


@pytest.mark.django_db
def test_the_web_sign_in_locks_a_username_from_one_address(personas, axes_on):
    statuses = [_login("resident_a", "wrong").status_code for _ in range(LIMIT)]
    assert statuses == [200] * (LIMIT - 1) + [429]  # the form again, then the lockout

    locked = _login("resident_a", PASSWORD)  # even the right password
    assert locked.status_code == 429
    page = locked.content.decode()
    assert lockout_message(15) in page and "sessionid" not in locked.cookies
    assert int(locked["Retry-After"]) == 15 * 60

    # Username AND address: the same user elsewhere, another user here, are not locked.
    assert _login("resident_a", PASSWORD, ip="10.0.0.2").status_code == 302
    assert _login("property_a", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_sign_in_without_a_socket_address_is_still_answered(personas, axes_on):
    """Behind a unix socket REMOTE_ADDR may be empty: failures are still counted, never a 500."""
    assert _login("resident_a", "wrong", ip="").status_code == 200
    assert _login("resident_a", PASSWORD, ip="").status_code == 302


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off(personas, axes_on):
    for _ in range(LIMIT):
        _login("resident_a", "wrong")
    assert _login("resident_a", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert _login("resident_a", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_success_resets_the_count(personas, axes_on):
    for _ in range(LIMIT - 1):
        _login("resident_a", "wrong")
    assert _login("resident_a", PASSWORD).status_code == 302
    for _ in range(LIMIT - 1):
        assert _login("resident_a", "wrong").status_code == 200


@pytest.mark.django_db
def test_the_api_token_endpoint_shares_the_lockout(personas, axes_on):
    statuses = [_token("resident_a", "wrong").status_code for _ in range(LIMIT)]
    assert statuses == [401] * (LIMIT - 1) + [429]
    locked = _token("resident_a", PASSWORD)
    assert locked.status_code == 429
    assert locked.json() == {"code": "locked_out", "message": lockout_message(15)}
    # Failures through the API lock the web sign-in too: one count per username + address.
    assert _login("resident_a", PASSWORD).status_code == 429
    assert _token("resident_a", PASSWORD, ip="10.0.0.2").status_code == 200


@pytest.mark.django_db
def test_sign_in_posts_are_limited_per_address(personas, settings, one_window):
    settings.GONGZHI_LOGIN_RATE_PER_MINUTE = 3
    # Guessing many usernames from one address (which a username + address lockout allows).
    statuses = [_login(f"user{i}", "wrong").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = _login("resident_a", PASSWORD)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "操作过于频繁" in refused.content.decode()
    assert _login("resident_a", PASSWORD, ip="10.0.0.9").status_code == 302
    assert Client(REMOTE_ADDR="10.0.0.1").get(LOGIN).status_code == 200  # reading is not limited


def _report(client: Client, personas, title: str):
    return client.post(
        "/cases/new/",
        {
            "place": f"unit:{personas.unit_a.pk}",
            "type": "help",
            "title": title,
            "content": f"{title}，请尽快处理",
        },
    )


@pytest.mark.django_db
def test_a_resident_files_at_most_the_limit_per_minute(personas, settings, one_window):
    settings.GONGZHI_FILING_RATE_PER_MINUTE = 2
    client = Client()
    client.force_login(personas.resident_a)
    statuses = [_report(client, personas, f"第{i}件事").status_code for i in range(3)]
    assert statuses == [302, 302, 429]
    assert Case.objects.count() == 2
    assert client.get("/cases/new/").status_code == 200
    other = Client()
    other.force_login(personas.resident_b)  # per user, not per address
    assert _report(other, personas, "楼道灯坏了").status_code == 200  # form (unit of A: refused)


@pytest.mark.django_db
def test_open311_posts_are_limited_per_key(personas, settings, one_window):
    issued = api_services.open311_client_create(
        actor=personas.street_officer, name="随手拍", street=personas.street
    )
    issued.obj.requests_per_minute = 2
    issued.obj.save()
    data = {
        "api_key": issued.secret,
        "service_code": "repair",
        "description": "路灯不亮",
        "address_string": "南湖路1号",
    }
    statuses = [Client().post("/open311/v2/requests.json", data).status_code for _ in range(3)]
    assert statuses[2] == 429 and 429 not in statuses[:2]
    assert Case.objects.count() == sum(1 for s in statuses if s == 200)


# --- Shared across workers: a second process sees the same counts -------------------------


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


# A window of ~11 days: the second process must not start in a fresh one-minute window.
WINDOW = 10**6
SECOND_WORKER = """
import json, django
django.setup()
from django.test import Client
from gongzhi.core.ratelimit import hit
c = Client(REMOTE_ADDR="10.0.0.1")
print(json.dumps({
    "locked": c.post("/accounts/login/", {"username": "resident_a", "password": "x"}).status_code,
    "other_user": c.post("/accounts/login/", {"username": "nobody", "password": "x"}).status_code,
    "bucket": hit("shared-test", 3, window=WINDOW),
}))
"""


# Transactional: the second process must see this one's writes. The flush afterwards removes the
# data-migration rows (SLA policies); tests that need them restore them (CaseMaker, `make`).
@pytest.mark.django_db(transaction=True)
def test_a_second_worker_process_sees_the_lockout_and_the_counters(personas, axes_on):
    for _ in range(LIMIT):
        _login("resident_a", "wrong")
    for _ in range(3):
        assert hit("shared-test", 3, window=WINDOW) is None
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env |= {"DJANGO_SETTINGS_MODULE": "gongzhi.settings", "DATABASE_URL": _database_url()}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SECOND_WORKER.replace("WINDOW", str(WINDOW))],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["locked"] == 429  # locked by this process's failures
    assert seen["other_user"] == 200  # the sign-in form again: only that username is locked
    assert seen["bucket"] is not None  # the fourth hit in the window, counted by another process
