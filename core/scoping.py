"""Scoping helpers every app uses: rows a user may see, and what the user may edit on a page.

Reads are scoped by queryset (`visible_to(user)`: an object outside the user's memberships is a 404);
writes are checked by rules predicates (`<app>/rules.py`). These helpers rely on `accounts` (a base app:
memberships carry the role and the sectors), never on a domain app.
"""

from dataclasses import dataclass

from django.db import models

from accounts.models import EDITOR_ROLES, Membership, Role, scope_q


class ScopedQuerySet(models.QuerySet):
    """Rows carrying `programme` and an optional `sector`: `visible_to(user)` keeps those inside the
    user's memberships (a membership with sectors sees only rows of those sectors).

    Subclass and set `programme_path` / `sector_path` (None: rows without sector) for other shapes."""

    programme_path = "programme"
    sector_path: str | None = "sector"

    def visible_to(self, user):
        return self.filter(scope_q(user, programme_path=self.programme_path, sector_path=self.sector_path))


@dataclass(frozen=True)
class EditorScope:
    """What the user may edit in one programme, worked out once per page (no query per row)."""

    whole_programme: bool
    sector_ids: frozenset[int]

    def allows(self, obj) -> bool:
        if self.whole_programme:
            return True
        sector_id = getattr(obj, "sector_id", None)
        return sector_id is not None and sector_id in self.sector_ids

    @property
    def any(self) -> bool:
        return self.whole_programme or bool(self.sector_ids)


def editor_scope(user, programme) -> EditorScope:
    """Same answer as `projects.rules.edits_programme` for every row of a list, in at most two queries."""
    if not user.is_authenticated or programme is None:
        return EditorScope(False, frozenset())
    if user.is_superuser:
        return EditorScope(True, frozenset())
    memberships = Membership.objects.active().filter(user=user, programme=programme, role__in=EDITOR_ROLES)
    if memberships.filter(sectors__isnull=True).exists():
        return EditorScope(True, frozenset())
    sector_ids = frozenset(memberships.values_list("sectors", flat=True))
    return EditorScope(False, frozenset(pk for pk in sector_ids if pk is not None))


def out_of_scope_count(*, user, membership, visible: int, in_programme: models.QuerySet) -> int:
    """How many rows of `in_programme` (the same list, filtered the same way, not scoped) the user does
    not see: a partner limited to some quartiers is told "7 actions hors de votre périmètre" rather than
    "Aucune action". Asked only for a partner (one count query); 0 for everyone else, who sees the whole
    programme or is told by the 404 of a page outside their scope."""
    if membership is None or user.is_superuser or membership.role != Role.PARTNER:
        return 0
    return max(in_programme.count() - visible, 0)


def out_of_scope_text(count: int, singular: str, plural: str) -> str:
    """ "1 action hors de votre périmètre", "7 actions hors de votre périmètre", or "" for none."""
    if count <= 0:
        return ""
    return f"{count} {singular if count == 1 else plural} hors de votre périmètre"
