"""Projects URLs in the permission matrix (tests/test_permissions.py, vocabulary in tests/matrix.py).

Objects named *_a are in sector A (seen by partner_a), *_b in sector B.
"""

from django.core.files.base import ContentFile

from projects.models import Confidentiality
from projects.services import document_attach
from tests.matrix import LOGIN, OK, POST_ONLY, row
from tests.projects.factories import (
    AmendmentFactory,
    ConventionFactory,
    FundingLineFactory,
    MilestoneFactory,
    OperationFactory,
)

ALL = row(LOGIN, 200, 200, 200, 200, 200)
READ_A = row(LOGIN, 200, 200, 200, 200, 404)
READ_B = row(LOGIN, 200, 200, 200, 404, 404)
EDIT_A = row(LOGIN, 200, 403, 403, 403, 404)
EDIT_B = row(LOGIN, 200, 403, 403, 404, 404)
# the programme's editors; the outsider edits its own programme, where it may create
CREATE = row(LOGIN, 200, 403, 403, 403, 200)
EDIT_PROGRAMME = row(LOGIN, 200, 403, 403, 403, 404)

MATRIX = {
    "projects:dashboard": [("none", ALL)],
    "projects:sector_list": [("none", ALL)],
    "projects:sectors_geojson": [("none", ALL)],
    "projects:sector_detail": [("sector_a", READ_A), ("sector_b", READ_B)],
    "projects:operation_list": [("none", ALL)],
    "projects:operation_export": [("none", ALL)],
    "projects:operation_detail": [("operation_a", READ_A), ("operation_b", READ_B)],
    "projects:operation_create": [("none", CREATE)],
    "projects:operation_edit": [("operation_a", EDIT_A), ("operation_b", EDIT_B)],
    "projects:funding_line_add": [("operation_a", EDIT_A), ("operation_b", EDIT_B)],
    "projects:funding_line_edit": [("line_a", EDIT_A), ("line_b", EDIT_B)],
    "projects:funding_line_delete": [("line_a", EDIT_A), ("line_b", EDIT_B)],
    "projects:milestone_add": [("operation_a", EDIT_A), ("operation_b", EDIT_B)],
    "projects:milestone_edit": [("milestone_a", EDIT_A), ("milestone_b", EDIT_B)],
    "projects:milestone_delete": [("milestone_a", EDIT_A), ("milestone_b", EDIT_B)],
    "projects:convention_list": [("none", ALL)],
    "projects:convention_create": [("none", CREATE)],
    "projects:convention_edit": [("convention", EDIT_PROGRAMME)],
    "projects:amendment_create": [("convention", EDIT_PROGRAMME)],
    "projects:amendment_edit": [("amendment", EDIT_PROGRAMME)],
    "projects:operation_history": [
        ("operation_a", row(LOGIN, 200, 200, 200, 403, 404)),
        ("operation_b", row(LOGIN, 200, 200, 200, 403, 404)),
    ],
    "projects:sector_document_upload": [
        ("upload_sector_a", POST_ONLY, row(LOGIN, OK, 403, 403, 403, 404)),
    ],
    "projects:operation_document_upload": [
        ("upload_operation_a", POST_ONLY, row(LOGIN, OK, 403, 403, 403, 404)),
    ],
    "projects:document_download": [
        ("document_a", READ_A),
        ("document_b_internal", row(LOGIN, 200, 200, 200, 404, 404)),
    ],
}


def build_objects(*, programme, sector_a, sector_b, users) -> dict:
    operation_a = OperationFactory(programme=programme, sector=sector_a)
    operation_b = OperationFactory(programme=programme, sector=sector_b)
    documents = {
        "document_a": (operation_a, "Plan masse", Confidentiality.PARTNERS),
        "document_b_internal": (operation_b, "Note interne", Confidentiality.INTERNAL),
    }
    # lines and milestones on operations of their own, so that other tests count theirs on operation_a/b
    planned_a = OperationFactory(programme=programme, sector=sector_a)
    planned_b = OperationFactory(programme=programme, sector=sector_b)
    line_a, line_b = FundingLineFactory(operation=planned_a), FundingLineFactory(operation=planned_b)
    milestone_a, milestone_b = MilestoneFactory(operation=planned_a), MilestoneFactory(operation=planned_b)
    amendment = AmendmentFactory(convention=ConventionFactory(programme=programme))
    return {
        "line_a": {"pk": planned_a.pk, "line_pk": line_a.pk},
        "line_b": {"pk": planned_b.pk, "line_pk": line_b.pk},
        "milestone_a": {"pk": planned_a.pk, "milestone_pk": milestone_a.pk},
        "milestone_b": {"pk": planned_b.pk, "milestone_pk": milestone_b.pk},
        "convention": {"pk": amendment.convention_id},
        "amendment": {"pk": amendment.convention_id, "amendment_pk": amendment.pk},
        "sector_a": {"slug": sector_a.slug},
        "sector_b": {"slug": sector_b.slug},
        "operation_a": {"pk": operation_a.pk},
        "operation_b": {"pk": operation_b.pk},
        # upload URLs name their target "key"
        "upload_sector_a": {"key": sector_a.slug},
        "upload_operation_a": {"key": operation_a.pk},
        **{
            key: {
                "pk": document_attach(
                    target=target,
                    title=title,
                    file=ContentFile(b"%PDF-1.4", name="document.pdf"),
                    confidentiality=confidentiality,
                    user=users["mission"],
                ).pk
            }
            for key, (target, title, confidentiality) in documents.items()
        },
    }
