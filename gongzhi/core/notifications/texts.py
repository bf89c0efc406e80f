"""A notification's words, kept so that each reader reads them in their own language.

A notice is written once, by whoever's action caused it, and read later by someone else: the
English-speaking resident must not get the Chinese the community worker's request was in, nor
the other way round. So a notice's title and body may be given as a `Text` — the Chinese source
message (marked with `gettext_noop` so that makemessages finds it) and its arguments — and are
stored twice: rendered in the platform's language (`Notification.title`/`body`, what the admin
shows and what everything falls back to) and as the message itself (`Notification.texts`),
rendered again in the reader's language when the inbox or the API shows it, and in the language
the recipient chose in 通知设置 when their email or text goes out (delivery.py).

    Text(gettext_noop("您的诉求%(done)s，由%(party)s办理"), done=Text(gettext_noop("已交办")),
         party=company.name)

Arguments are what the message is about (numbers, titles, names: shown as written) or `Text`
themselves (labels: translated with it). `label(…)` turns a choices label into one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext

JSON = dict[str, Any]


class Text:
    """A message id (the Chinese source text), an optional gettext context, and its arguments."""

    __slots__ = ("msgid", "context", "args")

    def __init__(self, msgid: str, *, context: str = "", **args: Any) -> None:
        self.msgid = msgid
        self.context = context
        self.args = args

    def render(self) -> str:
        """The text in the active language."""
        text = pgettext(self.context, self.msgid) if self.context else gettext(self.msgid)
        if not self.args:
            return text
        return text % {name: _render(value) for name, value in self.args.items()}

    def source(self) -> str:
        """The text in the platform's language, whatever language is active."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.render()

    def as_json(self) -> JSON:
        data: JSON = {"m": self.msgid}
        if self.context:
            data["c"] = self.context
        if self.args:
            data["a"] = {name: _as_json(value) for name, value in self.args.items()}
        return data

    @classmethod
    def from_json(cls, data: JSON) -> Text:
        args = {name: _from_json(value) for name, value in (data.get("a") or {}).items()}
        return cls(data["m"], context=data.get("c", ""), **args)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Text({self.msgid!r}, {self.args!r})"


def label(value: Promise | str) -> Text | str:
    """A choices label (`gettext_lazy`, `pgettext_lazy`) as a `Text`, so that it is translated
    with the message it is part of; a plain string stays as written."""
    if not isinstance(value, Promise):
        return value
    with translation.override(None):  # no catalogue: the Chinese source text
        source = str(value)
    # A lazy string pickles as (its function, its arguments): pgettext's first is the context.
    func, args = value.__reduce__()[1][:2]
    context = args[0] if func is pgettext and len(args) == 2 else ""
    return Text(source, context=context)


def stored(value: str | Text) -> tuple[str, JSON | None]:
    """What `notify` keeps of a title or body: the platform-language text, and the message to
    render again for each reader (None for a plain string, shown as written to everyone)."""
    if isinstance(value, Text):
        return value.source(), value.as_json()
    return value, None


def shown(text: str, data: JSON | None) -> str:
    """A stored title or body in the active language (the stored text if it was not a `Text`,
    or its message cannot be rendered any more — a renamed argument in an old row)."""
    if not data or translation.get_language() == settings.LANGUAGE_CODE:
        return text
    try:
        return Text.from_json(data).render()
    except (KeyError, TypeError, ValueError):
        return text


def _render(value: Any) -> Any:
    return value.render() if isinstance(value, Text) else value


def _as_json(value: Any) -> Any:
    if isinstance(value, Text):
        return {"t": value.as_json()}
    return value if isinstance(value, int | float) else str(value)


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and "t" in value:
        return Text.from_json(value["t"])
    return value
