"""Who may write in governance and concertation (django-rules). Reads are scoped by `visible_to(user)`.

Only the mission team and the programme's administrators write: direction, referents and partners read.
"""

import rules

from projects.rules import edits_programme


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
