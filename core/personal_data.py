"""Registry of the personal-data domains: the parts of the application that hold data about persons.

A domain app registers its domain once, in its `AppConfig.ready()`:

    # relogement/apps.py
    def ready(self):
        from core.personal_data import register_domain

        register_domain(key="relogement", label="Relogement", records="ménages",
                        pages="Le suivi ménage par ménage")

A membership holds the set of domains it is granted (`Membership.personal_data_domains`, slugs
validated against this registry; a partner never holds one). Reading a domain's records needs the grant
and a second factor (`accounts.middleware.RequireMfaMiddleware` reads `User.needs_mfa`); every page that
shows them uses `core.decorators.personal_data`, which checks the grant and writes the access event.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class ProcessingRecord:
    """What the domain's processing is, for the register of processing and the DPIA (the "Données
    personnelles" page and docs/donnees-personnelles.md). Sentences may name settings in braces,
    `{RELOGEMENT_RETENTION_MONTHS}`: they are filled with the instance's values, so the page cannot drift
    from what the code does; `settings_used` lists them."""

    name: str
    purposes: tuple[str, ...]
    legal_basis: str
    people: tuple[str, ...]
    # (category, (item, …)): what is recorded about each person
    data_categories: tuple[tuple[str, tuple[str, ...]], ...]
    never_recorded: str
    sources: str
    retention: tuple[str, ...]
    settings_used: tuple[str, ...] = ()

    def fill(self, text: str) -> str:
        return text.format_map({name: getattr(settings, name) for name in self.settings_used})

    @property
    def retention_filled(self) -> list[str]:
        return [self.fill(sentence) for sentence in self.retention]


@dataclass(frozen=True)
class PersonalDataDomain:
    key: str  # slug stored on memberships and access events, e.g. "relogement"
    label: str  # "Relogement"
    records: str  # the records, plural, lower case: "ménages"
    pages: str  # what the pages show, for the page that explains the grant: "Le suivi ménage par ménage"
    grant_label_override: str = ""
    processing: ProcessingRecord | None = field(default=None, compare=False)

    @property
    def grant_label(self) -> str:
        """The grant's name as the admin and the explanations write it."""
        return self.grant_label_override or f"données personnelles {self.label.lower()}"


_REGISTRY: dict[str, PersonalDataDomain] = {}


def register_domain(
    *,
    key: str,
    label: str,
    records: str,
    pages: str,
    grant_label: str = "",
    processing: ProcessingRecord | None = None,
) -> PersonalDataDomain:
    """Register a personal-data domain (idempotent for the same declaration). `processing` describes it
    for the register of processing (the "Données personnelles" page)."""
    domain = PersonalDataDomain(
        key=key,
        label=label,
        records=records,
        pages=pages,
        grant_label_override=grant_label,
        processing=processing,
    )
    current = _REGISTRY.get(key)
    if current is not None and current != domain:
        raise ValueError(f"Deux domaines de données personnelles portent la clé « {key} ».")
    _REGISTRY[key] = domain
    return domain


def unregister_domain(key: str) -> None:
    _REGISTRY.pop(key, None)


def domains() -> list[PersonalDataDomain]:
    return sorted(_REGISTRY.values(), key=lambda domain: (domain.label, domain.key))


def domain_choices() -> list[tuple[str, str]]:
    """(key, label) of every registered domain: the admin's choices, the access log's filter."""
    return [(domain.key, domain.label) for domain in domains()]


def get_domain(key: str) -> PersonalDataDomain:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise LookupError(f"Domaine de données personnelles inconnu : « {key} ».") from None


def is_registered(key: str) -> bool:
    return key in _REGISTRY


def validate_domain(value: str) -> None:
    """Model-field validator: the slug names a registered domain."""
    if value not in _REGISTRY:
        raise ValidationError(
            "« %(value)s » n'est pas un domaine de données personnelles.",
            params={"value": value},
            code="invalid",
        )


def holds_grant(user, membership, domain: str | None) -> bool:
    """The membership (of the current programme) granted `domain`: one rule for everyone.

    Being a superuser opens nothing here: a superuser reads personal data only through a membership
    that holds the grant, and therefore with a second factor (`User.needs_mfa`), like everyone else."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        domain is not None and membership is not None and membership.is_active and membership.grants(domain)
    )
