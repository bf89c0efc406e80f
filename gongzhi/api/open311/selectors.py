"""What an Open311 caller may read: with a key, every case of its street (its service account's
scope, through `cases.selectors`); without one, only the published cases of the jurisdiction."""

from typing import Any

from django.db.models import QuerySet

from gongzhi.api.models import Open311Client, Open311Submission
from gongzhi.cases import selectors as case_selectors
from gongzhi.cases.models import Case
from gongzhi.org.models import Street


def requests_for(client: Open311Client | None, street: Street) -> QuerySet[Case]:
    if client is not None:
        queryset = case_selectors.case_queue(client.account)
    else:
        queryset = case_selectors.published_cases(street.path)
    return queryset.filter(compound__path__startswith=street.path).select_related(
        "compound__community__street", "assigned_company"
    )


def submissions_for(case_ids: list[int]) -> dict[int, Open311Submission]:
    rows = Open311Submission.objects.filter(case_id__in=case_ids)
    return {row.case_id: row for row in rows}


def submitted_service_codes(codes: list[str]) -> QuerySet[Any]:
    return Open311Submission.objects.filter(service_code__in=codes).values("case_id")
