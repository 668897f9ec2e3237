"""Who may publish and withdraw the packs meant for partners (django-rules). Reads are scoped by
`Pack.objects.visible_to(user)`.

The mission team and the programme's administrators publish: direction and referents read the drafts,
partners see only published packs. A member limited to some sectors publishes the packs of its sectors.
"""

import rules

from projects.rules import edits_programme

rules.add_perm("reporting.publish_pack", edits_programme)
