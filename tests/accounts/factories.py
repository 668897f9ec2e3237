import factory
from factory.django import DjangoModelFactory

from accounts.models import Domain, Membership, Organisation, OrganisationKind, Role, User
from core.personal_data import domains

DEFAULT_PASSWORD = "motdepasse-de-test-42"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.AUTRE

    class Params:
        bailleur = factory.Trait(
            kind=OrganisationKind.BAILLEUR, name=factory.Sequence(lambda n: f"Habitat {n}")
        )
        ville = factory.Trait(kind=OrganisationKind.VILLE, name=factory.Sequence(lambda n: f"Ville {n}"))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(DEFAULT_PASSWORD)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    programme = factory.SubFactory("tests.projects.factories.ProgrammeFactory")
    role = Role.MISSION

    class Params:
        admin = factory.Trait(role=Role.ADMIN)
        direction = factory.Trait(role=Role.DIRECTION)
        partner = factory.Trait(role=Role.PARTNER)
        referent = factory.Trait(role=Role.REFERENT, referent_domain=Domain.RELOGEMENT)
        # Every registered personal-data domain (core.personal_data): the registry, not a column per domain.
        personal_data = factory.Trait(
            personal_data_domains=factory.LazyFunction(lambda: [domain.key for domain in domains()])
        )

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)
