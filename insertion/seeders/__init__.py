"""Demo data of insertion: markets with a clause on the demo operations, participants, contracts."""

from core.seeding import SeedRun, seeder
from insertion.models import Market, Participant
from insertion.seeders.demo import seed_insertion
from projects.models import Programme
from projects.seeders.demo import demo_programme, programme_slug


def reset(run: SeedRun) -> None:
    """Markets protect their operation: they (and the contracts) go before the programme."""
    programmes = Programme.objects.filter(slug=programme_slug(run.target))
    Participant.objects.filter(programme__in=programmes).delete()
    Market.objects.filter(programme__in=programmes).delete()


@seeder("insertion", after=["projects"], reset=reset)
def seed(run: SeedRun) -> None:
    seed_insertion(demo_programme(run.target), target=run.target, today=run.today, log=run.log)
