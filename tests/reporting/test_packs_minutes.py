"""The minutes a pack prints: the programme COPIL's for a programme COPIL, the sector COPIL's for a
sector COPIL, and said to be the latest available when they predate the pack's period."""

import datetime
import io
from html import unescape

import pytest
from django.core.management import call_command

from governance import services
from governance.models import BodyKind, MeetingStatus
from reporting import services as packs
from reporting.models import PackKind
from tests.reporting.test_packs import SPACES, _at, _pdftotext, make_pack

PROGRAMME_MINUTES = "<p>Le COPIL NPRU valide le <strong>bilan annuel du programme</strong>.</p>"
MOULINS_MINUTES = "<p>Le COPIL des Moulins valide le <strong>plan guide du quartier</strong>.</p>"


def _held(body, day: datetime.date, minutes: str):
    meeting = services.meeting_schedule(body=body, starts_at=_at(day), place="Salle du conseil")
    return services.meeting_update(meeting=meeting, status=MeetingStatus.HELD, minutes=minutes)


@pytest.fixture
def copils(programme, sector_a, sector_b):
    """As in the demo: one COPIL for the whole programme, one COPIL per quartier, the Moulins one held
    last (so a programme COPIL taking "any COPIL" would print it)."""
    programme_copil = services.body_upsert(programme=programme, name="COPIL NPRU", kind=BodyKind.COPIL)
    moulins = services.body_upsert(
        programme=programme, name="COPIL de quartier des Moulins", kind=BodyKind.COPIL, sectors=[sector_a]
    )
    services.body_upsert(
        programme=programme, name="COPIL de quartier Concorde", kind=BodyKind.COPIL, sectors=[sector_b]
    )
    _held(programme_copil, datetime.date(2025, 4, 8), PROGRAMME_MINUTES)
    _held(moulins, datetime.date(2025, 5, 20), MOULINS_MINUTES)
    return {"programme": programme_copil, "moulins": moulins}


def _section_html(programme, **fields) -> str:
    return unescape(SPACES.sub(" ", packs.pack_html(packs.pack_scope(make_pack(programme, **fields)))))


def test_a_programme_copil_prints_the_programme_copil_minutes(programme, copils):
    html = _section_html(programme, kind=PackKind.COPIL)
    assert "Compte rendu de la séance du 8 avril 2025 — COPIL NPRU" in html
    assert "<strong>bilan annuel du programme</strong>" in html
    assert "plan guide du quartier" not in html
    assert "Dernier compte rendu disponible" not in html


def test_a_sector_copil_prints_its_sector_copil_minutes(programme, sector_a, sector_b, copils):
    html = _section_html(programme, kind=PackKind.COPIL, sector=sector_a)
    assert "Compte rendu de la séance du 20 mai 2025 — COPIL de quartier des Moulins" in html
    assert "<strong>plan guide du quartier</strong>" in html
    assert "bilan annuel du programme" not in html
    # Concorde's COPIL has no minutes: no other body's minutes instead.
    html = _section_html(programme, kind=PackKind.COPIL, sector=sector_b)
    assert "Compte rendu" not in html
    assert "plan guide du quartier" not in html
    assert "bilan annuel du programme" not in html


def test_minutes_older_than_the_period_are_the_latest_available_not_the_current_ones(programme, copils):
    html = _section_html(
        programme,
        kind=PackKind.COPIL,
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2025, 12, 31),
    )
    assert "Dernier compte rendu disponible : séance du 8 avril 2025 — COPIL NPRU" in html
    assert "Aucun compte rendu de séance sur la période du 01/07/2025 au 31/12/2025" in html
    assert "Compte rendu de la séance du" not in html
    assert "bilan annuel du programme" in html


def test_the_pdfs_print_the_right_minutes(tmp_path, programme, sector_a, copils, pdftotext):
    def pdf(*args) -> str:
        output = tmp_path / "dossier.pdf"
        call_command(
            "pack",
            "copil",
            *args,
            "--programme",
            programme.slug,
            "--output",
            str(output),
            stdout=io.StringIO(),
        )
        return _pdftotext(pdftotext, output)

    programme_pack = pdf("--date", "2025-06-30", "--from", "2025-01-01")
    assert "Compte rendu de la séance du 8 avril 2025 — COPIL NPRU" in programme_pack
    assert "bilan annuel du programme" in programme_pack
    assert "plan guide du quartier" not in programme_pack

    moulins_pack = pdf("--sector", sector_a.slug, "--date", "2025-06-30", "--from", "2025-01-01")
    assert "Compte rendu de la séance du 20 mai 2025 — COPIL de quartier des Moulins" in moulins_pack
    assert "plan guide du quartier" in moulins_pack
    assert "bilan annuel du programme" not in moulins_pack

    later = pdf("--date", "2025-12-31", "--from", "2025-07-01")
    assert "Dernier compte rendu disponible : séance du 8 avril 2025 — COPIL NPRU" in later
