"""Import of the landlords' relogement tracking workbooks (RIME-like): one row per household.

Formats, columns, accepted spellings and the rules below are described for users in docs/imports.md
(section « Relogement (suivi bailleur) »):

- households are matched by (origin landlord, landlord reference "N° ménage"): a new import updates them,
  never duplicates them; the pseudonymous reference is drawn by households_bulk_create;
- on creation the landlord's status is taken as it is (the file is authoritative on the current state);
  on update the change must follow the household transition table (relogement.services);
- a "Date relogement" with its destination columns creates or updates one rehousing (definitive, or
  temporary when the status says so); "sur site" is False unless a "Sur site" column says Oui;
- empty cells keep the stored values; columns holding personal data (name, phone, address…) are ignored.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from accounts.import_refs import OrganisationRef, OrganisationRefs
from accounts.models import Organisation, OrganisationKind
from core.import_upsert import ModelUpsertSpec, changed_fields
from core.imports import Action, ImportResult, Progress, Row, RowPlan
from core.parsing import (
    bounded,
    invalid,
    parse_amount,
    parse_date_fr,
    parse_decimal_fr,
    parse_int,
    parse_yes_no,
    text_of,
)
from projects.vocabularies import OPERATIONS
from relogement.models import Household, HouseholdStatus, Rehousing, RehousingKind
from relogement.services import (
    CLOSING_STATUSES,
    household_check_transition,
    households_bulk_create,
    households_bulk_update,
    rehousings_bulk_set,
)
from relogement.vocabularies import AGE_BAND, HOUSEHOLD_HEADERS, HOUSEHOLD_STATUS, INCOME_BAND, TYPOLOGY

H = HouseholdStatus
WRITE_BATCH = 1_000
# Kinds of rehousing whose status is compatible with a move recorded in the file.
REHOUSED_STATUSES = (H.REHOUSED, H.TEMPORARY, H.FOLLOW_UP, H.CLOSED)
UNKNOWN_LANDLORD = "Bailleur « {name} » inconnu : il sera créé (type : {kind})."

parse_typology, parse_status, parse_age_band, parse_income_band = (
    TYPOLOGY,
    HOUSEHOLD_STATUS,
    AGE_BAND,
    INCOME_BAND,
)
parse_persons = bounded(
    parse_int, minimum=0, maximum=30, message="« %(value)s » : indiquez un nombre de personnes entre 0 et 30."
)
# A monthly amount (rent, charges, aid): the model keeps 6 digits before the comma.
parse_rent = bounded(
    parse_amount, maximum=Decimal("999999.99"), message="« %(value)s » : montant mensuel trop grand."
)


def parse_surface(value: Any) -> Decimal | None:
    number = parse_decimal_fr(value)
    if number is not None and not 0 < number < 10_000:
        raise invalid("« %(value)s » n'est pas une surface en m² (ex. « 64,5 »).", value)
    return None if number is None else number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def discard(value: Any) -> None:
    """Personal data is never read into the import: the cell is dropped as soon as it is met."""
    return None


# Destination column → Rehousing field (the landlord is resolved apart); those required with a date.
REHOUSING_FIELDS = {
    "dest_commune": "commune",
    "dest_in_qpv": "in_qpv",
    "dest_new": "new_or_recent",
    "dest_typology": "typology",
    "dest_rent": "rent",
    "dest_charges": "charges",
    "dest_aid": "aid",
    "same_site": "same_site",
}
REQUIRED_FOR_REHOUSING = (
    "dest_commune",
    "dest_in_qpv",
    "dest_new",
    "dest_landlord",
    "dest_typology",
    "dest_rent",
)
DEFAULTS_FOR_REHOUSING = {"dest_charges": Decimal(0), "dest_aid": Decimal(0), "same_site": False}


C = HOUSEHOLD_HEADERS.column
PERSONAL_COLUMNS = tuple(
    C(name, parser=discard, hidden=True) for name in HOUSEHOLD_HEADERS if name.startswith("personal_")
)
COLUMNS = (
    C("landlord_reference", parser=text_of(40), required=True),
    C("origin_landlord", parser=text_of(200), required=True),
    C("origin_operation", parser=text_of(300), required=True, values=OPERATIONS),
    C("origin_typology", parser=TYPOLOGY),
    C("origin_surface", parser=parse_surface),
    C("adults", parser=parse_persons),
    C("children", parser=parse_persons),
    C("holder_age_band", parser=AGE_BAND),
    C("income_band", parser=INCOME_BAND),
    C("origin_rent", parser=parse_rent),
    C("origin_charges", parser=parse_rent),
    C("origin_aid", parser=parse_rent),
    C("diagnostic_on", parser=parse_date_fr),
    C("status", parser=HOUSEHOLD_STATUS),
    C("rehoused_on", parser=parse_date_fr),
    C("dest_commune", parser=text_of(120)),
    C("dest_in_qpv", parser=parse_yes_no),
    C("dest_new", parser=parse_yes_no),
    C("dest_landlord", parser=text_of(200)),
    C("dest_typology", parser=TYPOLOGY),
    C("dest_rent", parser=parse_rent),
    C("dest_charges", parser=parse_rent),
    C("dest_aid", parser=parse_rent),
    C("same_site", parser=parse_yes_no),
    *PERSONAL_COLUMNS,
)
HOUSEHOLD_FIELDS = tuple(column.field for column in COLUMNS[3:13])  # typology … diagnostic date


@dataclass
class HouseholdChange:
    landlord_reference: str
    household: Household | None
    origin_landlord: OrganisationRef
    fields: dict[str, Any] = field(default_factory=dict)
    rehousing_kind: str | None = None
    rehousing: Rehousing | None = None
    rehousing_fields: dict[str, Any] = field(default_factory=dict)


class RelogementImport(ModelUpsertSpec):
    kind = "relogement"
    personal_data_domain = "relogement"
    success_url_name = "relogement:household_list"
    label = "Suivi du relogement (bailleur)"
    description = (
        "Le tableau de suivi d'un bailleur : une ligne par ménage (référence du bailleur, opération, "
        "logement d'origine, composition, statut, relogement). Les ménages sont reconnus par leur bailleur "
        "d'origine et leur numéro chez ce bailleur : un nouvel import met à jour les ménages, sans doublon. "
        "Aucun nom, téléphone ni adresse n'est importé."
    )
    key_field = "landlord_reference"
    columns = COLUMNS
    model = Household
    copied = ("origin_operation", *HOUSEHOLD_FIELDS, "status")
    clean_exclude = ("programme", "origin_operation", "origin_landlord", "reference", "landlord_reference")
    lifecycle = ("status", household_check_transition)
    model_field_columns = {
        **{model: column for column, model in REHOUSING_FIELDS.items()},
        "landlord": "dest_landlord",
    }

    def prepare(self) -> None:
        self.organisations = OrganisationRefs(self, warning=UNKNOWN_LANDLORD)
        self.households = {
            (household.origin_landlord_id, household.landlord_reference): household
            for household in Household.objects.filter(programme=self.programme)
        }
        # The (landlord, reference) pair is unique across programmes: a household followed elsewhere.
        self.other_programmes = set(
            Household.objects.exclude(programme=self.programme).values_list(
                "origin_landlord_id", "landlord_reference"
            )
        )
        self.rehousings: dict[int, dict[str, Rehousing]] = {}
        for rehousing in Rehousing.objects.filter(household__programme=self.programme).order_by(
            "household_id", "kind", "-rehoused_on", "-pk"
        ):
            self.rehousings.setdefault(rehousing.household_id, {}).setdefault(rehousing.kind, rehousing)

    def _landlord(self, name: str | None) -> OrganisationRef | None:
        return self.organisations.named(name, OrganisationKind.BAILLEUR) if name else None

    # Validation ---------------------------------------------------------------------------------------
    def validate_row(self, row: Row) -> RowPlan | None:
        for column in PERSONAL_COLUMNS:
            if row.has(column.field):
                self.warn(
                    f"Colonne « {column.label} » ignorée : les données personnelles (nom, prénom, "
                    "téléphone, adresse…) ne sont pas importées."
                )
        reference = row.get("landlord_reference")
        landlord = self._landlord(row.get("origin_landlord"))
        household = self._household(row, landlord, reference)
        wanted = self._wanted(row, household)
        self.check_lifecycle(row, household, wanted)
        if row.ok:
            self.clean_candidate(row, household or Household(programme=self.programme), wanted)
        rehousing_kind, rehousing_fields = self._rehousing(row, household, wanted)
        if not row.ok:
            return None
        existing = self.rehousings.get(household.pk, {}).get(rehousing_kind) if household else None
        fields = changed_fields(household, wanted)
        rehousing_fields = changed_fields(existing, rehousing_fields)
        return self.upsert_plan(
            row,
            reference,
            created=household is None,
            changes=[*fields, *rehousing_fields],
            data=HouseholdChange(
                reference,
                household,
                landlord,
                fields,
                rehousing_kind=rehousing_kind if rehousing_fields else None,
                rehousing=existing,
                rehousing_fields=rehousing_fields,
            ),
        )

    def _household(self, row: Row, landlord: OrganisationRef | None, reference: str) -> Household | None:
        if not isinstance(landlord, Organisation) or not reference:
            return None
        household = self.households.get((landlord.pk, reference))
        if household is None and (landlord.pk, reference) in self.other_programmes:
            row.error(
                "landlord_reference",
                f"Ce ménage est déjà suivi dans un autre programme (bailleur « {landlord.name} »).",
            )
        if household is not None and household.anonymised_at:
            row.error("landlord_reference", "Ce ménage a été anonymisé : il ne peut plus être modifié.")
        return household

    def _wanted(self, row: Row, household: Household | None) -> dict[str, Any]:
        """The household's fields as the row gives them; an empty cell keeps the stored value."""
        wanted = self.wanted_fields(row)
        if household is None and not wanted.get("status") and row.get("rehoused_on"):
            wanted["status"] = H.REHOUSED
        if household is None and wanted.get("status") in CLOSING_STATUSES:
            wanted["closed_on"] = timezone.localdate()
        return wanted

    def _rehousing(
        self, row: Row, household: Household | None, wanted: dict[str, Any]
    ) -> tuple[str | None, dict[str, Any]]:
        """The rehousing the row describes (its kind and fields), or (None, {}) when there is none."""
        rehoused_on = row.get("rehoused_on")
        given = [name for name in REHOUSING_FIELDS if row.get(name) is not None and name != "same_site"]
        given += ["dest_landlord"] if row.get("dest_landlord") else []
        if rehoused_on is None:
            if given and row.usable("rehoused_on"):
                row.error(
                    "rehoused_on" if row.has("rehoused_on") else given[0],
                    "Les colonnes du logement d'accueil sont remplies : indiquez la date de relogement.",
                )
            return None, {}
        status = wanted.get("status") or (household.status if household else H.TO_SURVEY)
        if status not in REHOUSED_STATUSES and row.usable("status"):
            label = H(status).label
            row.error(
                "status" if row.has("status") else "rehoused_on",
                f"Un ménage relogé le {rehoused_on:%d/%m/%Y} ne peut pas avoir le statut « {label} » : "
                "indiquez un statut relogé (définitif ou temporaire), suivi ou clos.",
            )
        for name in REQUIRED_FOR_REHOUSING:
            if row.get(name) is None and row.usable(name):
                label = self.column(name).label
                row.error(name, f"Valeur obligatoire quand la date de relogement est indiquée ({label}).")
        kind = RehousingKind.TEMPORARY if status == H.TEMPORARY else RehousingKind.DEFINITIVE
        existing = self.rehousings.get(household.pk, {}).get(kind) if household else None
        fields: dict[str, Any] = {"rehoused_on": rehoused_on}
        for column, model_field in REHOUSING_FIELDS.items():
            value = row.get(column)
            value = DEFAULTS_FOR_REHOUSING.get(column) if value is None and existing is None else value
            if value is not None:
                fields[model_field] = value
        if row.get("dest_landlord"):
            fields["landlord"] = self._landlord(row.get("dest_landlord"))
        if row.ok:
            candidate = Rehousing(kind=kind) if existing is None else existing
            self.clean_candidate(row, candidate, fields, exclude=["household", "landlord"])
        return kind, fields

    # Writing ------------------------------------------------------------------------------------------
    def apply_all(self, plans: list[RowPlan], result: ImportResult, on_progress: Progress) -> None:
        """Bulk writes, a batch at a time: a first import of 10,000 households would otherwise take
        minutes (about ten queries a row through the one-household services)."""
        changes = [plan.data for plan in plans if plan.action != Action.UNCHANGED]
        for start in range(0, len(changes), WRITE_BATCH):
            self._write(changes[start : start + WRITE_BATCH])
            on_progress(min(start + WRITE_BATCH, len(changes)) / len(changes))

    def _write(self, changes: list[HouseholdChange]) -> None:
        saved = self.organisations.saved
        created = {
            id(change): Household(
                programme=self.programme,
                origin_landlord=saved(change.origin_landlord, attach=False),
                landlord_reference=change.landlord_reference,
                **change.fields,
            )
            for change in changes
            if change.household is None
        }
        households_bulk_create(households=list(created.values()))
        households_bulk_update(
            changes=[
                (change.household, change.fields) for change in changes if change.household and change.fields
            ]
        )
        new_rehousings, changed_rehousings = [], []
        for change in changes:
            if not change.rehousing_kind:
                continue
            fields = dict(change.rehousing_fields)
            if "landlord" in fields:
                fields["landlord"] = saved(fields["landlord"], attach=False)
            if change.rehousing is None:
                household = change.household or created[id(change)]
                new_rehousings.append(Rehousing(household=household, kind=change.rehousing_kind, **fields))
            else:
                changed_rehousings.append((change.rehousing, fields))
        rehousings_bulk_set(rehousings=new_rehousings, changed=changed_rehousings)
