"""The active programme is one value (`request.programme`), read by every page and import.

Found by probing: an administrator (superuser) who also had a membership switched programme, saw
"Programme actif : …", but the next imports were recorded and matched in the membership's programme.
"""

import io

from django.urls import reverse

from accounts.models import Role
from core.models import ImportRecord
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.data import sample_bytes
from tests.projects.factories import ProgrammeFactory, SectorFactory
from tests.utils import run_after_commit


def _upload_qpv(client):
    file = io.BytesIO(sample_bytes("qpv_liste_extrait.csv"))
    file.name = "qpv.csv"
    with run_after_commit():
        return client.post(reverse("imports:upload", args=["qpv"]), {"file": file})


def test_a_superuser_with_a_membership_imports_into_the_programme_switched_to(client, programme):
    other = ProgrammeFactory(name="NPRU Roubaix")
    SectorFactory(programme=other, name="Alma")
    admin = UserFactory(is_superuser=True, is_staff=True)
    MembershipFactory(user=admin, programme=programme, role=Role.ADMIN)
    client.force_login(admin)

    switched = client.post(reverse("accounts:programme_switch"), {"programme": other.pk}, follow=True)

    assert "Programme actif : NPRU Roubaix." in switched.content.decode()
    assert "Alma" in client.get(reverse("projects:sector_list")).content.decode()
    _upload_qpv(client)
    assert ImportRecord.objects.get().programme == other


def test_switching_back_finds_the_membership_again(client, programme):
    other = ProgrammeFactory(name="NPRU Roubaix")
    admin = UserFactory(is_superuser=True)
    membership = MembershipFactory(user=admin, programme=programme, role=Role.ADMIN)
    client.force_login(admin)
    client.post(reverse("accounts:programme_switch"), {"programme": other.pk})

    client.post(reverse("accounts:programme_switch"), {"programme": programme.pk})
    response = client.get(reverse("projects:dashboard"))

    assert response.wsgi_request.programme == programme
    assert response.wsgi_request.membership == membership


def test_the_switch_offers_a_superuser_every_other_programme(client, programme):
    other = ProgrammeFactory(name="NPRU Roubaix")
    admin = UserFactory(is_superuser=True)
    MembershipFactory(user=admin, programme=programme, role=Role.ADMIN)
    client.force_login(admin)

    page = client.get(reverse("projects:dashboard")).content.decode()

    assert f'<option value="{other.pk}">NPRU Roubaix</option>' in page


def test_a_programme_left_behind_falls_back_to_a_membership(client, programme, mission_user):
    """A programme id in the session the user may no longer see is not the active programme."""
    foreign = ProgrammeFactory()
    client.force_login(mission_user)
    session = client.session
    session["current_programme_id"] = foreign.pk
    session.save()

    response = client.get(reverse("projects:dashboard"))

    assert response.wsgi_request.programme == programme
