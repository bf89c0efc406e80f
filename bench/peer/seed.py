"""Seed the bench peer (django-helpdesk) with N tickets quickly, like `seed_scale --cases N`.

    var/bench/peer/venv/bin/python bench/peer/seed.py --tickets N [--seed 2026]

Creates three queues (one open to public submission, as residents file demands), one staff
agent and one resident account (password `bench-peer-pass`), N tickets spread over the past
year with the status mix of a working helpdesk and two follow-ups each (Gongzhi's cases carry
several events each), then prints JSON: counts, seconds, a sample of ticket ids and the
default ticket-list query (the base64 the list page hands to its datatables endpoint).
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerproj.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402
from helpdesk.query import query_to_base64  # noqa: E402

PASSWORD = "bench-peer-pass"  # noqa: S105 - a local benchmark account
BATCH = 5000
WORDS = (
    "电梯 停电 漏水 噪音 停车 垃圾 绿化 路灯 门禁 物业费 楼道 堆物 外墙 管道 消防 "
    "elevator leak noise parking garbage light door fee corridor wall pipe fire"
).split()
# open, reopened, resolved, closed, duplicate — most of a year's tickets are done.
STATUSES = (1, 1, 2, 3, 3, 4, 4, 4, 4, 5)


def _users() -> tuple:
    User = get_user_model()
    agent = User.objects.filter(username="agent").first()
    if agent is None:
        agent = User.objects.create_user("agent", "agent@example.com", PASSWORD, is_staff=True)
    resident = User.objects.filter(username="resident").first()
    if resident is None:
        resident = User.objects.create_user("resident", "resident@example.com", PASSWORD)
    return agent, resident


def _queues() -> list:
    queues = []
    for slug, title, public in (
        ("residents", "Resident demands", True),
        ("repairs", "Repairs", False),
        ("complaints", "Complaints", False),
    ):
        queue, _ = Queue.objects.get_or_create(
            slug=slug, defaults={"title": title, "allow_public_submission": public}
        )
        queues.append(queue)
    return queues


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    started = time.monotonic()
    rng = random.Random(args.seed)  # noqa: S311 - synthetic data
    agent, resident = _users()
    queues = _queues()
    # Spread `created` over the year: bulk_create would stamp every row with now().
    Ticket._meta.get_field("created").auto_now_add = False
    Ticket._meta.get_field("modified").auto_now = False
    now = timezone.now()
    span = dt.timedelta(days=365)
    done = Ticket.objects.count()
    target = args.tickets
    while done < target:
        size = min(BATCH, target - done)
        moments = sorted(now - span * rng.random() for _ in range(size))
        tickets = []
        for when in moments:
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
            status = rng.choice(STATUSES)
            tickets.append(
                Ticket(
                    title=text[:60],
                    queue=rng.choice(queues),
                    created=when,
                    modified=when + dt.timedelta(hours=rng.randint(1, 200)),
                    submitter_email=f"r{rng.randint(1, 99999)}@example.com",
                    assigned_to=agent if rng.random() < 0.7 else None,
                    status=status,
                    description=text,
                    resolution=text[:40] if status in (3, 4) else "",
                    priority=rng.randint(1, 5),
                )
            )
        with transaction.atomic():
            created = Ticket.objects.bulk_create(tickets, batch_size=BATCH)
            followups = []
            for ticket in created:
                for step in (1, 2):
                    followups.append(
                        FollowUp(
                            ticket_id=ticket.pk,
                            date=ticket.created + dt.timedelta(hours=step),
                            title="Comment",
                            comment=ticket.description[:80],
                            public=True,
                            user=agent,
                        )
                    )
            FollowUp.objects.bulk_create(followups, batch_size=BATCH)
        done += size
    ids = list(Ticket.objects.order_by("-id").values_list("id", flat=True)[:500])
    default_query = {
        "filtering": {"status__in": [1, 2]},
        "sorting": "created",
        "search_string": "",
        "sortreverse": False,
    }
    print(
        json.dumps(
            {
                "tickets": Ticket.objects.count(),
                "followups": FollowUp.objects.count(),
                "seconds": round(time.monotonic() - started, 1),
                "ticket_ids": ids,
                "list_query": query_to_base64(default_query),
                "public_queue": queues[0].pk,
                "password": PASSWORD,
            }
        )
    )


if __name__ == "__main__":
    main()
