"""The append-only, hash-chained audit log (domain rule G4).

Every service write calls `record(...)` inside its own transaction, so that the audit row and
the change commit or roll back together.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from gongzhi.core.models import AuditChainHead, AuditRecord

GENESIS_HASH = "0" * 64


def _digest(fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _hash_fields(record: AuditRecord) -> dict[str, Any]:
    return {
        "seq": record.seq,
        "created_at": record.created_at.isoformat(),
        "actor_id": record.actor_id,
        "actor_label": record.actor_label,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "outcome": record.outcome,
        "detail": record.detail,
        "prev_hash": record.prev_hash,
    }


# No savepoint: a failed audit row must fail the whole operation it records.
@transaction.atomic(savepoint=False)
def record(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = AuditRecord.Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record to the chain. `actor` is a user or None (system)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditRecord(
        seq=head.seq + 1,
        created_at=timezone.now(),
        actor=user,
        actor_label=(user.get_username() if user else "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        outcome=outcome,
        detail=detail or {},
        prev_hash=head.hash,
    )
    # JSON round-trip so the hash covers exactly what the database will return.
    entry.detail = json.loads(json.dumps(entry.detail, ensure_ascii=False, default=str))
    entry.hash = _digest(_hash_fields(entry))
    entry.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str = ""


def verify_chain() -> ChainReport:
    """Recompute every hash in order; report the first break, if any."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in AuditRecord.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return ChainReport(False, checked, expected_prev, entry.seq, "序号不连续")
        if entry.prev_hash != expected_prev:
            return ChainReport(False, checked, expected_prev, entry.seq, "前序哈希不匹配")
        if _digest(_hash_fields(entry)) != entry.hash:
            return ChainReport(False, checked, expected_prev, entry.seq, "记录内容被篡改")
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (checked, expected_prev):
        return ChainReport(False, checked, expected_prev, head.seq, "链头与记录不一致")
    return ChainReport(True, checked, expected_prev)
