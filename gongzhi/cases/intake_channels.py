"""Which channels (S1) each role records a demand from by hand. 12345 work orders and 阳光信访
petitions reach the community or street desk (orders are imported by their order number), as
does a superior's 上级交办; AI网格员 and 线上 are filed by the machine and by residents. The staff
form offers these (`ui_selectors.intake_channels`); `services.case_file` refuses, whatever the
client, what would pass a case off as something it is not (`check_channel`)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.cases.choices import Channel
from gongzhi.org import scopes as org_scopes
from gongzhi.org.models import Role

DESK_CHANNELS = (
    Channel.HOTLINE_12345,
    Channel.PETITION,
    Channel.GRID_WORKER,
    Channel.SENTINEL,
    Channel.PATROL,
    Channel.VISIT,
    Channel.PHONE,
    Channel.PROPERTY_HOTLINE,
    Channel.SUPERIOR,
)
INTAKE_CHANNELS: dict[str, tuple[str, ...]] = {
    Role.STREET_OFFICER: DESK_CHANNELS,
    Role.COMMUNITY_WORKER: DESK_CHANNELS,
    Role.GRID_WORKER: (
        Channel.GRID_WORKER,
        Channel.SENTINEL,
        Channel.PATROL,
        Channel.VISIT,
        Channel.PHONE,
    ),
    Role.PARTY_MEMBER: (Channel.SENTINEL, Channel.PATROL, Channel.VISIT, Channel.PHONE),
    Role.PROPERTY_STAFF: (Channel.PROPERTY_HOTLINE, Channel.PATROL, Channel.VISIT, Channel.PHONE),
}
# Channels only the desk records: anyone else entering one by hand would pass off a case as a
# hotline order or a petition (with its 60-day clock) that the import would then duplicate.
DESK_ONLY = frozenset({Channel.HOTLINE_12345, Channel.PETITION, Channel.SUPERIOR})
COMMUNITY_STAFF = frozenset({Role.STREET_OFFICER, Role.COMMUNITY_WORKER, Role.GRID_WORKER})


def recordable_channels(user: Any) -> list[str]:
    """The channels `user` may record by hand, in the order of `Channel`."""
    scope = org_scopes.scope_for(user)
    if scope.everything:
        allowed = set(DESK_CHANNELS)
    else:
        allowed = {c for role in scope.roles for c in INTAKE_CHANNELS.get(role, ())}
    return [value for value in Channel.values if value in allowed]


def check_channel(user: Any, channel: str) -> None:
    """What no client may get around, whatever the form offers: AI网格员 is never entered by
    hand, and 12345 orders, petitions and 上级交办 come in through the community's staff (the
    desk and its grid workers), never through a property company or a party branch."""
    if channel == Channel.AI_GRID:
        raise ValidationError({"channel": _("您不能登记该来源渠道的诉求，请选择其他渠道")})
    scope = org_scopes.scope_for(user)
    if channel in DESK_ONLY and not (scope.everything or scope.roles & COMMUNITY_STAFF):
        raise ValidationError({"channel": _("12345热线工单和阳光信访件由社区或街道登记")})
