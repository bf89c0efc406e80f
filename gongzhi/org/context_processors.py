from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from gongzhi.core.calendar import upcoming_uncovered_years
from gongzhi.org.scopes import scope_for


def scope(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's roles, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset()}
    return {
        "user_roles": scope_for(user).roles,
        "user_is_admin": user.is_superuser,
        # Read only by the 设置 link of street officers (one query when it is).
        "calendar_incomplete": SimpleLazyObject(lambda: bool(upcoming_uncovered_years())),
    }
