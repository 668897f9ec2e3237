"""Demo data of governance: bodies, a year of séances with agenda, attendance, minutes and decisions, the
actions that follow, public events and residents' remarks (see `demo`)."""

from core.seeding import SeedRun, seeder
from governance.seeders.demo import seed_governance
from projects.seeders.demo import demo_programme


@seeder("governance", after=["projects"])
def seed(run: SeedRun) -> None:
    seed_governance(demo_programme(run.target), target=run.target, today=run.today, log=run.log)
