"""Whether a notice's link still opens for its reader. An app whose pages can be taken from a
reader (a case reassigned, returned or handed to another party) registers a check; the inbox
shows no 查看 for a link that would answer 404, and following one returns to the inbox."""

from collections.abc import Callable, Iterable
from typing import Any

# A check takes the reader and the links of their notices and returns those they cannot open.
LinkCheck = Callable[[Any, list[str]], set[str]]

_checks: dict[str, LinkCheck] = {}


def register_link_check(name: str, check: LinkCheck) -> None:
    """Registering a name again replaces its check (an app's module imported twice)."""
    _checks[name] = check


def closed_links(user: Any, links: Iterable[str]) -> set[str]:
    """The links among `links` that `user` can no longer open (one query per registered check,
    whatever their number)."""
    wanted = sorted({link for link in links if link})
    closed: set[str] = set()
    if wanted:
        for check in _checks.values():
            closed |= check(user, wanted)
    return closed
