"""PDF packs: sections registry, HTML given to WeasyPrint, generation and its statuses, the command."""

import datetime
import io
import re
import subprocess
from decimal import Decimal
from html import unescape
from unittest import mock

import pytest
import tinyhtml5
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from pypdf import PdfReader

from accounts.models import OrganisationKind
from core import jobs, pack_sections
from core.formatting import format_euros, format_millions
from governance import services
from governance.models import (
    ActionStatus,
    BodyKind,
    FeedbackStatus,
    MeetingStatus,
    PublicEventKind,
    Theme,
)
from projects.models import OperationStatus
from reporting import kinds
from reporting import services as packs
from reporting.kinds import SECTIONS_BY_KIND
from reporting.models import Pack, PackAudience, PackKind, PackStatus
from reporting.tasks import pack_generate_task
from tests.accounts.factories import OrganisationFactory
from tests.projects.factories import FundingLineFactory, MilestoneFactory, OperationFactory
from tests.utils import svg_size

TODAY = datetime.date(2025, 6, 30)
PERIOD_START = datetime.date(2025, 1, 1)
SPACES = re.compile(r"[\s\u202f\u00a0]+")


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build_pack_data(programme, sector_a, sector_b) -> dict:
    """A small programme like the demo: operations with funding, bodies, a half-year of governance."""
    anru = OrganisationFactory(name="ANRU", kind=OrganisationKind.ANRU)
    ville = OrganisationFactory(name="Ville de Lille", kind=OrganisationKind.VILLE)
    bailleur = OrganisationFactory(name="Habitat Métropole", kind=OrganisationKind.BAILLEUR)
    statuses = [
        OperationStatus.ETUDE,
        OperationStatus.ENGAGEE,
        OperationStatus.TRAVAUX,
        OperationStatus.LIVREE,
    ]
    operations = []
    for index in range(8):
        sector = sector_a if index % 2 == 0 else sector_b
        operation = OperationFactory(
            programme=programme,
            sector=sector,
            moa=bailleur,
            status=statuses[index % 4],
            cost_excl_tax=Decimal(1_250_000 + index * 100_000),
            eligible_base=Decimal(1_000_000),
            planned_start=f"202{3 + index % 3}-S{1 + index % 2}",
            planned_end="2028-S2",
            at_risk=index in (0, 3),
            at_risk_reason="Recours contre le permis de construire" if index in (0, 3) else "",
        )
        FundingLineFactory(operation=operation, funder=anru, planned=Decimal("400000"))
        FundingLineFactory(
            operation=operation,
            funder=ville,
            planned=Decimal("250000"),
            committed=Decimal("125000"),
            paid=Decimal("50000"),
        )
        MilestoneFactory(
            operation=operation, label="Ordre de service", due_on=TODAY + datetime.timedelta(days=20)
        )
        operations.append(operation)
    copil = services.body_upsert(
        programme=programme, name="COPIL Moulins", kind=BodyKind.COPIL, sectors=[sector_a], chair=ville
    )
    cotec = services.body_upsert(programme=programme, name="COTEC du NPRU", kind=BodyKind.COTEC)
    meeting = services.meeting_schedule(body=copil, starts_at=_at(datetime.date(2025, 3, 12)), place="Mairie")
    services.meeting_update(
        meeting=meeting,
        status=MeetingStatus.HELD,
        minutes="<p>Le comité valide le <strong>phasage des démolitions</strong>.</p>",
    )
    decision = services.decision_record(
        meeting=meeting,
        text="Lancer la consultation de maîtrise d'œuvre des espaces publics",
        sector=sector_a,
    )
    services.meeting_schedule(body=cotec, starts_at=_at(datetime.date(2025, 4, 2)))
    overdue = services.action_create(
        programme=programme,
        title="Transmettre le plan de financement révisé",
        owner_organisation=ville,
        owner_name="Directrice de l'habitat",
        due_on=datetime.date(2025, 5, 15),
        sector=sector_a,
        meeting=meeting,
        decision=decision,
    )
    services.action_create(
        programme=programme,
        title="Organiser la réunion publique d'automne",
        owner_organisation=ville,
        due_on=datetime.date(2025, 9, 30),
        sector=sector_a,
    )
    done = services.action_create(
        programme=programme,
        title="Diffuser le relevé",
        owner_organisation=ville,
        due_on=datetime.date(2025, 3, 20),
    )
    services.action_update(action=done, status=ActionStatus.DONE, done_on=datetime.date(2025, 3, 19))
    small = services.public_event_record(
        programme=programme,
        sector=sector_a,
        title="Balade urbaine rue Sébastopol",
        kind=PublicEventKind.BALADE,
        theme=Theme.ESPACES_PUBLICS,
        held_on=datetime.date(2025, 4, 10),
        residents=3,
        conseil_citoyen=2,
        partners=6,
    )
    services.public_event_record(
        programme=programme,
        sector=sector_a,
        title="Réunion publique sur le relogement",
        kind=PublicEventKind.REUNION_PUBLIQUE,
        theme=Theme.RELOGEMENT,
        held_on=datetime.date(2025, 5, 20),
        residents=64,
        conseil_citoyen=7,
        partners=9,
    )
    services.feedback_record(
        programme=programme,
        sector=sector_a,
        event=small,
        text="Éclairage insuffisant rue Sébastopol",
        theme=Theme.ESPACES_PUBLICS,
        received_on=datetime.date(2025, 4, 10),
        answer="Intervention programmée en juin.",
        answered_on=datetime.date(2025, 4, 30),
        status=FeedbackStatus.ANSWERED,
    )
    services.feedback_record(
        programme=programme,
        sector=sector_a,
        text="Calendrier du relogement",
        theme=Theme.RELOGEMENT,
        received_on=datetime.date(2025, 5, 20),
    )
    return {"operations": operations, "meeting": meeting, "decision": decision, "overdue": overdue}


