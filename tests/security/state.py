"""A fingerprint of everything a request could change: compared before and after a request
that must change nothing (an out-of-scope write, a mass-assignment attempt)."""

from typing import Any

from django.apps import apps

# Rows a refused request must leave alone. Not here: sessions and API tokens (their
# last-used time is a read hint), the cache table.
WATCHED = [
    "cases.Case",
    "cases.CaseEvent",
    "cases.CaseRating",
    "cases.CaseAttachment",
    "core.Notification",
    "core.NotificationPreference",
    "core.AuditRecord",
    "org.Street",
    "org.Community",
    "org.Compound",
    "org.Building",
    "org.Unit",
    "org.Person",
    "org.Residency",
    "org.RoleGrant",
    "org.ServiceContract",
]


def world_state() -> dict[str, list[dict[str, Any]]]:
    return {label: list(apps.get_model(label).objects.order_by("pk").values()) for label in WATCHED}


def changes(before: dict, after: dict) -> list[str]:
    """Human-readable differences between two fingerprints (empty when equal)."""
    found = []
    for label in WATCHED:
        old = {row["id"]: row for row in before[label]}
        new = {row["id"]: row for row in after[label]}
        for pk in sorted(set(old) | set(new)):
            if pk not in old:
                found.append(f"{label} #{pk} created")
            elif pk not in new:
                found.append(f"{label} #{pk} deleted")
            else:
                diff = [k for k in new[pk] if new[pk][k] != old[pk].get(k)]
                if diff:
                    found.append(f"{label} #{pk} changed: {', '.join(diff)}")
    return found
