"""`manage.py check --deploy` passes with the production environment (as `make check` runs it)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[3]


# Not inherited: pytest-django points this process at the test settings, the browser tests allow
# async-unsafe calls, and overrides from a shell would hide what production does by default.
NOT_INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
}


def production_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        DJANGO_SETTINGS_MODULE="gongzhi.settings",
        GONGZHI_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(64),  # 86 characters
        ALLOWED_HOSTS="x.example.cn",
    )
    return env


def run_in_production(args: list[str], env: dict[str, str], check: bool = False) -> Any:
    """`python *args` in the project with the environment `env` (see production_env)."""
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


def production_settings_values(names: list[str]) -> dict:
    """The settings `names` as gongzhi/settings.py really computes them with GONGZHI_PRODUCTION=1
    (in a subprocess, so this process's test settings play no part)."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {json.dumps(names)}}}))"
    )
    result = run_in_production(["-c", code], production_env(), check=True)
    values = json.loads(result.stdout.strip().splitlines()[-1])
    if "SECURE_PROXY_SSL_HEADER" in values:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_deploy_check_passes_with_production_settings() -> None:
    result = run_in_production(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = production_env()
    del env["SECRET_KEY"]
    result = run_in_production(["manage.py", "check", "--deploy"], env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_notifications_go_out_at_the_schedulers_pass_by_default_and_a_typo_stops_the_start():
    assert production_settings_values(["GONGZHI_DELIVER_AT"]) == {"GONGZHI_DELIVER_AT": "scheduler"}
    result = run_in_production(
        ["-c", "import django; django.setup()"],
        {**production_env(), "GONGZHI_DELIVER_AT": "later"},
    )
    assert result.returncode != 0 and "GONGZHI_DELIVER_AT" in result.stderr
