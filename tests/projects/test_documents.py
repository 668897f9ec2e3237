from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Document
from tests.projects.factories import OperationFactory


def test_mission_attaches_a_document_to_a_sector(mission_client, sector_a):
    upload = SimpleUploadedFile("plan-guide.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = mission_client.post(
        reverse("projects:sector_document_upload", args=[sector_a.slug]),
        {"title": "Plan guide", "file": upload, "confidentiality": "partenaires"},
    )
    assert response.status_code == 302
    document = Document.objects.get(title="Plan guide")
    assert document.sector == sector_a
    page = mission_client.get(reverse("projects:sector_detail", args=[sector_a.slug])).content.decode()
    assert "Plan guide" in page


def test_refused_file_type_is_explained_and_not_stored(mission_client, programme, sector_a):
    operation = OperationFactory(programme=programme, sector=sector_a)
    upload = SimpleUploadedFile("macro.exe", b"MZ", content_type="application/octet-stream")
    response = mission_client.post(
        reverse("projects:operation_document_upload", args=[operation.pk]),
        {"title": "Programme", "file": upload, "confidentiality": "interne"},
        follow=True,
    )
    assert "Type de fichier « .exe » refusé" in response.content.decode()
    assert not Document.objects.exists()


def test_partner_cannot_upload(partner_client_a, sector_a):
    upload = SimpleUploadedFile("note.pdf", b"%PDF", content_type="application/pdf")
    response = partner_client_a.post(
        reverse("projects:sector_document_upload", args=[sector_a.slug]),
        {"title": "Note", "file": upload, "confidentiality": "partenaires"},
    )
    assert response.status_code == 403
    assert not Document.objects.exists()
