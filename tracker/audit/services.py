"""The append-only audit log: who did what, to which clinic, when.

One entry point, audit_record(), for every feature that must leave a trace
(AuditEvent.Action lists them; log-ins, failed log-ins and lock-outs arrive
through tracker/audit/signals.py).
Metadata is small and never holds health values: ids, periods, page numbers.
"""

from django.db.models import Model

from tracker.models import AuditEvent, Clinic

METADATA_VALUE_TYPES = (str, int, float, bool, type(None))
METADATA_MAX_KEYS = 10
METADATA_MAX_LENGTH = 200


def audit_record(*, actor: Model | None, action: str, clinic: Clinic | None = None, **meta) -> AuditEvent:
    """Append one audit event. `meta` holds plain scalars only (no health values)."""
    if action not in AuditEvent.Action.values:
        raise ValueError(f"Unknown audit action {action!r}; add it to AuditEvent.Action.")
    if len(meta) > METADATA_MAX_KEYS:
        raise ValueError("Audit metadata is for a few identifiers, not data.")
    for key, value in meta.items():
        if not isinstance(value, METADATA_VALUE_TYPES):
            raise TypeError(f"Audit metadata {key!r} must be a plain scalar, not {type(value).__name__}.")
        if isinstance(value, str) and len(value) > METADATA_MAX_LENGTH:
            raise ValueError(f"Audit metadata {key!r} is too long.")
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_ref=actor.pk if actor else None,
        action=action,
        clinic=clinic,
        clinic_ref=clinic.pk if clinic else None,
        metadata=meta,
    )
