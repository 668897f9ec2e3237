"""Projects URLs in the permission matrix (tests/test_permissions.py, vocabulary in tests/matrix.py).

Objects named *_a are in sector A (seen by partner_a), *_b in sector B.
"""

from django.core.files.base import ContentFile

from projects.models import Confidentiality
from projects.services import document_attach
from tests.matrix import LOGIN, OK, POST_ONLY, row
from tests.projects.factories import OperationFactory

ALL = row(LOGIN, 200, 200, 200, 200, 200)
READ_A = row(LOGIN, 200, 200, 200, 200, 404)
READ_B = row(LOGIN, 200, 200, 200, 404, 404)

MATRIX = {
    "projects:dashboard": [("none", ALL)],
    "projects:sector_list": [("none", ALL)],
    "projects:sectors_geojson": [("none", ALL)],
    "projects:sector_detail": [("sector_a", READ_A), ("sector_b", READ_B)],
    "projects:operation_list": [("none", ALL)],
    "projects:operation_export": [("none", ALL)],
    "projects:operation_detail": [("operation_a", READ_A), ("operation_b", READ_B)],
    "projects:operation_edit": [
        ("operation_a", row(LOGIN, 200, 403, 403, 403, 404)),
        ("operation_b", row(LOGIN, 200, 403, 403, 404, 404)),
    ],
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
    return {
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
