"""Playwright against Debian's Chromium, driving pytest-django's `live_server`.

No browser is ever downloaded: we launch /usr/bin/chromium (CI installs it with apt). Without
it the browser tests skip with a message, unless REQUIRE_BROWSER=1 (as in .ci/run).
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",
]
# The browser's own words (the file picker's 选择文件, date fields) follow the UI language, which
# Chromium takes from LANGUAGE; they are Chinese where Debian's chromium-l10n is installed.
CHROMIUM_ENV = {"LANGUAGE": "zh_CN:zh", "LANG": "zh_CN.UTF-8"}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        message = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django would otherwise
    # refuse the ORM calls the fixtures make while the browser is open. Only for this module, so
    # that other tests in the same worker (and their subprocesses) keep the protection.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                env={**os.environ, **CHROMIUM_ENV},
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# --- The live server needs a transactional database, which Django flushes after each test. ---
# The flush also deletes rows that data migrations created (the default SLA policies), which
# the tests that run next in this process rely on: keep them and put them back afterwards.
# Content types and permissions are rebuilt by the flush itself (post_migrate).
MIGRATION_ROWS = pytest.StashKey[tuple]()
REBUILT_BY_FLUSH = {"contenttypes.contenttype", "auth.permission"}


def _migration_rows() -> str:
    tables = set(connection.introspection.table_names())
    models = [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.db_table in tables
        and model._meta.label_lower not in REBUILT_BY_FLUSH
    ]
    rows = [obj for model in models for obj in model._base_manager.order_by("pk")]
    return serializers.serialize("json", rows)


def _restore_migration_rows(rows: str) -> None:
    restored = set()
    with transaction.atomic():  # foreign keys are checked at commit, so order does not matter
        for row in serializers.deserialize("json", rows):
            row.save()
            restored.add(type(row.object))
        # Rows came back with their primary keys; move the sequences past them (PostgreSQL).
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), restored):
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def _keep_migration_rows(request: pytest.FixtureRequest, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        rows = _migration_rows()
    request.node.stash[MIGRATION_ROWS] = (django_db_blocker, connection.settings_dict["NAME"], rows)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    yield  # the live_server test's teardown flushes the database
    kept = item.stash.get(MIGRATION_ROWS, None)
    if kept is None or nextitem is None:
        return  # after the last test the test database is already gone
    blocker, test_database, rows = kept
    if connection.settings_dict["NAME"] == test_database:  # never the development database
        with blocker.unblock():
            _restore_migration_rows(rows)


class Screenshots:
    """Saves `<test>-<step>.png`, full page, for a human to look at after the run."""

    def __init__(self, test_name: str) -> None:
        self.prefix = re.sub(r"[^\w-]+", "_", test_name).strip("_")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(self, page, step: str) -> Path:
        path = SCREENSHOTS / f"{self.prefix}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Screenshots:
    return Screenshots(request.node.name)


class PageProblems:
    """What a person would notice as broken: failed requests (a missing stylesheet) and console
    errors (a script the CSP refused, a JavaScript exception)."""

    def __init__(self) -> None:
        self.failed: list[str] = []
        self.console_errors: list[str] = []

    def watch(self, page) -> None:
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on("requestfailed", self._request_failed)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def _request_failed(self, request) -> None:
        # A request the browser dropped because the page moved on (a form submitted while the
        # favicon was still loading) is no failure anyone sees.
        if request.failure != "net::ERR_ABORTED":
            self.failed.append(f"failed {request.url}")

    def _console(self, message) -> None:
        # The browser asks for /favicon.ico by itself; the site has none (reported, harmless).
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.console_errors.append(f"{message.text} ({message.location.get('url')})")


def _page(browser, viewport: dict[str, int], *, is_mobile: bool) -> Iterator[tuple]:
    # zh-CN: Chromium would otherwise send Accept-Language en-US and get the English locale.
    context = browser.new_context(
        viewport=viewport,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        is_mobile=is_mobile,
        has_touch=is_mobile,
        device_scale_factor=2 if is_mobile else 1,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = PageProblems()
    problems.watch(page)
    yield page, problems
    context.close()


@pytest.fixture
def phone_page(browser) -> Iterator[tuple]:
    yield from _page(browser, PHONE, is_mobile=True)


@pytest.fixture
def desktop_page(browser) -> Iterator[tuple]:
    yield from _page(browser, DESKTOP, is_mobile=False)


@pytest.fixture
def open_page(browser):
    """A new person at a new device, as often as a journey needs one: `open_page(phone=True)`
    returns (page, problems), each in its own browser context (own cookies), closed at the end."""
    opened: list[Iterator[tuple]] = []

    def open_(*, phone: bool = False) -> tuple:
        pages = _page(browser, PHONE if phone else DESKTOP, is_mobile=phone)
        opened.append(pages)
        page, problems = next(pages)
        page.context.set_default_timeout(20_000)  # journeys post forms on a shared 2-core CI
        return page, problems

    yield open_
    for pages in opened:
        next(pages, None)  # closes the context
