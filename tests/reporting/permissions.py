"""Pack URLs in the permission matrix (tests/test_permissions.py, vocabulary in tests/matrix.py).

Internal roles (mission, direction, referent) open every pack of their programme, drafts included; a
partner of sector A opens only the published packs meant for partners whose scope lies inside sector A
(not a programme-wide one, not a draft); anything else is a 404.
Only mission, admin and direction may request a pack (a POST: a GET is 405 for everyone). Only mission
and admin publish or withdraw a pack for partners (POST); a role that sees the pack but may not publish
gets a 403, one that does not see it a 404.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from reporting.models import Pack, PackAudience, PackKind, PackStatus
from tests.matrix import LOGIN, OK, POST_ONLY, row

PACK_CASES = [
    ("pack_internal_programme", row(LOGIN, 200, 200, 200, 404, 404)),
    ("pack_internal_sector_a", row(LOGIN, 200, 200, 200, 404, 404)),
    ("pack_partners_sector_a", row(LOGIN, 200, 200, 200, 200, 404)),
    ("pack_partners_sector_a_draft", row(LOGIN, 200, 200, 200, 404, 404)),
    ("pack_partners_sector_b", row(LOGIN, 200, 200, 200, 404, 404)),
    ("pack_partners_programme", row(LOGIN, 200, 200, 200, 404, 404)),
]


MATRIX = {
    "reporting:pack_list": [("none", row(LOGIN, 200, 200, 200, 200, 200))],
    "reporting:pack_request": [("none", POST_ONLY, row(LOGIN, OK, OK, 403, 403, OK))],
    "reporting:pack_detail": PACK_CASES,
    "reporting:pack_status": PACK_CASES,
    "reporting:pack_download": PACK_CASES,
    "reporting:pack_publish": [
        ("pack_partners_sector_a_draft", POST_ONLY, row(LOGIN, OK, 403, 403, 404, 404)),
        ("pack_partners_programme", POST_ONLY, row(LOGIN, OK, 403, 403, 404, 404)),
    ],
    "reporting:pack_withdraw": [
        ("pack_partners_sector_a", POST_ONLY, row(LOGIN, OK, 403, 403, 403, 404)),
        ("pack_partners_programme", POST_ONLY, row(LOGIN, OK, 403, 403, 404, 404)),
    ],
}


def _ready_pack(programme, *, sector, kind, audience, published: bool = True) -> Pack:
    """A ready pack; one for partners is published unless `published=False` (a draft)."""
    pack = Pack(
        programme=programme,
        sector=sector,
        kind=kind,
        audience=audience,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 6, 30),
        status=PackStatus.READY,
        page_count=1,
        published_at=timezone.now() if published and audience == PackAudience.PARTNERS else None,
    )
    pack.file.save("dossier.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    pack.save()
    return pack


def build_objects(*, programme, sector_a, sector_b, users) -> dict:
    packs = {
        "pack_internal_programme": (None, PackKind.COTEC, PackAudience.INTERNAL),
        "pack_internal_sector_a": (sector_a, PackKind.COPIL, PackAudience.INTERNAL),
        "pack_partners_sector_a": (sector_a, PackKind.COPIL, PackAudience.PARTNERS),
        "pack_partners_sector_b": (sector_b, PackKind.COPIL, PackAudience.PARTNERS),
        "pack_partners_sector_a_draft": (sector_a, PackKind.COPIL, PackAudience.PARTNERS),
        "pack_partners_programme": (None, PackKind.REVUE, PackAudience.PARTNERS),
    }
    return {
        key: {
            "pk": _ready_pack(
                programme, sector=sector, kind=kind, audience=audience, published=not key.endswith("_draft")
            ).pk
        }
        for key, (sector, kind, audience) in packs.items()
    }
