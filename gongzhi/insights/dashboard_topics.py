"""The dashboard's 热点议题: the top topics of the last 30 days (AI网格员, `hot_topics_for`).

Clustering thousands of messages takes seconds, so the result is cached for the local hour,
keyed by the cases it was read from (the area's compounds: users who read the same cases share
it) and the hour; the page says when it was computed. Only plain figures and texts already
stripped of contacts (by `hot_topics_for`) are cached: no case, no requester.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases import triage_topics
from gongzhi.cases.forms.hot_topics import rolling_window, trend_halves
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import Status
from gongzhi.core.calendar import local_zone
from gongzhi.insights.dashboard import Area

DAYS = 30
TOPICS_SHOWN = 5
PLACES_SHOWN = 3
CACHE_VERSION = 5  # 4: representatives without third parties' names or rooms; 5: titles
CACHE_SECONDS = 2 * 3600  # the key changes every hour; an old hour's entry expires by itself


@dataclass(frozen=True)
class TopicCard:
    size: int
    place_counts: list[tuple[str, int]]  # most cases first, at most PLACES_SHOWN
    place_total: int  # every place of the topic
    first_half: int
    second_half: int
    representative: str
    terms: list[str]
    title: str = ""  # the representative message's title, the topic's name

    @property
    def trend(self) -> str:
        if self.second_half > self.first_half:
            return "rising"
        if self.second_half < self.first_half:
            return "falling"
        return "steady"


@dataclass(frozen=True)
class DashboardTopics:
    topics: list[TopicCard]
    computed_at: dt.datetime
    analysed: int  # how many cases of the window were read (spread over its days)
    total: int  # cases filed in the window
    first_label: str  # 前 15 天: the older half of the window
    second_label: str  # 近 15 天
    url: str  # the 热点议题 page for the same period and area
    cached: bool  # read from the cache (not computed by this request)


def cache_key(area: Area, now: dt.datetime) -> str:
    hour = timezone.localtime(now, local_zone()).strftime("%Y%m%d%H")
    digest = hashlib.sha256(f"{area.key}@{hour}".encode()).hexdigest()[:32]
    return f"insights:dashboard:topics:v{CACHE_VERSION}:{digest}"


def _compute(user: Any, area: Area, now: dt.datetime) -> dict[str, Any]:
    # Every case of the area's compounds (the user reads them all): the same for every user
    # with the same area, which is what the cache key says.
    cases = Case.objects.visible_to(user).filter(compound_id__in=area.compound_ids)
    window = rolling_window(DAYS, now)
    in_window = cases.filter(created_at__gte=window.start, created_at__lt=window.end).exclude(
        status=Status.MERGED
    )
    total = in_window.count()
    topics = triage_topics.hot_topics_for(
        cases, start=window.start, end=window.end, middle=window.middle, max_topics=TOPICS_SHOWN
    )
    return {
        "computed_at": now.isoformat(),
        "total": total,
        "analysed": min(total, triage_topics.MAX_TOPIC_MESSAGES),
        "topics": [
            {
                "size": t.size,
                "place_counts": [list(pc) for pc in t.place_counts],
                "first_half": t.first_half,
                "second_half": t.second_half,
                "representative": t.representative,
                "terms": list(t.top_terms),
                "title": t.title,
            }
            for t in topics
        ],
    }


def _url(area: Area) -> str:
    query = {"period": str(DAYS)}
    if area.community is not None:
        query["area"] = f"community:{area.community.pk}"
    elif len(area.compounds) == 1:
        query["area"] = f"compound:{area.compounds[0].pk}"
    return f"{reverse('cases:hot_topics')}?{urlencode(query)}"


def dashboard_topics(user: Any, area: Area, now: dt.datetime | None = None) -> DashboardTopics:
    """The top TOPICS_SHOWN topics of the last DAYS days in the area, computed at most once
    per local hour (per area)."""
    now = now or timezone.now()
    key = cache_key(area, now)
    data = cache.get(key)
    cached = data is not None
    if data is None:
        data = _compute(user, area, now)
        cache.set(key, data, CACHE_SECONDS)
    computed_at = dt.datetime.fromisoformat(data["computed_at"])
    return DashboardTopics(
        topics=[
            TopicCard(
                size=t["size"],
                place_counts=[(name, n) for name, n in t["place_counts"][:PLACES_SHOWN]],
                place_total=len(t["place_counts"]),
                first_half=t["first_half"],
                second_half=t["second_half"],
                representative=t["representative"],
                terms=t["terms"],
                title=t.get("title", ""),
            )
            for t in data["topics"]
        ],
        computed_at=computed_at,
        analysed=data["analysed"],
        total=data["total"],
        first_label=trend_halves(DAYS // 2)[0],
        second_label=trend_halves(DAYS // 2)[1],
        url=_url(area),
        cached=cached,
    )
