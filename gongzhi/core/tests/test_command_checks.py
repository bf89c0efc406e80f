"""Operator commands on a database `migrate` has not set up: one Chinese sentence saying what to
run, exit 1, no traceback; and the deadline command's calendar warning before 2004."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

NOT_MIGRATED = "数据库尚未建表，请先运行 python manage.py migrate（或 make run）"
ROOT = Path(__file__).resolve().parents[3]


def _forget_migrations(where: str = "") -> None:
    """What a fresh database looks like to the check (rolled back with the test)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM django_migrations {where}")  # noqa: S608 - test constants


COMMANDS = [
    ("run_scheduler", "--once"),
    ("verify_audit",),
    ("deadline", "--start", "2026-09-30T10:00", "--working-days", "5"),
    ("import_cases", "orders.xlsx"),
    ("open311_key", "list"),
    ("seed_scale", "--cases", "5"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_command_on_an_unmigrated_database_says_to_run_migrate(command):
    _forget_migrations()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(*command, stdout=out, stderr=err)
    assert str(raised.value) == NOT_MIGRATED
    assert raised.value.returncode == 1
    assert out.getvalue() == err.getvalue() == ""  # nothing ran: no per-sweep failures


@pytest.mark.django_db
def test_a_database_one_upgrade_behind_names_the_first_missing_migration():
    newest = "(SELECT MAX(name) FROM django_migrations WHERE app = 'cases')"
    _forget_migrations(f"WHERE app = 'cases' AND name = {newest}")
    with pytest.raises(CommandError, match=r"1 项迁移尚未执行（第一项：cases\.\d{4}_") as raised:
        call_command("verify_audit", stdout=io.StringIO())
    assert "python manage.py migrate" in str(raised.value)


def test_run_scheduler_on_a_fresh_sqlite_file_prints_one_line(tmp_path):
    """The operator's report: 592 lines of "no such table: core_delivery" tracebacks."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"SQLITE_PATH": str(tmp_path / "fresh.sqlite3"), "GONGZHI_WARM_UP_AI": "0"}
    env["DJANGO_SETTINGS_MODULE"] = "gongzhi.settings"
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "run_scheduler", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"CommandError: {NOT_MIGRATED}"]
    assert done.stdout == ""


def test_the_scheduler_help_states_the_minimum_it_accepts():
    from gongzhi.core.management.commands.run_scheduler import Command

    parser = Command().create_parser("manage.py", "run_scheduler")
    assert "至少 0.1）" in parser.format_help()


@pytest.mark.django_db
def test_a_deadline_before_2004_warns_that_holidays_are_not_known():
    """2003's National Day was a holiday week; the library's data starts in 2004."""
    out, err = io.StringIO(), io.StringIO()
    call_command("deadline", "--start", "2003-09-30", "--working-days", "1", stdout=out, stderr=err)
    assert out.getvalue().strip() == "2003-10-01T23:59:59+08:00"  # Monday to Friday, as said
    assert "注意：2003 年的法定节假日和调休安排尚未录入" in err.getvalue()
    assert "该年按周一至周五计算工作日" in err.getvalue()


@pytest.mark.django_db
def test_a_deadline_inside_the_known_years_says_nothing():
    out, err = io.StringIO(), io.StringIO()
    call_command("deadline", "--start", "2004-09-30", "--working-days", "1", stdout=out, stderr=err)
    assert out.getvalue().strip() == "2004-10-08T23:59:59+08:00"  # after the National Day week
    assert err.getvalue() == ""
