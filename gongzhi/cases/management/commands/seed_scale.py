"""`seed_scale --cases N`: add N realistic cases (and proportional households) for benchmarks.

Fast enough for a benchmark run at a million cases: cases are generated in time order (so the
number, created_at and id indexes only grow at their end), written as plain rows in batches of
`--batch` cases, one transaction per batch: executemany on SQLite (with synchronous=OFF and a
large page cache for the duration), COPY on PostgreSQL. Case ids are assigned here, so events
and ratings need no round trip; run it on a database nobody else writes cases to meanwhile
(on PostgreSQL each batch holds a lock on the case table). The run itself is one audit record.
"""

import argparse
import datetime as dt
import json
import random
import time
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from gongzhi.cases.models import CASE_NUMBER_PREFIX, Case, CaseCounter, CaseEvent, CaseRating
from gongzhi.cases.seeding import CaseFactory, case_columns
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.core import audit
from gongzhi.core.command_checks import require_migrated_database, require_street
from gongzhi.org import services as org_services
from gongzhi.org.models import Compound, PropertyCompany, Unit
from gongzhi.org.scopes import current_company_compounds

CASES_PER_HOUSEHOLD = 5  # a busy street sees about one case per household a year
EVENT_COLUMNS = ["case_id", "kind", "old_status", "new_status", "note", "internal", "payload",
                 "created_at"]  # fmt: skip
RATING_COLUMNS = ["case_id", "round", "resolved", "level", "via", "note", "exception_reason",
                  "created_at"]  # fmt: skip


def _payload(rest: list[Any]) -> str:
    """An event's payload as the database stores JSON: text (after its note, if any)."""
    return json.dumps(rest[1], ensure_ascii=False) if len(rest) > 1 else "{}"


def _utc_text(value: dt.datetime | None) -> str | None:
    """A naive UTC datetime as Django stores it in SQLite."""
    return None if value is None else value.isoformat(" ")


class _Writer:
    """Rows → table: COPY on PostgreSQL (naive UTC datetimes; Django's sessions run in UTC),
    executemany on SQLite (datetimes as text, see `stamp`)."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.stamp = (lambda value: value) if self.postgres else _utc_text

    def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # noqa: S608
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns))
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
                cursor.cursor.executemany(sql, rows)


def whole_number(what: str, minimum: int | None = None) -> Any:
    """An argparse type for an integer option whose mistakes are explained in Chinese."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}应为整数，而不是 {text!r}") from None
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"{what}应至少为 {minimum}，而不是 {text}")
        return value

    return parse


