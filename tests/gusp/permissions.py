"""GUSP URLs in the permission matrix (tests/test_permissions.py, vocabulary in tests/matrix.py).

`partner_a` is a landlord's partner user; `report_a` is routed to that landlord (the partner sees it and
changes its status, answer and photos: the one place a partner writes), `report_b` to the city (the
partner does not see it, sector B or not). The referent of the matrix is the relogement one: it reads
GUSP, it does not write it (the GUSP referent is in tests/gusp/test_pages.py).
"""

from django.core.files.base import ContentFile

from gusp.models import ReportPhoto, ReportStatus
from tests.accounts.factories import OrganisationFactory
from tests.gusp.factories import AnswerTemplateFactory, ReportFactory, ThemeFactory, WalkAuditFactory
from tests.matrix import LOGIN, OK, POST_ONLY, row

ALL = row(LOGIN, 200, 200, 200, 200, 200)
INTERNAL = row(LOGIN, 200, 200, 200, 403, 200)  # outsider: mission of its own programme
EDIT_PROGRAMME = row(LOGIN, 200, 403, 403, 403, 200)
READ_HANDLED = row(LOGIN, 200, 200, 200, 200, 404)
READ_OTHERS = row(LOGIN, 200, 200, 200, 404, 404)
EDIT_HANDLED = row(LOGIN, 200, 403, 403, 403, 404)
EDIT_OTHERS = row(LOGIN, 200, 403, 403, 404, 404)
POST_EDIT_PROGRAMME = row(LOGIN, OK, 403, 403, 403, OK)
POST_TEAM_HANDLED = row(LOGIN, OK, 403, 403, 403, 404)
POST_TEAM_OTHERS = row(LOGIN, OK, 403, 403, 404, 404)
ALL_IN_SECTOR = row(LOGIN, 200, 200, 200, 200, 404)  # partner_a reads the walks of its quartier
BACK_TO_LIST = row(LOGIN, 302, 302, 302, 302, 302)
INTERNAL_BACK_TO_QUEUE = row(LOGIN, 302, 302, 302, 403, 302)
POST_HANDLER = row(LOGIN, OK, 403, 403, OK, 404)  # the handler partner writes status, answer, photos

MATRIX = {
    "gusp:dashboard": [("none", ALL)],
    "gusp:triage": [("none", INTERNAL)],
    # A GET (a sort or page link of the queue re-rendered there after a refusal) goes back to the queue.
    "gusp:triage_decide": [("triage_a", INTERNAL_BACK_TO_QUEUE, POST_EDIT_PROGRAMME)],
    "gusp:report_list": [("none", ALL)],
    "gusp:report_map": [("none", ALL)],
    "gusp:report_points": [("none", ALL)],
    "gusp:report_export": [("none", ALL)],
    "gusp:report_choices": [("none", ALL)],
    # The list's change of status in bulk: the GUSP editors only (partners and readers 403); a GET (a sort
    # or page link of the list re-rendered there after a refusal) goes back to the list.
    "gusp:report_bulk_status": [("bulk_a", BACK_TO_LIST, POST_EDIT_PROGRAMME)],
    "gusp:report_create": [("none", EDIT_PROGRAMME)],
    "gusp:report_detail": [("report_a", READ_HANDLED), ("report_b", READ_OTHERS)],
    "gusp:report_edit": [("report_a", EDIT_HANDLED), ("report_b", EDIT_OTHERS)],
    "gusp:report_photo": [("photo_a", READ_HANDLED), ("photo_b", READ_OTHERS)],
    "gusp:report_route": [
        ("route_a", POST_ONLY, POST_TEAM_HANDLED),
        ("route_b", POST_ONLY, POST_TEAM_OTHERS),
    ],
    "gusp:report_status": [("status_a", POST_ONLY, POST_HANDLER), ("status_b", POST_ONLY, POST_TEAM_OTHERS)],
    "gusp:report_answer": [("answer_a", POST_ONLY, POST_HANDLER), ("answer_b", POST_ONLY, POST_TEAM_OTHERS)],
    "gusp:report_photo_add": [
        ("report_a", POST_ONLY, POST_HANDLER),
        ("report_b", POST_ONLY, POST_TEAM_OTHERS),
    ],
    "gusp:answer_template_list": [("none", INTERNAL)],
    "gusp:answer_template_create": [("none", EDIT_PROGRAMME)],
    "gusp:answer_template_edit": [("answer_template", EDIT_HANDLED)],
    # GET: the confirmation page; POST: the deletion.
    "gusp:answer_template_delete": [("answer_template", EDIT_HANDLED, POST_TEAM_HANDLED)],
    # Diagnostics en marchant: read within the quartiers (partners too), written by the GUSP editors.
    "gusp:walk_audit_list": [("none", ALL)],
    "gusp:walk_audit_create": [("none", EDIT_PROGRAMME)],
    "gusp:walk_audit_detail": [("walk_a", ALL_IN_SECTOR), ("walk_b", READ_OTHERS)],
    "gusp:walk_audit_points": [("walk_a", ALL_IN_SECTOR), ("walk_b", READ_OTHERS)],
    "gusp:walk_audit_edit": [("walk_a", EDIT_HANDLED), ("walk_b", EDIT_OTHERS)],
    "gusp:walk_audit_observation": [
        ("observation_a", EDIT_HANDLED, POST_TEAM_HANDLED),
        ("observation_b", EDIT_OTHERS, POST_TEAM_OTHERS),
    ],
}


