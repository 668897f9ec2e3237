from django.apps import AppConfig


class RelogementConfig(AppConfig):
    name = "relogement"
    verbose_name = "Relogement"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core.personal_data import ProcessingRecord, register_domain
        from projects.models import Operation, Sector
        from relogement.models import Household, Offer, Rehousing, RelogementPlan

        # Households one by one: reading them needs this grant on the membership (and a second factor).
        register_domain(
            key="relogement",
            label="Relogement",
            records="ménages",
            pages="Le suivi ménage par ménage",
            processing=processing_record(ProcessingRecord),
        )
        # Operations and sectors too: the figures are grouped by them (an operation moved to another
        # sector changes which perimeters count its households).
        for model in (Household, Offer, Rehousing, RelogementPlan, Operation, Sector):
            for signal in (post_save, post_delete):
                signal.connect(
                    _figures_changed, sender=model, dispatch_uid=f"relogement.figures.{model.__name__}"
                )


def processing_record(record_class):
    """The relogement processing, for the register of processing (core/data_register.py). The data
    categories list the models' own field names, so that a new field shows in the register (a test checks
    that every field of a household, an offer and a rehousing is listed)."""
    from relogement.models import Household, Offer, Rehousing

    def names(model, *fields: str) -> tuple[str, ...]:
        return tuple(str(model._meta.get_field(name).verbose_name) for name in fields)

    return record_class(
        name="Suivi du relogement des ménages",
        purposes=(
            "Accompagner chaque ménage dont le logement est démoli ou requalifié par une opération du "
            "programme : diagnostic social, souhaits, propositions de logement, décision de la commission "
            "d'attribution (CAL), relogement, accompagnement après le relogement, enquête de satisfaction.",
            "Rendre compte des objectifs de relogement fixés par la convention pluriannuelle, le règlement "
            "général de l'ANRU et la charte locale de relogement (indicateurs de l'ANRU).",
            "Piloter le programme : tableaux de bord et dossiers des instances, en agrégats.",
        ),
        legal_basis=(
            "Mission d'intérêt public (article 6.1.e du RGPD) : le relogement des ménages concernés par "
            "les opérations de démolition et de requalification, prévu par la convention pluriannuelle "
            "de renouvellement urbain signée avec l'ANRU et par la charte de relogement. Aucune donnée "
            "sensible (article 9) n'est enregistrée."
        ),
        people=(
            "Les ménages locataires des logements des opérations de démolition ou de requalification "
            "(le titulaire du bail et la composition du ménage, sans identité).",
            "Les personnes qui utilisent l'application : adresse électronique, nom, rattachement, journal "
            "des accès.",
        ),
        data_categories=(
            (
                "Références",
                names(Household, "reference", "landlord_reference", "origin_operation", "origin_landlord"),
            ),
            (
                "Logement d'origine",
                names(
                    Household,
                    "origin_typology",
                    "origin_surface",
                    "origin_rent",
                    "origin_charges",
                    "origin_aid",
                ),
            ),
            (
                "Composition et ressources (en tranches)",
                names(Household, "adults", "children", "holder_age_band", "income_band"),
            ),
            (
                "Besoins et souhaits",
                names(
                    Household,
                    "needs_mobility",
                    "needs_decohabitation",
                    "over_occupation",
                    "under_occupation",
                    "wished_communes",
                    "wishes_outside_qpv",
                ),
            ),
            (
                "Suivi",
                names(
                    Household,
                    "diagnostic_on",
                    "reinforced_support",
                    "status",
                    "last_contact_on",
                    "closed_on",
                    "comments",
                    "anonymised_at",
                ),
            ),
            (
                "Propositions de logement",
                names(
                    Offer,
                    "offered_on",
                    "landlord",
                    "commune",
                    "in_qpv",
                    "new_or_recent",
                    "typology",
                    "rent",
                    "charges",
                    "estimated_aid",
                    "technical_committee_on",
                    "cal_on",
                    "answer",
                    "refusal_reason",
                ),
            ),
            (
                "Relogement et satisfaction",
                names(
                    Rehousing,
                    "rehoused_on",
                    "kind",
                    "landlord",
                    "commune",
                    "in_qpv",
                    "new_or_recent",
                    "same_site",
                    "typology",
                    "rent",
                    "charges",
                    "aid",
                    "indemnity_eligible",
                    "indemnity_amount",
                    "survey_on",
                    "satisfaction",
                    "survey_comment",
                ),
            ),
        ),
        never_recorded=(
            "Jamais enregistrés : nom, prénom, téléphone, adresse électronique ou postale d'une personne, "
            "date de naissance, numéro de sécurité sociale, donnée de santé. Les formulaires ne "
            "les demandent pas, l'import ignore ces colonnes et le signale, et chaque texte libre le "
            "rappelle."
        ),
        sources=(
            "Source : le bailleur d'origine et l'opérateur du relogement (MOUS), par saisie ou par "
            "import de leur tableau de suivi ; le ménage lui-même lors du diagnostic social."
        ),
        retention=(
            "Ménage clos ou parti sans relogement : anonymisé {RELOGEMENT_RETENTION_MONTHS} mois après la "
            "clôture, chaque nuit (commande relogement_retention à la demande) : textes libres effacés, "
            "référence du bailleur remplacée, dates du diagnostic et du dernier contact ramenées au mois ; "
            "les chiffres des indicateurs restent.",
            "Ménage en cours de suivi : conservé tant que le relogement et l'accompagnement durent.",
        ),
        settings_used=("RELOGEMENT_RETENTION_MONTHS",),
    )


def _figures_changed(sender, **kwargs) -> None:
    """Any single write of relogement data makes the cached dashboard figures stale (bulk writes call
    the same bump in relogement.services)."""
    from relogement.selectors import dashboard_cache_bump

    dashboard_cache_bump()
