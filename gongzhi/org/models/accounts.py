"""Logins and the roles granted to them at a node of the org tree."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.org.models.tree import Person


class User(AbstractUser):
    """A login. Staff and residents alike; a resident's user links to their Person."""

    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    display_name = models.CharField("显示名称", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    STREET_OFFICER = "street_officer", _("街道干部")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    GRID_WORKER = "grid_worker", _("网格员")
    PARTY_MEMBER = "party_member", _("党支部成员")
    COMMITTEE_MEMBER = "committee_member", _("业委会成员")
    PROPERTY_STAFF = "property_staff", _("物业人员")
    RESIDENT = "resident", _("居民/业主")


class RoleGrant(models.Model):
    """A role granted at one node of the tree, covering everything below it.

    Property staff are granted at their company instead: their scope is the compounds of the
    company's current service contracts, so a lapsed contract ends their access by itself.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    scope_path = models.CharField(max_length=120, blank=True)
    scope_label = models.CharField("范围", max_length=200, blank=True)
    company = models.ForeignKey(
        "org.PropertyCompany", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "scope_path", "company"], name="role_grant_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role="property_staff", company__isnull=False)
                    | (~models.Q(role="property_staff") & ~models.Q(scope_path=""))
                ),
                name="role_grant_has_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"