def build_objects(*, programme, sector_a, sector_b, users) -> dict:
    landlord = users["partner_a"].memberships.get().organisation
    city = OrganisationFactory(ville=True)
    theme = ThemeFactory(programme=programme, default_handler=city)
    report_a = ReportFactory(programme=programme, sector=sector_a, theme=theme, handler=landlord, sent=True)
    report_b = ReportFactory(programme=programme, sector=sector_b, theme=theme, handler=city)
    photos = {}
    for key, report in (("a", report_a), ("b", report_b)):
        photo = ReportPhoto(report=report, width=1, height=1, size=3, uploaded_by=users["mission"])
        photo.image.save(f"{report.pk}-matrice.jpg", ContentFile(b"jpg"), save=True)
        photos[key] = photo
    template = AnswerTemplateFactory(programme=programme)
    walk_a = WalkAuditFactory(programme=programme, sector=sector_a)
    walk_b = WalkAuditFactory(programme=programme, sector=sector_b)
    observation = {"theme": theme.pk, "description": "Dépôt sauvage", "priority": "normale"}
    return {
        "triage_a": {"_data": {"lot-reports": [report_a.pk], "lot-decision": "transmettre"}},
        "bulk_a": {"_data": {"lot-reports": [report_a.pk], "lot-status": ReportStatus.IN_PROGRESS}},
        "report_a": {"pk": report_a.pk},
        "report_b": {"pk": report_b.pk},
        "photo_a": {"pk": report_a.pk, "photo_pk": photos["a"].pk},
        "photo_b": {"pk": report_b.pk, "photo_pk": photos["b"].pk},
        "route_a": {"pk": report_a.pk, "_data": {"orientation-handler": city.pk}},
        "route_b": {"pk": report_b.pk, "_data": {"orientation-handler": landlord.pk}},
        "status_a": {"pk": report_a.pk, "_data": {"statut-status": ReportStatus.IN_PROGRESS}},
        "status_b": {"pk": report_b.pk, "_data": {"statut-status": ReportStatus.RESOLVED}},
        "answer_a": {"pk": report_a.pk, "_data": {"reponse-text": "Intervention programmée."}},
        "answer_b": {"pk": report_b.pk, "_data": {"reponse-text": "Intervention programmée."}},
        "answer_template": {"pk": template.pk},
        "walk_a": {"pk": walk_a.pk},
        "walk_b": {"pk": walk_b.pk},
        "observation_a": {"pk": walk_a.pk, "_data": observation},
        "observation_b": {"pk": walk_b.pk, "_data": observation},
    }


# --- Referential and action plan (themes, conventions, actions) --------------------------------------------

MATRIX.update(
    {
        "gusp:theme_list": [("none", ALL)],
        "gusp:theme_edit": [("gusp_theme", EDIT_HANDLED)],
        # POST only: a theme's delay for one handler organisation, set or removed by the team.
        "gusp:theme_delay_set": [("gusp_theme_delay_set", POST_ONLY, POST_TEAM_HANDLED)],
        "gusp:theme_delay_remove": [("gusp_theme_delay", POST_ONLY, POST_TEAM_HANDLED)],
        "gusp:action_list": [("none", ALL)],
        "gusp:action_export": [("none", ALL)],
        "gusp:action_create": [("none", EDIT_PROGRAMME)],
        # gusp_action_a: the landlord's own TFPB action (its partner reads it);
        # gusp_action_b: the city's, in sector B.
        "gusp:action_edit": [("gusp_action_a", EDIT_HANDLED), ("gusp_action_b", EDIT_OTHERS)],
        # gusp_convention_a covers sector A (partner_a reads it), gusp_convention_b sector B only.
        "gusp:convention_list": [("none", ALL)],
        "gusp:convention_create": [("none", EDIT_PROGRAMME)],
        "gusp:convention_detail": [("gusp_convention_a", READ_HANDLED), ("gusp_convention_b", READ_OTHERS)],
        "gusp:convention_edit": [("gusp_convention_a", EDIT_HANDLED), ("gusp_convention_b", EDIT_OTHERS)],
        "gusp:commitment_create": [("gusp_convention_a", EDIT_HANDLED), ("gusp_convention_b", EDIT_OTHERS)],
        "gusp:commitment_edit": [("gusp_commitment_a", EDIT_HANDLED), ("gusp_commitment_b", EDIT_OTHERS)],
        # GET: the confirmation page; POST: the removal.
        "gusp:commitment_delete": [
            ("gusp_commitment_drop_a", EDIT_HANDLED, POST_TEAM_HANDLED),
            ("gusp_commitment_drop_b", EDIT_OTHERS, POST_TEAM_OTHERS),
        ],
    }
)

