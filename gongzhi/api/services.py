"""Every write to the API's own models: tokens, Open311 keys, Open311 submissions.

Case writes are not here: both APIs call `gongzhi.cases.services` like the web pages do.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.api import policies
from gongzhi.api.credentials import digest_of, new_secret
from gongzhi.api.models import ApiToken, Open311Client, Open311Submission
from gongzhi.cases import services as case_services
from gongzhi.cases.choices import Channel
from gongzhi.core import audit
from gongzhi.org import services as org_services
from gongzhi.org.models import Role, Street

# The role the client's service account holds at its street: an intake role (it files cases
# on residents' behalf, like a grid worker) whose scope is exactly the street's cases.
OPEN311_ROLE = Role.GRID_WORKER


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "GONGZHI_API_TOKEN_DAYS", 30))


@dataclass(frozen=True)
class Issued:
    """A freshly issued secret: `secret` is shown once and never stored."""

    obj: Any
    secret: str


@transaction.atomic
def token_issue(*, actor: Any) -> Issued:
    """A new bearer token for `actor` (who has just proved their password)."""
    now = timezone.now()
    secret = new_secret()
    token = ApiToken.objects.create(
        user=actor,
        digest=digest_of(secret),
        prefix=secret[:8],
        created_at=now,
        expires_at=now + token_lifetime(),
    )
    audit.record(action="api.token_issue", actor=actor, obj=token, detail={"prefix": token.prefix})
    return Issued(token, secret)


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied(_("只能撤销自己的令牌"))
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=now)
    token.revoked_at = token.revoked_at or now
    audit.record(action="api.token_revoke", actor=actor, obj=token, detail={"prefix": token.prefix})
    return token


@transaction.atomic
def open311_client_create(
    *, actor: Any, name: str, street: Street, requests_per_minute: int = 120
) -> Issued:
    """A new Open311 client key bound to `street`. `actor=None` is the system (setup scripts)."""
    if actor is not None and not policies.can_manage_open311_keys(actor, street):
        raise PermissionDenied(_("只有本街道的街道干部可以创建 Open311 密钥"))
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("请填写客户端名称")]})
    if Open311Client.objects.filter(name=name).exists():
        raise ValidationError({"name": [_("客户端名称已存在")]})
    if requests_per_minute < 1:
        raise ValidationError({"requests_per_minute": [_("每分钟请求上限须为正整数")]})
    account = get_user_model().objects.create_user(
        username=f"open311-{new_secret()[:12]}", display_name=f"Open311·{name}"[:50]
    )  # no password: the account cannot log in, it only acts for the key
    org_services.role_grant(actor=None, user=account, role=OPEN311_ROLE, node=street)
    secret = new_secret()
    client = Open311Client.objects.create(
        name=name,
        street=street,
        account=account,
        digest=digest_of(secret),
        prefix=secret[:8],
        requests_per_minute=requests_per_minute,
        created_by=actor,
        created_at=timezone.now(),
    )
    audit.record(
        action="api.open311_key_create",
        actor=actor,
        obj=client,
        detail={"name": name, "street": street.code, "prefix": client.prefix},
    )
    return Issued(client, secret)


@transaction.atomic
def open311_client_revoke(*, actor: Any, client: Open311Client) -> Open311Client:
    if actor is not None and not policies.can_manage_open311_keys(actor, client.street):
        raise PermissionDenied(_("只有本街道的街道干部可以撤销 Open311 密钥"))
    now = timezone.now()
    Open311Client.objects.filter(pk=client.pk, revoked_at=None).update(revoked_at=now)
    client.revoked_at = client.revoked_at or now
    audit.record(action="api.open311_key_revoke", actor=actor, obj=client, detail={})
    return client


@transaction.atomic
def open311_request_create(
    *, client: Open311Client, place: Any, case_fields: dict[str, Any], submission: dict[str, Any]
) -> Any:
    """File a case for an Open311 POST through `cases.services.case_file`, acting as the
    client's service account, and keep what the client sent beside it."""
    case = case_services.case_file(
        actor=client.account,
        compound=place.compound,
        building=place.building,
        unit=place.unit,
        channel=Channel.ONLINE,
        **case_fields,
    )
    Open311Submission.objects.create(
        client=client, case=case, created_at=timezone.now(), **submission
    )
    return case
