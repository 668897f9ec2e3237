from decimal import Decimal

from django.urls import reverse

from projects.models import FundingKind, OperationStatus
from tests.projects.factories import FundingLineFactory, MilestoneFactory, OperationFactory, SectorFactory
from tests.utils import count_queries


def _programme_with_operations(programme, count: int):
    sectors = SectorFactory.create_batch(3, programme=programme)
    for index in range(count):
        operation = OperationFactory(
            programme=programme,
            sector=sectors[index % 3],
            status=list(OperationStatus.values)[index % 7],
            at_risk=index % 5 == 0,
            at_risk_reason="Recours contre le permis" if index % 5 == 0 else "",
        )
        FundingLineFactory(operation=operation)
        MilestoneFactory(operation=operation)
    return sectors


def test_dashboard_shows_programme_figures(mission_client, programme):
    sector = SectorFactory(programme=programme, name="Moulins")
    operation = OperationFactory(programme=programme, sector=sector, cost_excl_tax=Decimal("2500000"))
    FundingLineFactory(operation=operation, planned=Decimal("1000000"), committed=Decimal("600000"), paid=0)
    FundingLineFactory(
        operation=operation,
        funder__name="Ville de Lille",
        kind=FundingKind.SUBVENTION,
        planned=Decimal("1500000"),
        committed=Decimal("0"),
        paid=Decimal("0"),
    )
    response = mission_client.get(reverse("projects:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Moulins" in html
    assert "2\u202f500\u202f000\u202f€" in html  # cost of the sector, French formatting
    assert "2,5\u202fM€" in html  # planned funding KPI
    assert "data:image/svg+xml;base64," in html  # server-side charts
    assert "Ville de Lille" in html


def test_dashboard_empty_programme_says_so(mission_client):
    response = mission_client.get(reverse("projects:dashboard"))
    assert "Aucune opération n'est encore enregistrée" in response.content.decode()


def test_user_without_programme_gets_explanation(client):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("projects:dashboard"))
    assert response.status_code == 403
    assert "Aucun programme ne vous est ouvert" in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("projects:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_query_count_is_the_same_for_10_and_300_operations(mission_client, programme):
    url = reverse("projects:dashboard")
    _programme_with_operations(programme, 10)
    with_10 = count_queries(mission_client, url)
    _programme_with_operations(programme, 290)
    with_300 = count_queries(mission_client, url)
    assert with_10 == with_300
    assert with_300 <= 20


def test_dashboard_lists_conventions_and_amendments(mission_client, programme):
    from projects.models import Amendment, Convention

    convention = Convention.objects.create(
        programme=programme, kind="convention", title="Convention NPNRU Lille"
    )
    Amendment.objects.create(convention=convention, number=1, kind="local", subject="Report de la démolition")
    html = mission_client.get(reverse("projects:dashboard")).content.decode()
    assert "Convention NPNRU Lille" in html
    assert "Avenant n° 1" in html
    assert "Report de la démolition" in html


def test_sector_pages_query_count_is_the_same_for_10_and_300_operations(mission_client, programme):
    sectors = _programme_with_operations(programme, 10)
    urls = [reverse("projects:sector_list"), reverse("projects:sector_detail", args=[sectors[0].slug])]
    for url in urls:
        mission_client.get(url)  # warm the process-wide content-type cache
    with_10 = [count_queries(mission_client, url) for url in urls]
    _programme_with_operations(programme, 290)
    assert [count_queries(mission_client, url) for url in urls] == with_10


def test_links_carrying_ids_are_not_thousands_grouped(mission_client, programme):
    sector = SectorFactory(programme=programme, id=12345)
    OperationFactory(programme=programme, sector=sector)
    html = mission_client.get(reverse("projects:dashboard")).content.decode()
    assert "sector=12345" in html
