"""How a sweep runs its cases: in batches, each case on its own, a failure logged and skipped,
and the count the scheduler prints (`Tally`)."""

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from gongzhi.cases.models import Case

BATCH = 500
MINUTE = dt.timedelta(minutes=1)

logger = logging.getLogger("gongzhi.scheduler")


class Tally(int):
    """A sweep's count, an int as the scheduler expects, with how many items failed (logged
    and skipped) and, for `run_all`, each sweep's (name, count or None if it raised, failures)."""

    failures: int = 0
    parts: tuple[tuple[str, int | None, int], ...] = ()


def _tally(count: int, failures: int = 0, parts: tuple[Any, ...] = ()) -> Tally:
    tally = Tally(count)
    tally.failures, tally.parts = failures, parts
    return tally


def _each(cases: Iterable[Case], handle: Callable[[Case], object]) -> Tally:
    """`handle` every case; one that raises is logged and skipped, so the same broken case
    cannot stop the others on every pass. Each handler does its writes in its own
    transaction.atomic (a savepoint inside a caller's transaction), so a failure rolls back
    only that case and leaves the connection usable."""
    done = failed = 0
    for case in cases:
        try:
            done += bool(handle(case))
        except Exception:
            failed += 1
            logger.exception("sweep skipped case %s", case.pk)
    return _tally(done, failed)
