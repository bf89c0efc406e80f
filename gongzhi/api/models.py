"""API credentials and bookkeeping: bearer tokens, Open311 client keys, idempotency records.

Secrets are never stored: a token or key is shown once when issued and kept as its SHA-256
digest (they are 256-bit random strings, so a fast hash is enough to make a leaked table useless).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    """A bearer token for /api/v1/: acts as its user, with the user's scope and policies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)  # lets a person tell their tokens apart
    created_at = models.DateTimeField("签发时间")
    expires_at = models.DateTimeField("过期时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API令牌"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expiry_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}…"


class Open311Client(models.Model):
    """An Open311 client application with its api_key, bound to one street (jurisdiction).

    The client acts through its own service account (`account`), which holds an intake role at
    the street: that grant is both what lets it file cases and the scope of what it can read.
    """

    name = models.CharField("客户端名称", max_length=80, unique=True)
    street = models.ForeignKey("org.Street", on_delete=models.PROTECT, related_name="+")
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="open311_client"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("密钥前缀", max_length=8)
    requests_per_minute = models.PositiveIntegerField("每分钟请求上限", default=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "Open311客户端"
        constraints = [
            models.CheckConstraint(
                condition=Q(requests_per_minute__gt=0), name="open311_client_rate_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Open311Submission(models.Model):
    """What an Open311 client sent with a new case, beyond what the case itself keeps.

    Requester fields are stored for follow-up by staff and are never returned by any API.
    """

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Open311Client, on_delete=models.PROTECT, related_name="+")
    service_code = models.CharField(max_length=40)
    email = models.CharField(max_length=254, blank=True)
    first_name = models.CharField(max_length=50, blank=True)
    last_name = models.CharField(max_length=50, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    address_string = models.CharField(max_length=200, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "Open311提交记录"


class IdempotencyRecord(models.Model):
    """One `Idempotency-Key` of one user and the response it got, committed with the operation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # method, path and body
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(blank=True, default=b"")
    response_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_key")
        ]
