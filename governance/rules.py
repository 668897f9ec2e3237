"""Who may write in governance and concertation (django-rules). Reads are scoped by `visible_to(user)`.

Only the mission team and the programme's administrators write: direction, referents and partners read.
"""

from dataclasses import dataclass

import rules

from accounts.models import EDITOR_ROLES, Membership
from accounts.rules import edits_programme


@rules.predicate
def edits_meeting_body(user, obj) -> bool:
    """Meetings, agenda items, attendance and decisions follow the programme of their body."""
    if obj is None:
        return False
    body = obj.body if hasattr(obj, "body_id") else obj.meeting.body
    return edits_programme(user, body)


# Bodies and the programme-level "add" permissions are checked on the programme or the body.
rules.add_perm("governance.add_body", edits_programme)
rules.add_perm("governance.change_body", edits_programme)
rules.add_perm("governance.add_meeting", edits_programme)
rules.add_perm("governance.change_meeting", edits_meeting_body)
rules.add_perm("governance.change_decision", edits_meeting_body)
rules.add_perm("governance.add_action", edits_programme)
rules.add_perm("governance.change_action", edits_programme)
rules.add_perm("governance.add_publicevent", edits_programme)
rules.add_perm("governance.change_publicevent", edits_programme)
rules.add_perm("governance.add_feedback", edits_programme)
rules.add_perm("governance.change_feedback", edits_programme)


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
    """Same answer as `edits_programme` for every row of a list, in at most two queries."""
    if not user.is_authenticated or programme is None:
        return EditorScope(False, frozenset())
    if user.is_superuser:
        return EditorScope(True, frozenset())
    memberships = Membership.objects.active().filter(user=user, programme=programme, role__in=EDITOR_ROLES)
    if memberships.filter(sectors__isnull=True).exists():
        return EditorScope(True, frozenset())
    sector_ids = frozenset(memberships.values_list("sectors", flat=True))
    return EditorScope(False, frozenset(pk for pk in sector_ids if pk is not None))