@pytest.fixture
def pack_data(programme, sector_a, sector_b):
    return build_pack_data(programme, sector_a, sector_b)


def make_pack(
    programme, *, sector=None, kind=PackKind.COPIL, audience=PackAudience.INTERNAL, **fields
) -> Pack:
    return packs.pack_create(
        programme=programme,
        kind=kind,
        sector=sector,
        period_start=fields.pop("period_start", PERIOD_START),
        period_end=fields.pop("period_end", TODAY),
        audience=audience,
        **fields,
    )


def pdf_text(content: bytes) -> str:
    return SPACES.sub(" ", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


# --- Registry and kinds ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", PackKind.values)
def test_each_kind_holds_its_declared_sections_in_its_order(kind):
    assert [section.key for section in kinds.sections_for(kind)] == SECTIONS_BY_KIND[kind]


def test_every_section_is_in_some_kind_and_every_listed_key_is_a_section():
    listed = {key for keys in SECTIONS_BY_KIND.values() for key in keys}
    assert set(SECTIONS_BY_KIND) == set(PackKind.values)
    assert listed == pack_sections.registered_keys()
    for keys in SECTIONS_BY_KIND.values():
        assert len(keys) == len(set(keys)), keys


def test_a_cotec_pack_has_no_detailed_calendar():
    assert "calendrier" in SECTIONS_BY_KIND[PackKind.COPIL]
    assert "calendrier" not in SECTIONS_BY_KIND[PackKind.COTEC]


def test_an_unknown_section_key_is_an_error():
    with pytest.raises(LookupError, match="inexistante"):
        pack_sections.sections(["chiffres-cles", "inexistante"])


def add_section(monkeypatch, kind: str, *, key: str, after: str, build, title: str = "Section de test"):
    """What a new app does: register a section in its reports.py, and list its key in a kind."""
    pack_sections.section(key=key, title=title, template="reporting/toc.html")(build)
    keys = list(SECTIONS_BY_KIND[kind])
    keys.insert(keys.index(after) + 1, key)
    monkeypatch.setitem(SECTIONS_BY_KIND, kind, keys)


@pytest.fixture
def extra_section(monkeypatch):
    add_section(
        monkeypatch,
        PackKind.REVUE,
        key="relogement-test",
        after="concertation-synthese",
        title="Relogement des ménages",
        build=lambda scope: {"sections": []},  # any template: only its presence is checked
    )
    yield
    pack_sections.unregister("relogement-test")


def test_a_registered_section_appears_where_its_kinds_list_it(programme, extra_section):
    revue = [section.key for section in kinds.sections_for(PackKind.REVUE)]
    assert revue.index("relogement-test") == revue.index("concertation-synthese") + 1
    assert "relogement-test" not in [section.key for section in kinds.sections_for(PackKind.COPIL)]
    html = packs.pack_html(packs.pack_scope(make_pack(programme, kind=PackKind.REVUE)))
    assert 'href="#relogement-test"' in html
    assert "Relogement des ménages" in html


def test_two_sections_cannot_share_a_key():
    pack_sections.discover()  # the apps' own sections first, whatever ran before
    with pytest.raises(ValueError, match="chiffres-cles"):
        pack_sections.section(key="chiffres-cles", title="x", template="x.html")(lambda scope: {})


def test_any_list_of_sections_renders_for_any_scope(programme, sector_a, pack_data):
    """A later document (a partner's sector summary) picks its own sections, without a Pack."""
    from core.audience import PARTNERS
    from core.pack_sections import PackScope
    from reporting import generator

    scope = PackScope(
        programme=programme,
        sector=sector_a,
        kind="synthese",
        kind_label="Synthèse du quartier",
        period_start=PERIOD_START,
        period_end=TODAY,
        audience=PARTNERS,
    )
    tree = _tree(
        generator.document_html(scope, section_keys=["concertation", "chiffres-cles", "gouvernance"])
    )
    sections = [element.get("id") for element in tree.findall(".//section[@class='pack-section']")]
    assert sections == ["concertation", "chiffres-cles", "gouvernance"]
    assert "Synthèse du quartier" in " ".join(tree.find(".//header[@class='cover']").itertext())


# --- HTML given to WeasyPrint ---------------------------------------------------------------------------


def _tree(html: str):
    return tinyhtml5.parse(html, namespace_html_elements=False)


def test_pack_html_has_cover_toc_and_every_section(programme, sector_a, pack_data):
    scope = packs.pack_scope(make_pack(programme, sector=sector_a))
    html = packs.pack_html(scope)
    tree = _tree(html)
    assert tree.tag == "html"
    assert tree.get("lang") == "fr"
    cover = tree.find(".//header[@class='cover']")
    cover_text = " ".join(cover.itertext())
    for expected in (
        "NPRU Lille",
        "Dossier de COPIL",
        "Quartier Moulins",
        "Document de travail",
        "30 juin 2025",
    ):
        assert expected in cover_text
    toc_links = [link.get("href") for link in tree.findall(".//nav[@class='toc']//a")]
    sections = [element.get("id") for element in tree.findall(".//section[@class='pack-section']")]
    assert toc_links == [f"#{key}" for key in sections]
    # The kind's declared order; relogement, insertion and GUSP are left out (no household, no market with
    # a clause, no report in this programme).
    assert sections == [
        key for key in SECTIONS_BY_KIND[PackKind.COPIL] if key not in ("relogement", "insertion", "gusp")
    ]
    # Every table repeats its header: a <thead> on each data table; every chart has an alternative.
    for table in tree.findall(".//table[@class='data']") + tree.findall(".//table[@class='data condensed']"):
        assert table.find("thead") is not None
        assert table.find("caption") is not None
    for image in tree.findall(".//img"):
        assert image.get("src").startswith("data:image/svg+xml;base64,")
        assert image.get("alt")
    assert tree.find(".//link[@rel='stylesheet']").get("href") == "/static/css/pack.css"


def test_pack_html_holds_the_period_governance_and_concertation(programme, sector_a, pack_data):
    html = unescape(packs.pack_html(packs.pack_scope(make_pack(programme, sector=sector_a))))
    assert "Lancer la consultation de maîtrise d'œuvre des espaces publics" in html
    assert "Transmettre le plan de financement révisé" in html
    assert "15/05/2025" in html
    assert "en retard" in html
    assert "<strong>phasage des démolitions</strong>" in html  # minutes, sanitised rich text
    assert "Directrice de l'habitat" in html  # internal pack: the person in charge is named
    assert "Balade urbaine rue Sébastopol" in html
    assert "Recours contre le permis de construire" in html
    assert "COTEC du NPRU" not in html  # a body of the whole programme is not a séance of the sector


def test_the_revue_counts_the_concertation_without_listing_every_event(programme, pack_data):
    """A revue covers the year: the figures per type and theme, not the list of events (the COPIL's)."""
    revue_pack = make_pack(programme, kind=PackKind.REVUE)
    copil = unescape(packs.pack_html(packs.pack_scope(make_pack(programme))))
    revue = unescape(packs.pack_html(packs.pack_scope(revue_pack)))
    assert "Temps de concertation de la période" in copil
    assert "Balade urbaine rue Sébastopol" in copil
    assert "Temps de concertation de la période" not in revue
    assert "Temps de concertation et participation, par type" in revue


def test_pack_scope_audience_follows_the_pack_and_the_settings_threshold(programme, settings):
    settings.DISCLOSURE_THRESHOLD = 8
    internal = packs.pack_scope(make_pack(programme)).audience
    partners = packs.pack_scope(make_pack(programme, audience=PackAudience.PARTNERS)).audience
    assert internal.is_internal
    assert internal.count(3) == "3"
    assert partners.masks_counts
    assert partners.count(7) == "< 8"


def test_partner_pack_masks_small_counts_and_names(programme, sector_a, pack_data):
    internal = packs.pack_html(packs.pack_scope(make_pack(programme, sector=sector_a)))
    partners = packs.pack_html(
        packs.pack_scope(make_pack(programme, sector=sector_a, audience=PackAudience.PARTNERS))
    )
    balade = re.compile(r"Balade urbaine rue Sébastopol</th>.*?</tr>", re.S)
    internal_cells = re.findall(r'<td class="num">([^<]*)</td>', balade.search(internal).group(0))
    partner_cells = re.findall(r'<td class="num">([^<]*)</td>', balade.search(partners).group(0))
    assert internal_cells == ["3", "2", "6", "11"]
    assert partner_cells == ["&lt; 5", "&lt; 5", "6", "11"]
    assert "secret statistique" in partners
    assert "Directrice de l'habitat" not in partners
    assert "Diffusion aux partenaires".lower() in partners.lower()


# --- Generation and statuses ----------------------------------------------------------------------------


def test_request_generates_the_pack_with_its_figures(
    programme, sector_a, mission_user, pack_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pack = packs.pack_request(
            programme=programme,
            kind=PackKind.COPIL,
            sector=sector_a,
            period_start=PERIOD_START,
            period_end=TODAY,
            audience=PackAudience.INTERNAL,
            user=mission_user,
        )
    pack.refresh_from_db()
    assert pack.status == PackStatus.READY, pack.error
    assert jobs.progress_get(pack) is None  # the figure goes once the pack is ready
    assert pack.attempts == 1  # sent once to the (eager) worker
    assert pack.requested_by == mission_user
    assert pack.page_count >= 5
    assert 0 < pack.render_ms <= pack.duration_ms
    assert pack.started_at <= pack.finished_at
    with pack.file.open("rb") as stored:
        content = stored.read()
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == pack.page_count
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]  # tagged PDF
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "fr"
    fonts = {
        font.get_object()["/BaseFont"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVu" in name for name in fonts)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor  # embedded
    figures = list(_struct_elements(root["/StructTreeRoot"], "/Figure"))
    assert figures
    assert all(figure.get("/Alt", "").startswith(("Graphique", "Diagramme")) for figure in figures)
    text = pdf_text(content)
    assert "Page 3 sur" in text
    assert "NPRU Lille" in text  # running header
    assert "Sommaire" in text
    assert f"Chiffres clés {'.' * 3}" in text or re.search(r"Chiffres clés \.+ ?\d", text)


def _struct_elements(node, tag: str):
    """Elements of the PDF structure tree with this tag (depth first)."""
    node = node.get_object()
    if not hasattr(node, "get"):
        return
    if node.get("/S") == tag:
        yield node
    kids = node.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        yield from _struct_elements(kid, tag)


def test_failing_section_fails_the_pack_with_its_reason(programme, sector_a, monkeypatch):
    def broken(scope):
        raise RuntimeError("données incohérentes dans le quartier")

    add_section(
        monkeypatch,
        PackKind.COPIL,
        key="en-panne",
        after="chiffres-cles",
        title="Section en panne",
        build=broken,
    )
    try:
        pack = packs.pack_generate(pack=make_pack(programme, sector=sector_a))
    finally:
        pack_sections.unregister("en-panne")
    assert pack.status == PackStatus.FAILED
    assert "Section en panne" in pack.error
    assert "données incohérentes dans le quartier" in pack.error
    assert not pack.file
    assert pack.finished_at is not None


def test_failing_request_answers_without_error_and_shows_the_reason(
    client, direction_user, sector_a, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(scope):
        raise RuntimeError("division par zéro")

    add_section(
        monkeypatch,
        PackKind.COPIL,
        key="en-panne",
        after="chiffres-cles",
        title="Section en panne",
        build=broken,
    )
    client.force_login(direction_user)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reporting:pack_request"), _form(kind=PackKind.COPIL))
    finally:
        pack_sections.unregister("en-panne")
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Échec" in detail
    assert "division par zéro" in detail


def _form(**fields) -> dict:
    return {
        "kind": PackKind.COPIL,
        "sector": "",
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "audience": PackAudience.INTERNAL,
        **fields,
    }


def test_redis_down_at_request_time_leaves_the_pack_waiting(
    client, direction_user, programme, django_capture_on_commit_callbacks
):
    client.force_login(direction_user)
    broker_down = OperationalError("Error 111 connecting to localhost:6379. Connection refused.")
    with (
        mock.patch.object(pack_generate_task, "apply_async", side_effect=broker_down) as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("reporting:pack_request"), _form(kind=PackKind.COTEC))
    assert send.called
    assert response.status_code == 302
    pack = Pack.objects.get()
    assert pack.status == PackStatus.PENDING
    detail = client.get(response["Location"])
    assert 'hx-trigger="every 2s"' in detail.content.decode()
    # Redis is back: the beat's sweep sends the waiting pack again and the worker builds it.
    assert packs.packs_pending_sweep(now=timezone.now() + datetime.timedelta(minutes=5)) == 1
    pack.refresh_from_db()
    assert pack.status == PackStatus.READY


def test_sweep_leaves_fresh_requests_and_fails_stale_runs(programme):
    fresh = make_pack(programme)
    stale = make_pack(programme)
    Pack.objects.filter(pk=stale.pk).update(
        status=PackStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with mock.patch.object(pack_generate_task, "apply_async") as send:
        assert packs.packs_pending_sweep() == 0
    send.assert_not_called()
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert fresh.status == PackStatus.PENDING
    assert stale.status == PackStatus.FAILED
    assert "interrompue" in stale.error


def test_sweep_gives_up_a_pack_waiting_for_hours(programme):
    pack = make_pack(programme)
    with mock.patch.object(pack_generate_task, "apply_async") as send:
        assert packs.packs_pending_sweep(now=timezone.now() + datetime.timedelta(hours=3)) == 0
    send.assert_not_called()
    pack.refresh_from_db()
    assert pack.status == PackStatus.FAILED
    assert "demandez-en un nouveau" in pack.error


def test_redelivered_task_does_not_build_twice(programme):
    pack = packs.pack_generate(pack=make_pack(programme, kind=PackKind.COTEC))
    assert pack.status == PackStatus.READY
    finished_at = pack.finished_at
    again = packs.pack_generate_by_id(pack_id=pack.pk)
    assert again.status == PackStatus.READY
    assert again.finished_at == finished_at
    assert packs.pack_generate_by_id(pack_id=0) is None


def test_a_ready_pack_cannot_fail_afterwards(programme):
    pack = packs.pack_generate(pack=make_pack(programme, kind=PackKind.COTEC))
    with pytest.raises(ValidationError, match="impossible"):
        packs._pack_fail(pack_id=pack.pk, reason="trop tard")


def test_the_pack_lifecycle_only_moves_forward_and_may_give_up_a_waiting_pack():
    lifecycle = packs.PACK_LIFECYCLE
    assert lifecycle.allowed(PackStatus.PENDING) == {PackStatus.RUNNING, PackStatus.FAILED}
    assert lifecycle.allowed(PackStatus.RUNNING) == {PackStatus.READY, PackStatus.FAILED}
    assert lifecycle.allowed(PackStatus.READY) == lifecycle.allowed(PackStatus.FAILED) == frozenset()
    with pytest.raises(ValidationError, match="« En attente » à « Prêt » impossible"):
        lifecycle.check(PackStatus.PENDING, PackStatus.READY)


def test_programme_only_kinds_refuse_a_sector(programme, sector_a):
    with pytest.raises(ValidationError):
        make_pack(programme, sector=sector_a, kind=PackKind.REVUE)


def test_default_periods():
    assert kinds.default_period(PackKind.REVUE, TODAY) == (datetime.date(2025, 1, 1), TODAY)
    assert kinds.default_period(PackKind.COPIL, TODAY) == (datetime.date(2024, 12, 29), TODAY)
    assert kinds.default_period(PackKind.COTEC, datetime.date(2025, 2, 15)) == (
        datetime.date(2024, 11, 16),
        datetime.date(2025, 2, 15),
    )


# --- The command, and the figures of the sector page ---------------------------------------------------


def _pdftotext(pdftotext: str, path) -> str:
    result = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return SPACES.sub(" ", result.stdout.decode())


def test_pack_copil_command_shows_the_figures_of_the_sector_page(
    tmp_path, mission_client, programme, sector_a, pack_data, pdftotext
):
    output = tmp_path / "copil.pdf"
    stdout = io.StringIO()
    call_command(
        "pack",
        "copil",
        "--sector",
        sector_a.slug,
        "--programme",
        programme.slug,
        "--output",
        str(output),
        stdout=stdout,
    )
    assert re.search(r"\d+ pages en \d+,\d s \(dont rendu PDF \d+,\d s\)", stdout.getvalue())
    text = _pdftotext(pdftotext, output)

    page = mission_client.get(reverse("projects:sector_detail", args=[sector_a.slug]))
    page_text = SPACES.sub(" ", page.content.decode())
    totals, funders = page.context["totals"], page.context["funders"]
    figures = [
        format_euros(totals["cost"]),
        format_euros(totals["planned"]),
        format_euros(totals["committed"]),
        format_euros(totals["paid"]),
        *(format_euros(row[key]) for row in funders for key in ("planned", "committed", "paid")),
        f"{totals['operations']} opérations",
        f"{totals['at_risk']} à risque",
        f"{totals['demolished']} démolis",
    ]
    for figure in figures:
        figure = SPACES.sub(" ", figure)
        assert figure in page_text, figure
        assert figure in text, figure
    for operation in page.context["timeline"]:
        assert operation.identifier in text
    dashboard = mission_client.get(reverse("projects:dashboard"))
    moulins = next(summary for summary in dashboard.context["summaries"] if summary.name == "Moulins")
    assert SPACES.sub(" ", format_millions(moulins.planned)) in text
    assert Pack.objects.get().status == PackStatus.READY


@pytest.mark.parametrize(
    ("args", "kind"),
    [(["revue", "--year", "2025"], PackKind.REVUE), (["cotec"], PackKind.COTEC)],
)
def test_pack_command_programme_kinds(tmp_path, programme, pack_data, args, kind):
    output = tmp_path / "dossier.pdf"
    call_command("pack", *args, "--programme", programme.slug, "--output", str(output), stdout=io.StringIO())
    pack = Pack.objects.get()
    assert pack.kind == kind
    assert pack.sector is None
    assert output.read_bytes().startswith(b"%PDF")
    if kind == PackKind.REVUE:
        assert (pack.period_start, pack.period_end) == (
            datetime.date(2025, 1, 1),
            min(datetime.date(2025, 12, 31), timezone.localdate()),
        )


def test_pack_command_explains_a_wrong_sector(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Aucun quartier « nulle-part »"):
        call_command("pack", "copil", "--sector", "nulle-part", "--output", str(tmp_path / "x.pdf"))


def test_pack_charts_are_the_svg_of_the_dashboards(mission_client, programme, sector_a, pack_data):
    from governance import reports as governance_reports
    from projects import reports as projects_reports

    sector_page = mission_client.get(reverse("projects:sector_detail", args=[sector_a.slug])).context
    copil = packs.pack_scope(make_pack(programme, sector=sector_a))
    # Same Gantt, its "today" line at the pack's situation date instead of the current day.
    from projects import charts as projects_charts
    from projects import selectors as projects_selectors
    from projects.models import Operation

    timeline = projects_selectors.sector_timeline(operations=Operation.objects.filter(sector=sector_a))
    assert sector_page["timeline_chart"] == projects_charts.timeline_chart(timeline)
    assert projects_reports.calendar(copil)["groups"][0]["chart"] == projects_charts.timeline_chart(
        timeline, today=copil.period_end, today_label=projects_reports.situation_label(copil)
    )

    dashboard = mission_client.get(reverse("projects:dashboard")).context
    revue = packs.pack_scope(
        make_pack(
            programme,
            kind=PackKind.REVUE,
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 12, 31),
        )
    )
    assert projects_reports.operations_progress(revue)["status_chart"] == dashboard["status_chart"]
    assert projects_reports.finance(revue)["funding_chart"] == dashboard["funding_chart"]

    concertation_page = mission_client.get(
        reverse("governance:concertation_dashboard"), {"annee": 2025}
    ).context
    concertation = governance_reports.concertation(revue)
    assert concertation["attendance_chart"] == concertation_page["attendance_chart"]
    assert concertation["feedback_chart"] == concertation_page["feedback_chart"]
    # The revue de projet's synthesis, a dense document: the chart per theme with thinner bars (same
    # width, lower); the chart per type as on the page.
    synthesis = governance_reports.concertation_summary(revue)
    assert synthesis["attendance_chart"] == concertation_page["attendance_chart"]
    (page_width, page_height), (width, height) = map(
        svg_size, (concertation_page["feedback_chart"], synthesis["feedback_chart"])
    )
    assert width == page_width
    assert height < page_height * 0.75, (height, page_height)


def test_the_copil_reads_in_the_order_a_copil_is_held():
    """The order users expect, written out: key figures, progress, calendar, risks, money, then bodies."""
    assert SECTIONS_BY_KIND[PackKind.COPIL] == [
        "chiffres-cles",
        "operations",
        "calendrier",
        "risques",
        "financements",
        "gouvernance",
        "concertation",
        "relogement",
        "insertion",
        "gusp",
    ]
    assert "gouvernance" in SECTIONS_BY_KIND[PackKind.COTEC]
