"""Organisations named in an imported file: found by name (case, accents and punctuation ignored) or by
short name, otherwise created — once, when the import is committed — and attached to the programme."""

from collections import Counter
from dataclasses import dataclass

from accounts.models import Organisation, OrganisationKind
from accounts.selectors import organisations_by_name_key
from accounts.services import organisation_get_or_create
from core.import_upsert import PendingObject
from core.parsing import normalize_key

UNKNOWN_ORGANISATION = "Organisation « {name} » inconnue : elle sera créée (type : {kind})."


@dataclass(frozen=True)
class NewOrganisation(PendingObject):
    """An organisation met by name that does not exist yet."""

    name: str
    kind: str


OrganisationRef = Organisation | NewOrganisation


class OrganisationRefs:
    """The organisations of one import run: looked up by name, the unknown ones announced in a warning."""

    def __init__(self, spec, *, warning: str = UNKNOWN_ORGANISATION):
        self.spec = spec
        self.warning = warning
        self.by_key = organisations_by_name_key()
        self.new: dict[str, NewOrganisation] = {}
        self.created: dict[str, Organisation] = {}
        self.attached = list(spec.programme.organisations.order_by("pk"))
        self.attached_ids = {organisation.pk for organisation in self.attached}

    def get(self, name: str) -> Organisation | None:
        return self.by_key.get(normalize_key(name))

    def named(self, name: str, kind: str) -> OrganisationRef:
        """The organisation of that name, or a new one of `kind` (created on commit, announced now)."""
        return self.get(name) or self.pending(name, kind)

    def pending(self, name: str, kind: str) -> NewOrganisation:
        key = normalize_key(name)
        if key not in self.new:
            self.new[key] = NewOrganisation(name=name, kind=kind)
            self.spec.warn(self.warning.format(name=name, kind=OrganisationKind(kind).label))
        return self.new[key]

    def of_programme(
        self, kind: str, *, preferred: str | None = None, usage: Counter | None = None
    ) -> Organisation | str:
        """The programme's organisation of a kind; with several, the one named `preferred`, or the one most
        used (`usage` by pk); otherwise the French reason why there is none."""
        candidates = [organisation for organisation in self.attached if organisation.kind == kind]
        if len(candidates) > 1 and preferred:
            candidates = [
                o for o in candidates if normalize_key(o.name) == normalize_key(preferred)
            ] or candidates
        if len(candidates) > 1 and usage is not None:
            uses = sorted(((usage[o.pk], o) for o in candidates), key=lambda use: -use[0])
            candidates = [uses[0][1]] if uses[0][0] > uses[1][0] else candidates
        if len(candidates) == 1:
            return candidates[0]
        label = OrganisationKind(kind).label
        if candidates:
            names = ", ".join(o.name for o in candidates)
            return (
                f"Plusieurs organisations de type « {label} » sont rattachées au programme ({names}) : "
                "impossible de savoir laquelle est concernée."
            )
        return (
            f"Aucune organisation de type « {label} » n'est rattachée au programme : "
            "rattachez-la avant l'import."
        )

    def the_only(self, kind: str) -> Organisation | None:
        """The organisation of a kind when there is exactly one (the ANRU, Action Logement…)."""
        of_kind = {o.pk: o for o in self.by_key.values() if o.kind == kind}
        return next(iter(of_kind.values())) if len(of_kind) == 1 else None

    def saved(self, ref: OrganisationRef, *, attach: bool = True) -> Organisation:
        """The stored organisation (while writing): a new one is created and attached to the programme;
        a known one is attached too when `attach`."""
        if isinstance(ref, Organisation) and (not attach or ref.pk in self.attached_ids):
            return ref
        key = normalize_key(ref.name)
        if key not in self.created:
            self.created[key] = organisation_get_or_create(
                name=ref.name, kind=ref.kind, programme=self.spec.programme
            )
            self.attached_ids.add(self.created[key].pk)
        return self.created[key]
