"""`seed_scale --cases N`: add N realistic cases (and proportional households) for benchmarks."""

import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from gongzhi.cases.models import CASE_NUMBER_PREFIX, Case, CaseCounter, CaseEvent, CaseRating
from gongzhi.cases.seeding import CaseFactory, events_for, rating_for
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.core import audit
from gongzhi.org import services as org_services
from gongzhi.org.models import Compound, Unit
from gongzhi.org.scopes import current_company_compounds

CASES_PER_HOUSEHOLD = 5  # a busy street sees about one case per household a year


def _insert_events(events: list[CaseEvent]) -> None:
    """Events are most of the rows: a plain executemany is several times faster than the ORM."""
    table = CaseEvent._meta.db_table
    as_json = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    sql = (
        f"INSERT INTO {table} (case_id, actor_id, kind, old_status, new_status, note, internal,"  # noqa: S608 - constant names
        f" payload, created_at) VALUES (%s, NULL, %s, %s, %s, '', %s, {as_json}, %s)"
    )
    adapt = connection.ops.adapt_datetimefield_value
    rows = [
        (e.case_id, e.kind, e.old_status, e.new_status, False, "{}", adapt(e.created_at))
        for e in events
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


class Command(BaseCommand):
    help = "添加 N 条模拟诉求（及相应住户）用于性能测试"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument("--days", type=int, default=365, help="spread over the past N days")
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args: Any, **opts: Any) -> None:
        total, batch = opts["cases"], opts["batch"]
        if total < 1:
            raise CommandError("--cases 必须为正整数")
        compounds = list(Compound.objects.order_by("id"))
        if not compounds:
            raise CommandError("没有小区，请先运行 seed_demo")
        started = time.monotonic()
        rng = random.Random(opts["seed"])  # noqa: S311 - synthetic data, not security
        added_units = self._households(compounds, total // CASES_PER_HOUSEHOLD, rng)
        now = timezone.now()
        companies = self._companies()
        ensure_default_policies()  # the factory dispatches cases under these clocks
        factory = CaseFactory(rng, now, companies)
        span = dt.timedelta(days=opts["days"])
        done = 0
        while done < total:
            size = min(batch, total - done)
            moments = sorted(now - span * rng.random() for _ in range(size))
            drafts = [factory.draft(rng.choice(compounds), when) for when in moments]
            self._insert(drafts)
            done += size
            self.stdout.write(f"  {done}/{total}", ending="\r")
        audit.record(action="case.seed_scale", detail={"cases": total, "units": added_units})
        self.stdout.write(
            f"已添加 {total} 条诉求、{added_units} 户住户，用时 {time.monotonic() - started:.1f} 秒"
        )

    def _companies(self) -> dict[int, int]:
        from gongzhi.org.models import PropertyCompany

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
        missing = target - Unit.objects.count()
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
            created = Unit.objects.bulk_create(units, batch_size=2000)
            for unit in created:
                unit.path = f"{building.path}U{unit.pk}/"
            Unit.objects.bulk_update(created, ["path"], batch_size=2000)
            added += len(created)
        return added

    @transaction.atomic
    def _insert(self, drafts: list) -> None:
        by_day: dict[dt.date, list] = defaultdict(list)
        for draft in drafts:
            by_day[timezone.localdate(draft.case.created_at)].append(draft)
        counters = {c.day: c for c in CaseCounter.objects.filter(day__in=list(by_day))}
        for day, day_drafts in by_day.items():
            counter = counters.get(day) or CaseCounter.objects.create(day=day, value=0)
            for draft in day_drafts:
                counter.value += 1
                draft.case.number = f"{CASE_NUMBER_PREFIX}{day:%Y%m%d}{counter.value:04d}"
            counters[day] = counter
        CaseCounter.objects.bulk_update(list(counters.values()), ["value"])
        Case.objects.bulk_create([d.case for d in drafts])
        _insert_events([event for d in drafts for event in events_for(d)])
        ratings = [r for d in drafts if (r := rating_for(d)) is not None]
        CaseRating.objects.bulk_create(ratings, batch_size=5000)
