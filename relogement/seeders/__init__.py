"""Demo data of relogement: plans, households, offers, rehousings and surveys (see `demo`)."""

from core.seeding import SeedRun, seeder
from projects.models import Programme
from projects.seeders.demo import demo_programme, programme_slug
from relogement.models import Household
from relogement.seeders.demo import seed_relogement


def reset(run: SeedRun) -> None:
    """Households protect their operation: they go before the programme."""
    Household.objects.filter(programme__in=Programme.objects.filter(slug=programme_slug(run.target))).delete()


@seeder("relogement", after=["projects", "governance"], reset=reset)
def seed(run: SeedRun) -> None:
    seed_relogement(demo_programme(run.target), target=run.target, today=run.today, log=run.log)
