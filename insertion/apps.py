from django.apps import AppConfig


class InsertionConfig(AppConfig):
    name = "insertion"
    verbose_name = "Insertion"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core.personal_data import ProcessingRecord, register_domain
        from insertion.models import Market, Participant, WorkContract
        from projects.models import Operation

        # Participants and their contracts one by one: this grant on the membership (and a second factor).
        register_domain(
            key="insertion",
            label="Insertion",
            records="participants",
            pages="Le suivi des participants et de leurs contrats",
            processing=processing_record(ProcessingRecord),
        )
        # Operations too: the figures are grouped by operation and sector.
        for model in (Market, Participant, WorkContract, Operation):
            for signal in (post_save, post_delete):
                signal.connect(
                    _figures_changed, sender=model, dispatch_uid=f"insertion.figures.{model.__name__}"
                )


def processing_record(record_class):
    """The insertion processing, for the register of processing (core/data_register.py). The data
    categories list the models' own field names, so that a new field shows in the register."""
    from insertion.models import Participant, WorkContract

    def names(model, *fields: str) -> tuple[str, ...]:
        return tuple(str(model._meta.get_field(name).verbose_name) for name in fields)

    return record_class(
        name="Suivi des clauses d'insertion",
        purposes=(
            "Suivre les heures d'insertion réalisées dans les marchés du programme qui portent une clause "
            "(charte nationale d'insertion de l'ANRU) et les personnes qui en bénéficient.",
            "Rendre compte des objectifs de la charte par marché, maître d'ouvrage, opération et programme.",
            "Piloter le programme : tableaux de bord et dossiers des instances, en agrégats.",
        ),
        legal_basis=(
            "Mission d'intérêt public (article 6.1.e du RGPD) : la mise en œuvre de la charte nationale "
            "d'insertion prévue par la convention pluriannuelle de renouvellement urbain signée avec "
            "l'ANRU. La reconnaissance de travailleur handicapé (RQTH) n'est enregistrée que comme un "
            "public éligible, cochée par le facilitateur, sans autre donnée de santé."
        ),
        people=(
            "Les personnes embauchées au titre des clauses d'insertion (sans identité).",
            "Les personnes qui utilisent l'application : adresse électronique, nom, rattachement, journal "
            "des accès.",
        ),
        data_categories=(
            ("Références", names(Participant, "reference", "facilitator_reference", "prescriber")),
            (
                "Profil",
                names(
                    Participant,
                    "sex",
                    "age_band",
                    "qualification",
                    "commune",
                    "qpv_resident",
                    "qpv",
                    "publics",
                ),
            ),
            ("Suivi", names(Participant, "anonymised_at")),
            (
                "Contrats de travail",
                names(
                    WorkContract,
                    "reference",
                    "market",
                    "employer",
                    "user_company",
                    "contract_type",
                    "modality",
                    "job_code",
                    "starts_on",
                    "ends_on",
                    "hours_worked",
                    "training_hours",
                    "end_reason",
                    "situation_6_months",
                ),
            ),
        ),
        never_recorded=(
            "Jamais enregistrés : nom, prénom, téléphone, adresse électronique ou postale d'une personne, "
            "date de naissance (une tranche d'âge seulement), numéro de sécurité sociale ou d'inscription "
            "à France Travail."
        ),
        sources=(
            "Source : le facilitateur des clauses (Maison de l'emploi, PLIE), par import de son export "
            "(une ligne par contrat de travail)."
        ),
        retention=(
            "Participant dont le dernier contrat a pris fin il y a plus de {INSERTION_RETENTION_MONTHS} "
            "mois : anonymisé chaque nuit (commande insertion_retention à la demande) : identifiant du "
            "facilitateur remplacé, commune et QPV de résidence effacés ; les chiffres des indicateurs "
            "restent.",
            "Participant en contrat : conservé tant que dure le suivi.",
        ),
        settings_used=("INSERTION_RETENTION_MONTHS",),
    )


def _figures_changed(sender, **kwargs) -> None:
    """Any single write of insertion data makes the cached figures stale (bulk writes call the same
    bump in insertion.services)."""
    from insertion.selectors import figures_cache_bump

    figures_cache_bump()
