"""What the text of a case must be, wherever it comes from (web form, API, hotline import):
one set of length limits, and the rule that a title or content says something in words.

The limits of the short fields are the model's columns, so PostgreSQL never sees a longer value;
content is a TextField whose limit is the web form's, used by the API and the import too.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case
from gongzhi.core.masking import REMOVED, remove_contacts
from gongzhi.triage.names import remove_names


def _column(name: str) -> int:
    return int(Case._meta.get_field(name).max_length)  # type: ignore[arg-type]


MAX_CONTENT = 5000  # 诉求内容
MAX_TITLE = _column("title")
MAX_ADDRESS = _column("address")
MAX_REQUESTER_NAME = _column("requester_name")
MAX_NOTE = 500  # a note or a reason written with a workflow action (as the API allows)
MAX_RESOLUTION_NOTE = 2000  # 处置说明 (as the API allows)
TITLE_CHARS = 30  # a title made from the content's first line

# Invisible characters that Unicode nevertheless counts as letters (Hangul fillers): a "title"
# made of them looks empty, like one of zero-width spaces.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def is_word_char(char: str) -> bool:
    """A letter (Chinese characters included) or a digit: not a format character (zero-width
    space, joiner), an emoji, a symbol, punctuation, a combining mark or white space."""
    return unicodedata.category(char)[0] in "LN" and char not in _BLANK_LETTERS


def has_words(text: str) -> bool:
    """Whether `text` has at least one letter, digit or CJK character ("😡", "\\u200b", "？！"
    have none)."""
    return any(is_word_char(char) for char in text)


def no_words_message() -> str:
    return _("请用文字描述您反映的问题")


def title_no_words_message() -> str:
    return _("标题请用文字填写")


def too_long_message(label: str, limit: int) -> str:
    return _("%(label)s不能超过 %(limit)d 字") % {"label": label, "limit": limit}


# For a form field's messages, made once at import and read in each request's language.
no_words_message_lazy = lazy(no_words_message, str)
title_no_words_message_lazy = lazy(title_no_words_message, str)
too_long_message_lazy = lazy(too_long_message, str)


def title_from(content: str, names: Iterable[str | None] = ()) -> str:
    """A title from the content's first line that has words (a resident or a hotline order
    may have none): at most TITLE_CHARS characters, starting at a word if the line opens with
    a row of emoji or punctuation.

    The title is shown where the requester is not (public pages, the company complained
    about, reports: S9), and masking there finds only whole names and numbers: so contacts
    and the given names (the requester's) go before the cut, and the cut leaves no half of a
    number behind."""
    first = _first_line(remove_contacts(content, names))
    if first and not has_words(first[:TITLE_CHARS]):
        first = first[next(i for i, char in enumerate(first) if is_word_char(char)) :]
    if len(first) <= TITLE_CHARS:
        return first
    return _cut(first, TITLE_CHARS) + "…"


# "[已隐去]" opening a line, with what separated it from the next: "夏静琳 138…：灯坏了".
_LEADING_REMOVED = re.compile(rf"^(?:{re.escape(REMOVED)}[\s,，、:：;；.。\-—]*)+")
_TRAILING_DIGITS = re.compile(r"\d+$")


def _first_line(content: str) -> str:
    """The first line that says something besides what was removed from it, from its first
    word on; else the first line with words at all ("[已隐去]")."""
    lines = [line.strip() for line in content.splitlines()]
    said = (_LEADING_REMOVED.sub("", line) for line in lines)
    return next((line for line in said if has_words(line)), "") or next(
        (line for line in lines if has_words(line)), ""
    )


def _cut(line: str, at: int) -> str:
    """The first `at` characters, without a run of digits or a "[已隐去]" that the cut goes
    through (the first 9 digits of a number that masking will no longer know)."""
    cut = line[:at]
    if line[at - 1].isdigit() and line[at].isdigit():
        trimmed = _TRAILING_DIGITS.sub("", cut).rstrip()
        cut = trimmed if has_words(trimmed) else cut
    for length in range(len(REMOVED) - 1, 0, -1):
        if cut.endswith(REMOVED[:length]) and line[at:].startswith(REMOVED[length:]):
            return cut[:-length].rstrip()
    return cut


def text_errors(
    *, title: str, content: str, requester_name: str = "", address: str = ""
) -> dict[str, str]:
    """Title and content must say something in words (not "😡" or a zero-width space), and
    no text may be longer than the web form (or the database column) allows."""
    errors: dict[str, str] = {}
    title, content = title.strip(), content.strip()
    if not title:
        errors["title"] = _("请填写标题")
    elif len(title) > MAX_TITLE:
        errors["title"] = too_long_message(_("标题"), MAX_TITLE)
    elif not has_words(title):
        errors["title"] = title_no_words_message()
    if not content:
        errors["content"] = _("请填写诉求内容")
    elif not has_words(content):
        errors["content"] = no_words_message()
    elif len(content) > MAX_CONTENT:
        errors["content"] = too_long_message(_("诉求内容"), MAX_CONTENT)
    if len(requester_name.strip()) > MAX_REQUESTER_NAME:
        errors["requester_name"] = too_long_message(_("诉求人姓名"), MAX_REQUESTER_NAME)
    if len(address.strip()) > MAX_ADDRESS:
        errors["address"] = too_long_message(_("地址"), MAX_ADDRESS)
    return errors


def check_note(text: str, *, field: str, label: str, limit: int = MAX_NOTE) -> None:
    """A service's check on a note or reason: at most `limit` characters, as on every form."""
    if len(text.strip()) > limit:
        raise ValidationError({field: too_long_message(label, limit)})


def without_people(text: str, names: Iterable[str | None] = ()) -> str:
    """`text` for the party a complaint is about and for public pages (S9): contacts, rooms and
    the given names removed (`remove_contacts`), and every other person's name as well. A
    complainant who signs their message (我是3栋的业主赵敏，本人张丽华投诉…) is not known to the
    case as its requester when the hotline or a relative recorded it, or when they signed
    another name."""
    return _without_people(text, tuple(name for name in names if name))


@lru_cache(maxsize=4096)  # the tagger takes milliseconds per message; pages repeat them
def _without_people(text: str, names: tuple[str, ...]) -> str:
    return remove_names(remove_contacts(text, names), REMOVED)
