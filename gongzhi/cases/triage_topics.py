"""The AI grid worker's readings of many cases at once: hot topics (热点议题, for the page, the
dashboard and the monthly report) and reply drafts (答复草稿) built from similar closed cases.
Both show texts to others than their writers, so contacts, rooms and people's names are removed
first (S9, G1); the triage library does the reading (`gongzhi.triage.topics`, `.replies`)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any

from gongzhi.cases.models import Case
from gongzhi.cases.triage_link import case_text
from gongzhi.cases.workflow import Status
from gongzhi.core.masking import remove_contacts

MAX_TOPIC_MESSAGES = 3000
MAX_REPLY_EXAMPLES = 500


# --- Hot topics -------------------------------------------------------------------------------


class Halves:
    """A topic counted in the two halves of its window (`first_half`, `second_half`)."""

    first_half: int
    second_half: int

    @property
    def rising(self) -> bool:
        return self.second_half > self.first_half

    @property
    def trend(self) -> str:
        """rising, falling or steady: the newer half of the window against the older half."""
        if self.second_half > self.first_half:
            return "rising"
        return "falling" if self.second_half < self.first_half else "steady"


@dataclass(frozen=True)
class HotTopic(Halves):
    size: int
    places: list[str]
    place_counts: list[tuple[str, int]]  # most cases first: where the matter is worst
    first_half: int
    second_half: int
    representative: str
    representative_case: Case | None
    top_terms: tuple[str, ...]
    cases: list[Case]  # every member, newest first
    title: str = ""  # the representative message's title: the topic's name (`topic_title`)


def _in_window(cases: Any, start: dt.datetime, end: dt.datetime) -> Any:
    return cases.filter(created_at__gte=start, created_at__lt=end).exclude(status=Status.MERGED)


def _even_sample(in_window: Any) -> list[Case]:
    """At most MAX_TOPIC_MESSAGES cases of the window, spread evenly over its time: reading
    only the newest of a busy month covered its last days, and then every topic looked rising."""
    ids = list(in_window.order_by("created_at", "id").values_list("id", flat=True))
    if len(ids) > MAX_TOPIC_MESSAGES:
        step = len(ids) / MAX_TOPIC_MESSAGES
        ids = [ids[int(i * step)] for i in range(MAX_TOPIC_MESSAGES)]
    return list(
        Case.objects.filter(pk__in=ids).select_related("compound").order_by("-created_at", "-id")
    )


def hot_topics_page(cases: Any, window: Any) -> dict[str, Any]:
    """The 热点议题 page's topics for a `forms.hot_topics.TopicWindow`, and how many cases of
    the window were read (MAX_TOPIC_MESSAGES of `total` at most, spread over its time)."""
    total = _in_window(cases, window.start, window.end).count()
    topics = hot_topics_for(cases, start=window.start, end=window.end, middle=window.middle)
    return {"topics": topics, "total": total, "analysed": min(total, MAX_TOPIC_MESSAGES)}


TOPIC_TERMS = 5


def _representative(text: str, case: Case | None) -> str:
    """A topic's message as shown on the analysis pages: nobody needs a writer's number, room
    or name there, nor a neighbour's (S9, G1)."""
    from gongzhi.core.masking import REMOVED
    from gongzhi.triage.names import remove_names

    text = remove_contacts(_once(text), [case.requester_name if case else ""])
    return remove_names(text, REMOVED)


TITLE_CHARS = 24


def topic_title(text: str, case: Case | None) -> str:
    """A topic's name for a reader: its representative message's title (电梯困人), masked as
    the message is; the first words of the message when it has no title. Keywords strung
    together (「上涨、物业费、讨论」) named no matter a meeting could recognise."""
    title, _, content = text.partition("\n")
    name = title.strip() or content.strip().split("\n", 1)[0]
    name = _representative(name, case).strip()
    return name if len(name) <= TITLE_CHARS else name[: TITLE_CHARS - 1] + "…"


