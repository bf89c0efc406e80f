"""Which case links of a reader's notices still open (`core.notifications.links`): a case taken
from them (改派, a 交办 to another party after a 退单 or 重办, a role withdrawn) answers 404,
so the inbox hides its 查看. Registered by CasesConfig.ready."""

import re
from typing import Any

from gongzhi.cases.models import Case

_CASE_LINK = re.compile(r"^/cases/(\d+)/")


def closed_case_links(user: Any, links: list[str]) -> set[str]:
    """The `/cases/<id>/…` links among `links` whose case `user` may not open (the case page's
    own rule, `Case.objects.visible_to`), in one query. A case not found is not judged here."""
    ids = {link: int(match[1]) for link in links if (match := _CASE_LINK.match(link))}
    if not ids:
        return set()
    closed = set(
        Case.objects.filter(pk__in=set(ids.values()))
        .exclude(pk__in=Case.objects.visible_to(user).values("pk"))
        .values_list("pk", flat=True)
    )
    return {link for link, pk in ids.items() if pk in closed}
