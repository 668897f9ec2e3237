"""Demo data of GUSP: themes, a year of reports, walk audits, the convention, the action plan and the
landlords' TFPB abatements."""

from core.seeding import SeedRun, seeder
from gusp.models import GuspAction, GuspConvention, Report, TfpbAbatement, Theme, WalkAudit
from gusp.seeders.demo import seed_gusp
from projects.models import Programme
from projects.seeders.demo import demo_programme, programme_slug


def reset(run: SeedRun) -> None:
    """Reports, walks, actions and abatements protect their sector, themes and landlord: they go before the
    programme."""
    programmes = Programme.objects.filter(slug=programme_slug(run.target))
    for model in (TfpbAbatement, GuspAction, Report, WalkAudit, GuspConvention, Theme):
        model.objects.filter(programme__in=programmes).delete()


@seeder("gusp", after=["projects"], reset=reset)
def seed(run: SeedRun) -> None:
    seed_gusp(demo_programme(run.target), target=run.target, today=run.today, log=run.log)
