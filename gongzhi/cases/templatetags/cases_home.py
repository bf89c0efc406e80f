"""What the cases app adds to the home page (org's template includes it: org imports nothing
of cases, so the read happens here)."""

from typing import Any

from django import template

from gongzhi.cases import selectors

register = template.Library()

AWAITING_SHOWN = 20


@register.simple_tag(takes_context=True)
def awaiting_my_rating(context: template.Context) -> list[Any]:
    """The signed-in user's handled cases still waiting for their rating (去评价)."""
    user = context.get("user")
    return list(selectors.awaiting_my_rating(user)[:AWAITING_SHOWN])
