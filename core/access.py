"""Access to personal data is recorded: who, when, which record, which page, why — never the data."""

from core.models import AccessEvent


def access_log(
    *,
    user,
    action: str,
    domain: str,
    model: str,
    object_ref: str = "",
    count: int = 1,
    path: str = "",
    reason: str = "",
) -> AccessEvent:
    """Record an access to personal data (never the data itself)."""
    return AccessEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        domain=domain,
        model=model,
        object_ref=object_ref,
        count=count,
        path=path[:300],
        reason=reason[:200],
    )
