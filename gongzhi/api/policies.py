"""Who may manage API credentials. One condition per line."""

from typing import Any

from gongzhi.org.models import Role, Street
from gongzhi.org.scopes import scope_for


def can_manage_open311_keys(user: Any, street: Street) -> bool:
    """Street officers of the street (and superusers) create and revoke its Open311 keys."""
    return scope_for(user).covers(street.path, {Role.STREET_OFFICER})
