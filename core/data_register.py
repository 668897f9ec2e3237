"""The register entry of the personal data this instance processes: the "Données personnelles" page and
docs/donnees-personnelles.md (`manage.py write_personal_data_doc`) for the data protection officer.

It is the processing as a register entry (article 30 of the GDPR) and the basis of the data protection
impact assessment (AIPD) that social follow-up requires. Nothing in it is written twice: each domain
describes its processing where it registers (`core.personal_data.ProcessingRecord`), and every figure —
retention months, masking threshold, lockout, idle session, password length — is read from the settings
(`SETTINGS_USED`), so the page and the document say what the code does. Both render the same sections.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.template.loader import render_to_string

from accounts.models import Role
from core.personal_data import PersonalDataDomain, domains

# Settings this module reads (the domains add theirs): a test renders the document with their base values.
SETTINGS_USED = (
    "DISCLOSURE_THRESHOLD",
    "ACCESS_LOG_RETENTION_MONTHS",
    "SESSION_COOKIE_AGE",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "AUTH_PASSWORD_VALIDATORS",
    "PERSONAL_DATA_CONTROLLER",
    "PERSONAL_DATA_CONTACT",
    "PERSONAL_DATA_HOSTING",
)
NOT_SET = "non renseigné : réglage {env} de l'instance"


@dataclass
class Section:
    """A titled block: paragraphs, then a list, then a table (each optional)."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    table_header: tuple[str, ...] = ()
    table_rows: Sequence[tuple[str, ...]] = field(default_factory=list)
    anchor: str = ""


def settings_used() -> tuple[str, ...]:
    own = list(SETTINGS_USED)
    for domain in domains():
        if domain.processing is not None:
            own += [name for name in domain.processing.settings_used if name not in own]
    return tuple(own)


def _min_password_length() -> int | None:
    validators = cast(list[dict[str, Any]], settings.AUTH_PASSWORD_VALIDATORS)
    for validator in validators:
        if validator["NAME"].endswith("MinimumLengthValidator"):
            return int(validator.get("OPTIONS", {}).get("min_length", 8))
    return None


def _setting_text(name: str, env: str) -> str:
    return getattr(settings, name) or NOT_SET.format(env=env)


def _controller() -> str:
    return _setting_text("PERSONAL_DATA_CONTROLLER", "DJANGO_PERSONAL_DATA_CONTROLLER")


def _contact() -> str:
    return _setting_text("PERSONAL_DATA_CONTACT", "DJANGO_PERSONAL_DATA_CONTACT")


def _hosting() -> str:
    return _setting_text("PERSONAL_DATA_HOSTING", "DJANGO_PERSONAL_DATA_HOSTING")


def _months(count: int) -> str:
    return f"{count} mois"