def _once(text: str) -> str:
    """A case's text is its title, a line break, then what was written: without a title of its
    own (the title is the message's first words, or none) the message is shown once."""
    title, _, content = text.partition("\n")
    title, content = title.strip(), content.strip()
    if not title or not content:
        return title or content
    return content if content.startswith(title) else text


def _topic_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    """A topic's label words, neither a person's name (王建军) nor a number (502)."""
    from gongzhi.triage.names import is_person_name

    kept = (t for t in terms if not any(ch.isdigit() for ch in t) and not is_person_name(t))
    return tuple(itertools.islice(kept, TOPIC_TERMS))


def hot_topics_for(
    cases: Any,
    *,
    start: dt.datetime,
    end: dt.datetime,
    middle: dt.datetime | None = None,
    max_topics: int = 20,
) -> list[HotTopic]:
    """Topics among `cases` (already scoped to the user) filed in [start, end); the trend
    counts members filed before and from `middle` (default: half-way)."""
    from gongzhi.triage.topics import hot_topics

    rows = _even_sample(_in_window(cases, start, end))
    by_pk = {c.pk: c for c in rows}
    middle = middle or start + (end - start) / 2
    topics = hot_topics(
        [(c.pk, case_text(c)) for c in rows], max_topics=max_topics, n_terms=3 * TOPIC_TERMS
    )
    out = []
    for topic in topics:
        members = sorted((by_pk[pk] for pk in topic.member_ids), key=lambda c: -c.pk)
        per_place = Counter(c.compound.name for c in members)
        first = sum(1 for c in members if c.created_at < middle)
        rep = by_pk.get(topic.representative_id)
        out.append(
            HotTopic(
                size=topic.size,
                places=sorted(per_place),
                place_counts=sorted(per_place.items(), key=lambda item: (-item[1], item[0])),
                first_half=first,
                second_half=len(members) - first,
                representative=_representative(topic.representative_text, rep),
                representative_case=rep,
                top_terms=_topic_terms(topic.top_terms),
                cases=members,
                title=topic_title(topic.representative_text, rep),
            )
        )
    return out


# --- Reply drafts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplySource:
    """A closed case whose public reply a draft was assembled from."""

    pk: int
    number: str
    similarity: float


@dataclass(frozen=True)
class ReplyDraft:
    """A draft public reply (G3: a suggestion staff edit, never sent by itself) with its model
    version, its confidence (similarity of the closest closed case, 0-1) and its sources (none
    when the text is the general template)."""

    text: str
    model_version: str
    confidence: float
    sources: tuple[ReplySource, ...]


def _street_compound_names(case: Case) -> list[str]:
    """The names of the compounds of the case's street (an earlier reply may name any)."""
    from gongzhi.org.models import Compound

    street = Compound.objects.filter(pk=case.compound_id).values("community__street_id")
    return list(
        Compound.objects.filter(community__street_id__in=street)
        .values_list("name", flat=True)
        .order_by("name")
    )


def reply_draft(cases: Any, case: Case) -> ReplyDraft:
    """A draft public reply from similar closed cases in `cases` (scoped), and its sources."""
    from gongzhi.triage.replies import VERSION, compose_reply

    examples = (
        cases.filter(status=Status.CLOSED)
        .exclude(public_reply="")
        .exclude(pk=case.pk)
        .order_by("-closed_at")
        .values_list("pk", "number", "title", "content", "public_reply", "requester_name")[
            :MAX_REPLY_EXAMPLES
        ]
    )
    # An earlier reply may name its own requester or their room; the draft is for another case
    # and meant for the public, so none of that is carried over (a sentence where something
    # was removed is left out of the draft), nor other compounds' names (S9).
    closed = [
        (pk, number, f"{title}\n{content}", remove_contacts(reply, [name]))
        for pk, number, title, content, reply, name in examples
    ]
    draft = compose_reply(
        case_text(case),
        [(message, reply) for _, _, message, reply in closed],
        compounds=_street_compound_names(case),
        compound=case.compound.name if case.compound_id else "",
    )
    sources = tuple(ReplySource(closed[i][0], closed[i][1], sim) for i, sim in draft.sources)
    return ReplyDraft(draft.text, VERSION, draft.similarity, sources)
