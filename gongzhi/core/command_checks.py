"""Checks a management command runs before it touches the database.

A command run on a database that `migrate` has not set up used to print the driver's
traceback ("no such table: core_delivery", hundreds of lines from run_scheduler); the operator
needs one sentence saying what to run instead.
"""

from typing import TYPE_CHECKING

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

if TYPE_CHECKING:
    from gongzhi.org.models import Street

NOT_MIGRATED = "数据库尚未建表，请先运行 python manage.py migrate（或 make run）"


def require_migrated_database(using: str = DEFAULT_DB_ALIAS) -> None:
    """CommandError (exit 1) unless every migration has been applied to the database.

    The migration plan costs one query on django_migrations and reading the migration files
    (a few hundredths of a second), and it also catches a database one upgrade behind, whose
    missing tables or columns fail the same way.
    """
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return
    if not executor.loader.applied_migrations:  # no table at all, or an empty django_migrations
        raise CommandError(NOT_MIGRATED, returncode=1)
    first, _backwards = plan[0]
    raise CommandError(
        f"数据库还有 {len(plan)} 项迁移尚未执行（第一项：{first.app_label}.{first.name}），"
        "请先运行 python manage.py migrate",
        returncode=1,
    )


def require_street(code: str) -> "Street":
    """The street with this 行政区划代码; else a CommandError listing the codes there are, so
    the operator can pick one instead of guessing (the codes are 12 digits nobody remembers)."""
    from gongzhi.org.models import Street  # org depends on core, not the other way round

    street = Street.objects.filter(code=code).first()
    if street is not None:
        return street
    known = list(Street.objects.order_by("code").values_list("code", "name"))
    if not known:
        raise CommandError(f"街道代码不存在：{code}。系统中还没有街道（演示数据可运行 seed_demo）")
    listed = "\n".join(f"  {known_code}  {name}" for known_code, name in known)
    raise CommandError(f"街道代码不存在：{code}。现有街道（代码  名称）：\n{listed}")
