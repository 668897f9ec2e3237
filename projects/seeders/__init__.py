"""Demo data of projects: the programme, its sectors, conventions, operations with their funding and
milestones, and one account per role; at scale "metro", the metropolitan load set too (see `demo`)."""

from accounts import services as account_services
from accounts.models import User
from core.seeding import SeedRun, Target, seeder
from projects import services
from projects.models import Programme
from projects.seeders import demo, history, summary


def reset(run: SeedRun) -> None:
    """Delete the target's programme and the accounts of its e-mail domain."""
    target = run.target
    programme = Programme.objects.filter(slug=demo.programme_slug(target)).first()
    if programme is not None:
        services.programme_delete(programme=programme)
        run.log(f"Programme « {programme.name} » supprimé")
    users = list(User.objects.filter(email__iendswith=f"@{target.email_domain}"))
    for user in users:
        account_services.user_delete(user=user)
    if users:
        run.log(f"{len(users)} comptes @{target.email_domain} supprimés")


def report(targets: list[Target]) -> list[str]:
    return summary.report(targets, [demo.demo_programme(target) for target in targets])


@seeder("projects", reset=reset, report=report)
def seed(run: SeedRun) -> None:
    build = demo.seed_metro_programme if run.target.key == "metro" else demo.seed_demo_programme
    build(run.target, today=run.today, log=run.log)


# After every seeder that writes operations or funding lines (relogement writes its figures in risks).
@seeder("projects-history", after=["projects", "governance", "relogement"])
def seed_history(run: SeedRun) -> None:
    """The backdated history of the programme's operations, funding lines and milestones."""
    history.seed_history(demo.demo_programme(run.target), run)
