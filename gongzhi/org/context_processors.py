from typing import Any

from django.http import HttpRequest

from gongzhi.org.scopes import scope_for


def scope(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's roles, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset()}
    return {"user_roles": scope_for(user).roles, "user_is_admin": user.is_superuser}
