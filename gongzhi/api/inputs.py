"""Checks on raw client text shared by both APIs: what a database or a page must never receive.

PostgreSQL rejects NUL characters and text that is not valid UTF-8 (lone surrogates), so such
input is refused as a 4xx before any query runs, with the same message on SQLite.
"""

from typing import Annotated

from pydantic import AfterValidator, Field

from gongzhi.core.parsing import MAX_ID


def text_problem(value: str) -> str | None:
    """A Chinese description of what is wrong with `value`, or None when it is acceptable."""
    if "\x00" in value:
        return "文本中不能包含空字符（NUL）"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "文本不是有效的 UTF-8 字符"
    return None


def _clean(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def Text(max_length: int) -> type[str]:  # noqa: N802 - reads like a type in schemas
    """A string field of at most `max_length` characters without NUL or lone surrogates."""
    return Annotated[str, Field(max_length=max_length), AfterValidator(_clean)]  # type: ignore[return-value]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
