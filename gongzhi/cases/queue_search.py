"""The work queue's search box: which cases a search finds (a case number among all cases, any
other text among the SEARCH_WINDOW cases recorded last, or those recorded before a given case:
see queue_selectors, and a hotline's work-order number and a requester's whole phone number
among all cases; a word that is a requester's full name finds their cases like a word of the
text), and whether a found case matches in what its viewer may see of it (S9): the requester's
name and phone only where they may see the requester (policies.can_view_requester)."""

import re
from functools import reduce
from operator import and_, or_
from typing import Any

from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

from gongzhi.cases import policies
from gongzhi.cases.models import Case
from gongzhi.cases.requester_keys import phone_key, whole_phone
from gongzhi.cases.tracking import phone_digits
from gongzhi.org.models import Compound
from gongzhi.org.scopes import scope_for

_NUMBER = re.compile(r"^[A-Za-z]{2}\d{4,}$")
# A hotline's own work-order number (12345 工单编号, "WH12345-2611-0001"): letters, digits and
# dashes, at least one digit and one letter or dash. Callers quote it; it is in no text field.
_ORDER_NUMBER = re.compile(r"^(?=.*\d)(?=.*[A-Za-z-])[A-Za-z0-9-]{6,40}$")
# Words of a search, each of which a case must contain ("门禁 坏"); more are ignored.
MAX_SEARCH_TERMS = 5
_TEXT_FIELDS = ("title", "content", "address")
_PAST_EVERY_ID = 2**63 - 1  # above any id: an upper bound that excludes nothing


def _is_number(term: str) -> bool:
    return bool(_NUMBER.match(term))


def _caseless(term: str) -> bool:
    """Whether icontains would match `term` exactly as written: SQLite's LIKE folds ASCII
    letters only, PostgreSQL's UPPER() every cased letter."""
    if connection.vendor == "sqlite":
        return not re.search("[A-Za-z]", term)
    return term.upper() == term.lower()


def search_terms(q: str) -> list[str]:
    """The words of a search box entry, split on whitespace, at most MAX_SEARCH_TERMS."""
    return q.split()[:MAX_SEARCH_TERMS]


def is_number_search(q: str) -> bool:
    """One word that looks like a case number (or its prefix): found among all cases."""
    terms = search_terms(q)
    return len(terms) == 1 and _is_number(terms[0])


def search_q(q: str, since: Any, before: int | None = None) -> Q:
    """A case number (or its prefix) among all cases; any other text among the cases of the
    search window, ids in [`since`, `before`) (None: no bound): every word of it, each in the
    number, title, content, address or compound's name ("门禁 坏" finds "单元门禁坏了";
    "中央花园二期" the cases of that compound), or the requester's full name; and a whole
    phone number, the cases its requester gave it in, however old."""
    if is_number_search(q):
        prefix = q.strip().upper()
        return Q(number__gte=prefix, number__lt=prefix + "\U0010ffff")
    terms = search_terms(q)
    text = reduce(and_, (_term_q(term) for term in terms))
    if since is not None:
        text &= Q(pk__gte=since)
    if before is not None:
        text &= Q(pk__lt=before)
    anywhere = Q()  # matches among all cases, each read through its own index
    if len(terms) == 1 and _ORDER_NUMBER.match(terms[0]):
        # Also the case of that hotline order, however old (the written-out condition lets
        # SQLite use the partial unique index); "138-1234" is still looked for in the texts.
        anywhere |= Q(external_order_no=terms[0]) & ~Q(external_order_no="")
    key = phone_key(whole_phone(q))
    if key and before is None:
        # Through case_requester_phone_idx (the condition written out for SQLite): listed with
        # the newest window only, not again with each earlier one (搜索更早的诉求).
        anywhere |= Q(requester_phone_key=key) & ~Q(requester_phone_key="")
    if not anywhere:
        return text
    if since is not None and before is None and connection.vendor == "sqlite":
        # A window bounded on both sides: SQLite guesses an open range of ids at a quarter of
        # the table and, OR-ed with an index, scanned every case (190 ms at 500,000 cases for
        # a property company's S9 check); bounded, it reads the window and the index (5 ms).
        text &= Q(pk__lt=_PAST_EVERY_ID)
    return text | anywhere


def _contains_q(field: str, term: str) -> Q:
    """`field` contains `term`, letter case aside."""
    if _caseless(term):
        # Case folding changes nothing for such a term (Chinese text): instr() on SQLite (whose
        # LIKE is several times slower) and strpos() on PostgreSQL find the same rows as
        # icontains without upper-casing every text they read.
        return Q(GreaterThan(StrIndex(field, Value(term)), 0))
    return Q(**{f"{field}__icontains": term})


def _in_compound_named_q(term: str) -> Q:
    """The case's compound (小区) has `term` in its name ("中央花园二期", "花园"): the few
    matching compounds are read once from the small compound table, and each case of the
    search window tests its compound's id against them (no join, no row per case)."""
    named = Compound.objects.filter(_contains_q("name", term)).values("pk")
    return Q(compound_id__in=named)


def _term_q(term: str) -> Q:
    """One word of a text search, in any of the searched fields or the compound's name."""
    # Case numbers are ASCII: a term with any other character (Chinese) cannot be in one.
    fields = ("number", "title", "content", "address") if term.isascii() else _TEXT_FIELDS
    # The requester's full name, never a part of it ("张" would list every 张's cases).
    name = Q(requester_name=term)
    return reduce(or_, (_contains_q(f, term) for f in fields), name) | _in_compound_named_q(term)


def matches_what_they_see(user: Any, case: Case, q: str) -> bool:
    """Whether the search finds the case in what this user sees of it: every word in its
    texts as shown to them, or, where they may see the requester, the requester's full name;
    or the requester's whole phone number, only there too (else searching a phone or a name
    would tell the party complained about who complained)."""
    from gongzhi.cases.selectors import (  # (imports this module)
        case_requester,
        shown_address,
        text_for_viewer,
    )

    requester = case_requester(user, case)
    seen = [
        case.number,
        case.external_order_no,
        *(text_for_viewer(t, case, requester) for t in (case.title, case.content)),
    ]
    seen.append(shown_address(user, case, requester))  # no room beside a complaint (G1)
    seen.append(case.compound.name)  # shown on every row of the queue
    known = policies.can_view_requester(user, case)
    phone = whole_phone(q)
    if known and phone and phone == phone_digits(case.requester_phone):
        return True
    name = case.requester_name if known else None
    folded = [text.lower() for text in seen]
    return all(
        term == name
        or (
            any(term in text for text in seen)
            if _caseless(term)
            else any(term.lower() in text for text in folded)
        )
        for term in search_terms(q)
    )


def searches_requesters(user: Any) -> bool:
    """Whether a requester's full name or whole phone number finds anything for `user`: where
    they may see some requester in full (the community's staff, a company on its repairs),
    not a party or committee member, who reads every requester masked."""
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & policies.CONTACT_ROLES or scope.company_ids)