def _minutes(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def _one(domain: PersonalDataDomain) -> str:
    """One record of the domain, singular: "ménage"."""
    return domain.records.removesuffix("s")


def _processings() -> list[PersonalDataDomain]:
    return [domain for domain in domains() if domain.processing is not None]


def sections() -> list[Section]:
    threshold = settings.DISCLOSURE_THRESHOLD
    processed = _processings()
    result = [
        Section(
            title="Responsable du traitement et contact",
            anchor="responsable",
            items=[
                f"Responsable du traitement : {_controller()}.",
                f"Délégué à la protection des données : {_contact()}.",
                f"Hébergement : {_hosting()}.",
            ],
            paragraphs=[
                "Pilotage NPRU est un logiciel libre ; la collectivité qui l'exploite est responsable du "
                "traitement. Cette page est la fiche du registre des activités de traitement (article 30 du "
                "RGPD) et la base de l'analyse d'impact (AIPD). Les durées et seuils qu'elle cite sont lus "
                "dans les réglages de l'instance : ils sont ceux que l'application applique."
            ],
        )
    ]
    for domain in processed:
        record = domain.processing
        assert record is not None
        result += [
            Section(
                title=f"{record.name} : finalités",
                anchor=f"{domain.key}-finalites",
                items=[record.fill(purpose) for purpose in record.purposes],
            ),
            Section(
                title=f"{record.name} : base légale",
                anchor=f"{domain.key}-base-legale",
                paragraphs=[record.fill(record.legal_basis)],
            ),
            Section(
                title=f"{record.name} : personnes concernées et source des données",
                anchor=f"{domain.key}-personnes",
                items=[*(record.fill(person) for person in record.people), record.fill(record.sources)],
            ),
            Section(
                title=f"{record.name} : catégories de données",
                anchor=f"{domain.key}-donnees",
                table_header=("Catégorie", "Données enregistrées"),
                table_rows=[(category, ", ".join(fields)) for category, fields in record.data_categories],
                paragraphs=[record.fill(record.never_recorded)],
            ),
            Section(
                title=f"{record.name} : destinataires, qui reçoit quoi",
                anchor=f"{domain.key}-destinataires",
                table_header=("Qui", "Ce qu'il reçoit"),
                table_rows=_recipients(domain, threshold),
                paragraphs=[
                    "Aucun transfert hors de l'Union européenne. Aucune donnée n'est vendue ni cédée. Les "
                    "partenaires, les dossiers qui leur sont destinés et l'API ne reçoivent jamais un "
                    f"{_one(domain)}, seulement "
                    "des agrégats."
                ],
            ),
            Section(
                title=f"{record.name} : durées de conservation et anonymisation",
                anchor=f"{domain.key}-conservation",
                items=[
                    *record.retention_filled,
                    f"Journal des accès : chaque événement est supprimé après "
                    f"{_months(settings.ACCESS_LOG_RETENTION_MONTHS)} (chaque nuit).",
                ],
            ),
        ]
    result += [_security(threshold), _risks(), _rights()]
    return result


def _recipients(domain: PersonalDataDomain, threshold: int) -> list[tuple[str, str]]:
    grant = domain.grant_label
    return [
        (
            f"{Role.ADMIN.label}, {Role.MISSION.label}, {Role.REFERENT.label} du domaine « {domain.label} », "
            f"habilités",
            f"Les {domain.records} un par un : lecture, saisie, export. Habilitation « {grant} » sur le "
            "rattachement, donnée par un administrateur, et double authentification.",
        ),
        (
            f"{Role.DIRECTION.label}, autres référents, habilités",
            f"Les {domain.records} un par un, en lecture seulement (ni saisie ni export).",
        ),
        (
            f"{Role.ADMIN.label}, {Role.MISSION.label}, {Role.REFERENT.label}, {Role.DIRECTION.label}, "
            "sans habilitation",
            f"Des agrégats (tableaux de bord, dossiers de l'équipe projet), jamais un {_one(domain)}.",
        ),
        (
            f"{Role.PARTNER.label}s (bailleurs, État, ANRU, collectivités, financeurs…)",
            f"Des agrégats seulement, sur leurs quartiers : tout effectif de 1 à {threshold - 1} est masqué "
            "(« < " + str(threshold) + " »), ainsi que la case qui permettrait de le retrouver (secret "
            "statistique). Jamais d'habilitation possible pour un partenaire.",
        ),
        (
            "Superutilisateurs (administrateurs techniques)",
            f"Aucune exception : sans rattachement habilité et double authentification, aucun "
            f"{_one(domain)} ; l'administration technique ne montre aucun {_one(domain)}.",
        ),
        ("API (réutilisateurs)", "Des agrégats masqués comme pour les partenaires."),
    ]


def _security(threshold: int) -> Section:
    password = _min_password_length()
    cooloff_minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    items = [
        "Habilitation par domaine sur le rattachement d'une personne à un programme, donnée par un "
        "administrateur ; sans elle, les pages des données personnelles expliquent l'habilitation (403) et "
        "une fiche répond « introuvable » (404).",
        "Double authentification (application TOTP et codes de secours) obligatoire pour toute personne "
        "habilitée, superutilisateurs compris, avant toute page.",
        "Journal des accès : chaque liste, fiche, formulaire, export et import de données personnelles écrit "
        "un événement (qui, quand, quelle page, quelle référence ou combien de lignes), jamais les données "
        "elles-mêmes ; consultable et exportable par les administrateurs du programme, conservé "
        f"{_months(settings.ACCESS_LOG_RETENTION_MONTHS)}.",
        "Minimisation : ni nom, ni téléphone, ni adresse, ni date de naissance ; une référence pseudonyme "
        "tirée au hasard et la référence du bailleur ; des tranches d'âge et de revenus plutôt que des "
        "valeurs.",
        "Secret statistique : en dehors de l'équipe projet, tout effectif de personnes inférieur à "
        f"{threshold} est masqué, avec la case complémentaire qui le révélerait ; les graphiques de "
        "personnes ne sont dessinés que pour l'équipe projet.",
        f"Comptes : mot de passe d'au moins {password} caractères"
        if password
        else "Comptes : mot de passe validé par Django",
    ]
    items[-1] += (
        f", verrouillage après {settings.AXES_FAILURE_LIMIT} échecs de connexion pendant "
        f"{_minutes(cooloff_minutes * 60)}, session fermée après {_minutes(settings.SESSION_COOKIE_AGE)} "
        "d'inactivité ; pas d'inscription libre, les comptes sont créés par un administrateur."
    )
    items += [
        "Consultations en lecture seule : une page consultée ne peut rien écrire en base.",
        "En production : HTTPS obligatoire (HSTS), cookies de session et CSRF sécurisés.",
        f"Hébergement : {_hosting()}.",
    ]
    return Section(title="Mesures de sécurité", anchor="securite", items=items)


def _risks() -> Section:
    return Section(
        title="Analyse d'impact : risques et mesures",
        anchor="aipd",
        paragraphs=[
            "Le suivi social des ménages figure parmi les traitements pour lesquels la CNIL exige une "
            "analyse d'impact (accompagnement social des personnes). Le tableau en donne la base ; le "
            "responsable du traitement la complète (vraisemblance, gravité, avis du DPO)."
        ],
        table_header=("Risque", "Mesures"),
        table_rows=[
            (
                "Accès illégitime aux données d'un ménage",
                "Habilitation nominative, double authentification, périmètre par programme et quartier, "
                "journal des accès relu par les administrateurs, aucun accès partenaire.",
            ),
            (
                "Réidentification d'un ménage dans un tableau ou un dossier partagé",
                "Secret statistique (masquage des petits effectifs et des cases complémentaires), "
                "référence pseudonyme, aucune donnée directement identifiante.",
            ),
            (
                "Modification non désirée",
                "Saisie réservée aux rôles qui écrivent le domaine, cycle de vie contrôlé, erreurs claires, "
                "imports tout ou rien avec aperçu, modifications inscrites au journal des accès.",
            ),
            (
                "Conservation excessive",
                "Anonymisation automatique chaque nuit après la durée de conservation, purge du journal des "
                "accès.",
            ),
            (
                "Saisie de données interdites dans les textes libres",
                "Rappel sur chaque champ libre (ni nom, ni téléphone, ni adresse, ni santé), textes libres "
                "effacés à l'anonymisation.",
            ),
        ],
    )


def _rights() -> Section:
    contact = _contact()
    return Section(
        title="Droits des personnes et comment les exercer",
        anchor="droits",
        items=[
            "Droit d'accès, de rectification, d'effacement (dans les limites d'une mission d'intérêt "
            "public), de limitation et d'opposition (articles 15 à 21 du RGPD).",
            f"Pour les exercer : écrire au délégué à la protection des données ({contact}), ou passer par "
            "l'organisme qui accompagne la personne (bailleur, opérateur du relogement), qui transmet. La "
            "personne est retrouvée par la référence que lui donne cet organisme ; la réponse est donnée "
            "dans le délai d'un mois.",
            "Les personnes qui utilisent l'application (agents, partenaires) exercent les mêmes droits sur "
            "leur compte auprès de l'administrateur du programme.",
            "Réclamation : Commission nationale de l'informatique et des libertés (CNIL), www.cnil.fr.",
        ],
    )


def context() -> dict:
    return {"sections": sections(), "domains": _processings()}


def render_markdown() -> str:
    text = render_to_string("core/personal_data_register.md", context())
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"
