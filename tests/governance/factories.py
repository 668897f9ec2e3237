import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from governance.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    Body,
    BodyKind,
    Decision,
    Feedback,
    FeedbackStatus,
    Meeting,
    MeetingStatus,
    PublicEvent,
    PublicEventKind,
    Theme,
)
from tests.accounts.factories import OrganisationFactory
from tests.projects.factories import ProgrammeFactory


def in_days(days: int, hour: int = 9, minute: int = 30) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class BodyFactory(DjangoModelFactory):
    class Meta:
        model = Body
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"COTEC {n}")
    kind = BodyKind.COTEC
    periodicity_months = 2

    class Params:
        copil = factory.Trait(
            kind=BodyKind.COPIL, name=factory.Sequence(lambda n: f"COPIL {n}"), periodicity_months=6
        )
        on_demand = factory.Trait(periodicity_months=None)

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    starts_at = factory.LazyFunction(lambda: in_days(7))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + datetime.timedelta(hours=2))
    place = "Hôtel de ville, salle du conseil"

    class Params:
        past = factory.Trait(starts_at=factory.LazyFunction(lambda: in_days(-30)))
        held = factory.Trait(status=MeetingStatus.HELD, starts_at=factory.LazyFunction(lambda: in_days(-30)))
        cancelled = factory.Trait(status=MeetingStatus.CANCELLED)


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Point {n}")


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    attendee = "Directrice de l'habitat"


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory, held=True)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Le comité valide l'étape {n}.")


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner_organisation = factory.SubFactory(OrganisationFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20))

    class Params:
        overdue = factory.Trait(
            due_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
        )
        in_progress = factory.Trait(status=ActionStatus.IN_PROGRESS)
        done = factory.Trait(status=ActionStatus.DONE, done_on=factory.LazyFunction(timezone.localdate))
        dropped = factory.Trait(status=ActionStatus.DROPPED)


class PublicEventFactory(DjangoModelFactory):
    class Meta:
        model = PublicEvent

    programme = factory.SubFactory(ProgrammeFactory)
    kind = PublicEventKind.REUNION_PUBLIQUE
    title = factory.Sequence(lambda n: f"Réunion publique {n}")
    theme = Theme.HABITAT
    held_on = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    residents = 40
    conseil_citoyen = 5
    partners = 8

    class Params:
        workshop = factory.Trait(kind=PublicEventKind.ATELIER, residents=15, conseil_citoyen=3, partners=4)


class FeedbackFactory(DjangoModelFactory):
    class Meta:
        model = Feedback

    programme = factory.SubFactory(ProgrammeFactory)
    theme = Theme.CADRE_DE_VIE
    received_on = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    text = factory.Sequence(lambda n: f"Les encombrants s'accumulent au pied de l'immeuble {n}.")

    class Params:
        answered = factory.Trait(
            status=FeedbackStatus.ANSWERED,
            answer="Passage hebdomadaire du service propreté depuis mars.",
            answered_on=factory.LazyFunction(timezone.localdate),
        )