class Command(BaseCommand):
    help = "添加 N 条模拟诉求（及相应住户）用于性能测试"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cases", type=whole_number("诉求条数", 1), required=True, help="添加多少条诉求"
        )
        parser.add_argument(
            "--days",
            type=whole_number("天数", 1),
            default=365,
            help="诉求的受理时间分布在过去多少天内（默认 365）",
        )
        parser.add_argument(
            "--seed",
            type=whole_number("随机种子"),
            default=None,
            help="随机种子：同一种子生成同样的数据（默认每次不同）",
        )
        parser.add_argument(
            "--batch",
            type=whole_number("每批条数", 1),
            default=20000,
            help="每个事务写入多少条诉求（默认 20000）",
        )
        parser.add_argument(
            "--street",
            default="",
            help="只用这个街道的小区（街道的行政区划代码，如 seed_demo 的 420106011）；"
            "默认全部小区",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        total, batch = opts["cases"], max(1, opts["batch"])
        if total < 1:
            raise CommandError("--cases 必须为正整数")
        require_migrated_database()
        compounds = Compound.objects.order_by("id")
        if opts["street"]:  # seed_demo: the demo street's history, not another street's
            street = require_street(opts["street"])
            compounds = compounds.filter(community__street=street)
        compounds = list(compounds)
        if not compounds and opts["street"]:
            raise CommandError(f"街道 {opts['street']}（{street.name}）下没有小区")
        if not compounds:
            raise CommandError("没有小区，请先运行 seed_demo")
        started = time.monotonic()
        rng = random.Random(opts["seed"])  # noqa: S311 - synthetic data, not security
        added_units = self._households(compounds, total // CASES_PER_HOUSEHOLD, rng)
        # Cases per compound in proportion to its households.
        sizes = dict(Compound.objects.annotate(n=Count("buildings__units")).values_list("id", "n"))
        weights = [max(1, sizes.get(c.pk, 0)) for c in compounds]
        now = timezone.now().replace(tzinfo=None)  # naive UTC, see CaseFactory
        ensure_default_policies()  # the factory dispatches cases under these clocks
        factory = CaseFactory(rng, now, self._companies())
        span = dt.timedelta(days=opts["days"]).total_seconds()
        # Ages in seconds, oldest first: every batch continues where the previous one stopped.
        ages = sorted((span * rng.random() for _ in range(total)), reverse=True)
        writer = _Writer()
        with self._fast_sqlite():
            for first in range(0, total, batch):
                chunk = ages[first : first + batch]
                picked = rng.choices(compounds, weights=weights, k=len(chunk))
                drafts = [
                    factory.draft(compound, now - dt.timedelta(seconds=age))
                    for compound, age in zip(picked, chunk, strict=True)
                ]
                self._insert(writer, drafts)
                self.stdout.write(f"  {first + len(chunk)}/{total}", ending="\r")
            self._analyze()
        audit.record(action="case.seed_scale", detail={"cases": total, "units": added_units})
        self.stdout.write(
            f"已添加 {total} 条诉求、{added_units} 户住户，用时 {time.monotonic() - started:.1f} 秒"
        )

    def _fast_sqlite(self) -> Any:
        """SQLite while seeding: no fsync, a 256 MB page cache, no foreign-key lookups (the rows
        reference only what they were generated from); a crash loses only the seed."""
        command = self

        class Pragmas:
            def __enter__(self) -> None:
                command._pragma(
                    "synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY", "foreign_keys=OFF"
                )

            def __exit__(self, *exc: object) -> None:
                command._pragma(
                    "synchronous=NORMAL",
                    "cache_size=-2000",
                    "temp_store=DEFAULT",
                    "foreign_keys=ON",
                )

        return Pragmas()

    def _pragma(self, *settings: str) -> None:
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for setting in settings:
                cursor.execute(f"PRAGMA {setting}")

    def _analyze(self) -> None:
        """Fresh planner statistics for the grown tables; on PostgreSQL also the visibility map
        that autovacuum would set some time after a bulk load (the queue's counts are
        index-only scans, which read the table for every row until it is set)."""
        tables = [m._meta.db_table for m in (Case, CaseEvent, CaseRating)]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                for table in tables:
                    cursor.execute(f"{command} {table}")
            elif not connection.in_atomic_block:
                cursor.execute("PRAGMA analysis_limit=2000")
                for table in tables:
                    cursor.execute(f"ANALYZE {table}")

    def _companies(self) -> dict[int, int]:
        ids = set(PropertyCompany.objects.values_list("id", flat=True))
        by_path = current_company_compounds(ids)
        return {
            pk: by_path[path]
            for pk, path in Compound.objects.values_list("id", "path")
            if path in by_path
        }

    @transaction.atomic
    def _households(self, compounds: list[Compound], target: int, rng: random.Random) -> int:
        """Top the street up to `target` units, spread over the compounds in new buildings."""
        missing = target - Unit.objects.filter(building__compound__in=compounds).count()
        if missing <= 0:
            return 0
        per_compound = -(-missing // len(compounds))
        added = 0
        for compound in compounds:
            count = min(per_compound, missing - added)
            if count <= 0:
                break
            existing = compound.buildings.count()
            building = org_services.building_create(
                compound=compound, name=f"{existing + 1}栋（扩）", floors=18
            )
            units = [
                Unit(
                    building=building,
                    name=f"{building.name}{i // 72 + 1}单元{(i % 18 + 1) * 100 + i // 18 % 4 + 1}",
                    entrance=str(i // 72 + 1),
                    room=str((i % 18 + 1) * 100 + i // 18 % 4 + 1),
                    floor=i % 18 + 1,
                    area=Decimal(rng.randint(6000, 14000)) / 100,
                )
                for i in range(count)
            ]
            added += len(org_services.units_bulk_create(units=units))
        return added

    def _numbers(self, drafts: list) -> list[CaseCounter]:
        """NH + local day + the day's sequence, continuing each day's counter."""
        counters: dict[dt.date, CaseCounter] = {}
        days = [
            timezone.localdate(case["created_at"].replace(tzinfo=dt.UTC)) for case, _, _ in drafts
        ]
        counters = {c.day: c for c in CaseCounter.objects.filter(day__in=set(days))}
        for (case, _, _), day in zip(drafts, days, strict=True):
            counter = counters.get(day)
            if counter is None:
                counter = counters[day] = CaseCounter(day=day, value=0)
            counter.value += 1
            case["number"] = f"{CASE_NUMBER_PREFIX}{day:%Y%m%d}{counter.value:04d}"
        return list(counters.values())

    @transaction.atomic
    def _insert(self, writer: _Writer, drafts: list) -> None:
        if writer.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Case._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
                # Like pg_restore: skip the per-row foreign-key triggers when allowed (superuser);
                # the rows reference only what they were generated from. SET LOCAL ends with
                # the batch's transaction.
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                if cursor.fetchone()[0]:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("SET LOCAL synchronous_commit = off")
        counters = self._numbers(drafts)
        CaseCounter.objects.bulk_create(
            counters, update_conflicts=True, unique_fields=["day"], update_fields=["value"]
        )
        next_id = (Case.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        columns, stamp = case_columns(), writer.stamp
        stamped = [
            f.column for f in Case._meta.concrete_fields if f.get_internal_type() == "DateTimeField"
        ]
        cases, events, ratings = [], [], []
        for pk, (case, timeline, rating) in enumerate(drafts, start=next_id):
            for column in stamped:
                case[column] = stamp(case[column])
            cases.append((pk, *(case[c] for c in columns)))
            events.extend(
                (pk, kind, old, new, rest[0] if rest else "", False, _payload(rest), stamp(at))
                for kind, old, new, at, *rest in timeline
            )
            if rating is not None:
                level, resolved, reason, at = rating
                # Rated by the requester through the receipt link (no staff member recorded it).
                ratings.append((pk, 1, resolved, level, "online", "", reason, stamp(at)))
        writer.write(Case._meta.db_table, ["id", *columns], cases)
        writer.write(CaseEvent._meta.db_table, EVENT_COLUMNS, events)
        writer.write(CaseRating._meta.db_table, RATING_COLUMNS, ratings)
        if writer.postgres:
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Case]):
                    cursor.execute(sql)