from gusp.models import Commitment, ThemeHandlerDelay  # noqa: E402
from tests.gusp.factories import GuspActionFactory, GuspConventionFactory  # noqa: E402

_build_report_objects = build_objects


def landlord_of(users):
    return users["partner_a"].memberships.get().organisation


def build_objects(*, programme, sector_a, sector_b, users) -> dict:
    objects = _build_report_objects(programme=programme, sector_a=sector_a, sector_b=sector_b, users=users)
    theme = ThemeFactory(programme=programme, slug="eclairage", name="Éclairage")
    objects["gusp_theme"] = {"pk": theme.pk}
    objects["gusp_theme_delay_set"] = {
        "pk": theme.pk,
        "_data": {"delai-organisation": landlord_of(users).pk, "delai-target_days": "5"},
    }
    delay = ThemeHandlerDelay.objects.create(theme=theme, organisation=landlord_of(users), target_days=4)
    objects["gusp_theme_delay"] = {"pk": theme.pk, "delay_pk": delay.pk}
    landlord = users["partner_a"].memberships.get().organisation
    city = OrganisationFactory(ville=True)
    action_a = GuspActionFactory(programme=programme, sector=sector_a, tfpb=True, owner=landlord)
    action_b = GuspActionFactory(programme=programme, sector=sector_b, owner=city)
    objects["gusp_action_a"] = {"pk": action_a.pk}
    objects["gusp_action_b"] = {"pk": action_b.pk}
    for key, sector in (("a", sector_a), ("b", sector_b)):
        convention = GuspConventionFactory(programme=programme, sectors=[sector])
        objects[f"gusp_convention_{key}"] = {"pk": convention.pk}
        for prefix in ("gusp_commitment", "gusp_commitment_drop"):
            commitment = Commitment.objects.create(convention=convention, volet="veille", text="Veille")
            objects[f"{prefix}_{key}"] = {"pk": convention.pk, "commitment_pk": commitment.pk}
    return objects


# --- TFPB abatement amounts ---------------------------------------------------------------------------------
# Read by the TFPB actions' rule (partner_a, a landlord's partner, reads its own amounts; nobody else's),
# written by the GUSP editors. abatement_a: partner_a's landlord's, in sector A; abatement_b: another
# landlord's, in sector B.

MATRIX.update(
    {
        # GET: the year's amounts (and the form for the editors); POST: record an amount.
        "gusp:abatement_list": [("abatement_new", ALL, POST_EDIT_PROGRAMME)],
        "gusp:abatement_edit": [("abatement_a", EDIT_HANDLED), ("abatement_b", EDIT_OTHERS)],
        # GET: the confirmation page; POST: the removal.
        "gusp:abatement_delete": [
            ("abatement_drop_a", EDIT_HANDLED, POST_TEAM_HANDLED),
            ("abatement_drop_b", EDIT_OTHERS, POST_TEAM_OTHERS),
        ],
    }
)

_build_action_objects = build_objects


def build_objects(*, programme, sector_a, sector_b, users) -> dict:
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import OrganisationKind
    from gusp import services

    objects = _build_action_objects(programme=programme, sector_a=sector_a, sector_b=sector_b, users=users)
    landlord = users["partner_a"].memberships.get().organisation
    other = OrganisationFactory(kind=OrganisationKind.BAILLEUR)
    programme.organisations.add(landlord, other)
    year = timezone.localdate().year
    for prefix, when in (("abatement", year), ("abatement_drop", year - 1)):
        for key, owner, sector in (("a", landlord, sector_a), ("b", other, sector_b)):
            abatement = services.tfpb_abatement_create(
                programme=programme, landlord=owner, year=when, sector=sector, amount=Decimal("100000")
            )
            objects[f"{prefix}_{key}"] = {"pk": abatement.pk}
    objects["abatement_new"] = {
        "_data": {"landlord": landlord.pk, "year": year - 2, "sector": "", "amount": "150000", "note": ""}
    }
    return objects
