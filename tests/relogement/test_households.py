"""Household pages: the personal-data grant, the lifecycle on forms, and the access log on every view."""

import datetime
from io import BytesIO

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from core.models import AccessAction, AccessEvent
from relogement.forms import HouseholdForm, OfferForm, RehousingForm
from relogement.models import Household, HouseholdStatus, Offer, Rehousing
from tests.accounts.factories import MembershipFactory, OrganisationFactory
from tests.projects.factories import OperationFactory, ProgrammeFactory
from tests.relogement.factories import HouseholdFactory, OfferFactory

PERSONAL_WORDS = ("nom", "name", "phone", "telephone", "téléphone", "address", "adresse", "email", "prenom")


def granted_user(programme, role=Role.MISSION, **kwargs):
    membership = MembershipFactory(
        programme=programme,
        role=role,
        organisation=OrganisationFactory(),
        personal_data_domains=["relogement"],
        **kwargs,
    )
    TOTP.activate(membership.user, generate_totp_secret())
    return membership.user


@pytest.fixture
def landlord(programme):
    organisation = OrganisationFactory(bailleur=True)
    programme.organisations.add(organisation)
    return organisation


@pytest.fixture
def household(programme, sector_a, landlord):
    return HouseholdFactory(
        programme=programme,
        origin_operation=OperationFactory(programme=programme, sector=sector_a),
        origin_landlord=landlord,
        landlord_reference="BAIL-0042",
        comments="Observation confidentielle",
        status=HouseholdStatus.SEARCHING,
    )


@pytest.fixture
def granted_client(client, programme):
    client.force_login(granted_user(programme))
    return client


def _events(action):
    return AccessEvent.objects.filter(action=action, domain="relogement")


def _assert_no_personal_data(household):
    for event in AccessEvent.objects.all():
        text = " ".join(str(value) for value in (event.model, event.object_ref, event.path, event.reason))
        assert household.landlord_reference not in text
        assert household.comments not in text


# Access rules


def test_granted_mission_lists_households_and_the_list_is_logged(granted_client, household, sector_b):
    other = HouseholdFactory(programme=household.programme, origin_operation__sector=sector_b)
    HouseholdFactory()  # another programme
    response = granted_client.get(reverse("relogement:household_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert household.reference in html
    assert other.reference in html
    assert "2 ménages" in html
    event = _events(AccessAction.LIST).get()
    assert event.count == 2
    assert event.model == "Household"
    _assert_no_personal_data(household)


def test_list_filters_and_htmx_partial(granted_client, household, sector_b):
    other = HouseholdFactory(
        programme=household.programme, origin_operation__sector=sector_b, status=HouseholdStatus.TO_SURVEY
    )
    response = granted_client.get(
        reverse("relogement:household_list"), {"status": HouseholdStatus.TO_SURVEY}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert other.reference in html
    assert household.reference not in html
    assert _events(AccessAction.LIST).get().count == 1
    by_sector = granted_client.get(
        reverse("relogement:household_list"), {"sector": sector_b.pk}
    ).content.decode()
    assert other.reference in by_sector
    assert household.reference not in by_sector
    reinforced = granted_client.get(reverse("relogement:household_list"), {"reinforced": "oui"}).content
    assert household.reference.encode() not in reinforced


def test_list_is_paginated_by_50(granted_client, programme):
    HouseholdFactory.create_batch(51, programme=programme)
    response = granted_client.get(reverse("relogement:household_list"))
    assert "51 ménages" in response.content.decode()
    assert _events(AccessAction.LIST).get().count == 50
    granted_client.get(reverse("relogement:household_list"), {"page": 2})
    assert _events(AccessAction.LIST).order_by("pk").last().count == 1


@pytest.mark.parametrize("role", [Role.MISSION, Role.DIRECTION, Role.ADMIN])
def test_without_the_grant_the_list_explains_it_and_a_household_is_404(client, programme, household, role):
    client.force_login(MembershipFactory(programme=programme, role=role).user)
    response = client.get(reverse("relogement:household_list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "habilitation" in html
    assert "deux facteurs" in html
    assert client.get(reverse("relogement:household_export")).status_code == 403
    assert client.get(reverse("relogement:household_detail", args=[household.pk])).status_code == 404
    assert not AccessEvent.objects.exists()


def test_partner_can_never_open_a_household(partner_client_a, household):
    assert (
        partner_client_a.get(reverse("relogement:household_detail", args=[household.pk])).status_code == 404
    )
    assert partner_client_a.get(reverse("relogement:household_edit", args=[household.pk])).status_code == 404
    assert partner_client_a.post(reverse("relogement:offer_add", args=[household.pk]), {}).status_code == 404
    response = partner_client_a.get(reverse("relogement:household_list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "jamais donnée à un partenaire" in html
    assert "demandez-la" not in html  # a partner is never told to ask for a grant it cannot get
    assert not AccessEvent.objects.exists()


def test_grant_without_authenticator_is_sent_to_mfa_setup(client, programme, household):
    membership = MembershipFactory(programme=programme, personal_data_domains=["relogement"])
    client.force_login(membership.user)
    response = client.get(reverse("relogement:household_detail", args=[household.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_grant_in_another_programme_or_sector_does_not_open_a_household(client, household, sector_b):
    client.force_login(granted_user(ProgrammeFactory()))
    assert client.get(reverse("relogement:household_detail", args=[household.pk])).status_code == 404
    client.logout()
    client.force_login(granted_user(household.programme, sectors=[sector_b]))
    assert client.get(reverse("relogement:household_detail", args=[household.pk])).status_code == 404


# Detail and timeline


def test_detail_shows_the_timeline_and_logs_the_reference(granted_client, household, landlord):
    OfferFactory(
        household=household,
        landlord=landlord,
        offered_on=datetime.date(2025, 3, 1),
        cal_on=datetime.date(2025, 3, 20),
        commune="Roubaix",
    )
    response = granted_client.get(reverse("relogement:household_detail", args=[household.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Diagnostic social", "Proposition de logement", "attribution (CAL)", "Roubaix"):
        assert text in html
    assert html.index("01/01/2025") < html.index("01/03/2025") < html.index("20/03/2025")
    event = _events(AccessAction.VIEW).get()
    assert event.object_ref == household.reference
    assert event.path == reverse("relogement:household_detail", args=[household.pk])
    _assert_no_personal_data(household)


# Export


def test_export_for_the_granted_mission_team_is_logged_with_its_count(granted_client, household):
    HouseholdFactory(programme=household.programme)
    response = granted_client.get(reverse("relogement:household_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Référence"
    assert len(rows) == 3
    headers = " ".join(rows[0]).lower()
    assert "observations" not in headers
    assert "adresse" not in headers
    assert _events(AccessAction.EXPORT).get().count == 2


def test_export_is_refused_to_granted_direction(client, programme, household):
    client.force_login(granted_user(programme, role=Role.DIRECTION))
    assert client.get(reverse("relogement:household_list")).status_code == 200
    response = client.get(reverse("relogement:household_export"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "export" in html.lower()
    assert "le référent du domaine « Relogement »" in html  # the relogement referent exports too
    assert "Pour obtenir cette habilitation" not in html  # it already holds the grant
    assert not _events(AccessAction.EXPORT).exists()


# Forms


@pytest.mark.parametrize("form_class", [HouseholdForm, OfferForm, RehousingForm])
def test_forms_ask_no_name_phone_or_address(form_class, programme, mission_user):
    kwargs = {"user": mission_user} if form_class is HouseholdForm else {}
    form = form_class(programme=programme, **kwargs)
    for name in form.fields:
        assert not any(word in name.lower() for word in PERSONAL_WORDS), name


def test_household_form_reminds_not_to_store_names(programme, mission_user):
    form = HouseholdForm(programme=programme, user=mission_user)
    assert "Ni nom, ni téléphone, ni adresse" in str(form.fields["comments"].help_text)


def test_create_household(granted_client, programme, sector_a, landlord):
    operation = OperationFactory(programme=programme, sector=sector_a)
    response = granted_client.post(
        reverse("relogement:household_create"),
        {
            "landlord_reference": "LOC-77",
            "origin_operation": operation.pk,
            "origin_landlord": landlord.pk,
            "origin_typology": "T4",
            "origin_rent": "512,40",
            "adults": 2,
            "children": 3,
            "wishes_outside_qpv": "true",
            "diagnostic_on": "2025-02-03",
        },
    )
    household = Household.objects.get(landlord_reference="LOC-77")
    assert response.status_code == 302
    assert response["Location"] == reverse("relogement:household_detail", args=[household.pk])
    assert household.status == HouseholdStatus.TO_SURVEY
    assert household.reference.startswith("M-")
    assert str(household.origin_rent) == "512.40"
    assert _events(AccessAction.EDIT).get().object_ref == household.reference


def test_illegal_status_change_is_a_french_error_on_the_field(granted_client, household):
    url = reverse("relogement:household_edit", args=[household.pk])
    assert granted_client.get(url).status_code == 200
    data = {
        "landlord_reference": household.landlord_reference,
        "origin_operation": household.origin_operation_id,
        "origin_landlord": household.origin_landlord_id,
        "status": HouseholdStatus.CLOSED,
        "adults": 1,
        "children": 0,
    }
    response = granted_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "status" in errors
    assert "impossible" in errors["status"][0]
    household.refresh_from_db()
    assert household.status == HouseholdStatus.SEARCHING
    response = granted_client.post(url, {**data, "status": HouseholdStatus.SURVEYED})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == HouseholdStatus.SURVEYED


def test_add_offer_moves_the_household_to_offer(granted_client, household, landlord):
    response = granted_client.post(
        reverse("relogement:offer_add", args=[household.pk]),
        {
            "offered_on": "2025-04-02",
            "landlord": landlord.pk,
            "commune": "Tourcoing",
            "typology": "T3",
            "rent": "430",
            "charges": "80",
            "estimated_aid": "150",
            "answer": "en_attente",
        },
    )
    assert response.status_code == 302
    assert Offer.objects.get(household=household).commune == "Tourcoing"
    household.refresh_from_db()
    assert household.status == HouseholdStatus.OFFER
    assert _events(AccessAction.EDIT).get().model == "Offer"


def test_refused_offer_needs_a_reason(granted_client, household, landlord):
    response = granted_client.post(
        reverse("relogement:offer_add", args=[household.pk]),
        {
            "offered_on": "2025-04-02",
            "landlord": landlord.pk,
            "commune": "Tourcoing",
            "typology": "T3",
            "rent": "430",
            "charges": "0",
            "estimated_aid": "0",
            "answer": "refusee",
        },
    )
    assert response.status_code == 200
    assert "refusal_reason" in response.context["form"].errors
    assert not Offer.objects.exists()


REHOUSING = {
    "rehoused_on": "2025-06-30",
    "kind": "definitif",
    "commune": "Lille",
    "in_qpv": "",
    "new_or_recent": "on",
    "typology": "T3",
    "rent": "450",
    "charges": "90",
    "aid": "120",
}


def test_record_rehousing(granted_client, household, landlord):
    household.status = HouseholdStatus.OFFER
    household.save()
    response = granted_client.post(
        reverse("relogement:rehousing_add", args=[household.pk]), {**REHOUSING, "landlord": landlord.pk}
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == HouseholdStatus.REHOUSED
    assert Rehousing.objects.get(household=household).new_or_recent is True


def test_rehousing_from_an_illegal_status_is_refused_on_the_field(granted_client, household, landlord):
    household.status = HouseholdStatus.TO_SURVEY
    household.save()
    response = granted_client.post(
        reverse("relogement:rehousing_add", args=[household.pk]), {**REHOUSING, "landlord": landlord.pk}
    )
    assert response.status_code == 200
    assert "impossible" in response.context["form"].errors["kind"][0]
    assert not Rehousing.objects.exists()
    household.refresh_from_db()
    assert household.status == HouseholdStatus.TO_SURVEY


def test_granted_direction_reads_but_does_not_write(client, programme, household):
    client.force_login(granted_user(programme, role=Role.DIRECTION))
    html = client.get(reverse("relogement:household_detail", args=[household.pk])).content.decode()
    assert reverse("relogement:offer_add", args=[household.pk]) not in html
    assert client.get(reverse("relogement:household_create")).status_code == 403
    assert client.get(reverse("relogement:household_edit", args=[household.pk])).status_code == 403
    assert client.post(reverse("relogement:offer_add", args=[household.pk]), {}).status_code == 403
    assert client.post(reverse("relogement:rehousing_add", args=[household.pk]), {}).status_code == 403


def test_admin_has_reference_data_but_no_household(client):
    from django.contrib import admin

    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for name in ("relogementplan", "indemnityrate"):
        assert client.get(reverse(f"admin:relogement_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:relogement_{name}_add")).status_code == 200
    assert Household not in admin.site._registry


def test_a_refused_offer_records_its_reason_and_sends_the_household_back_to_the_search(
    granted_client, household, landlord
):
    from relogement.models import HouseholdStatus, OfferAnswer
    from tests.relogement.factories import OfferFactory

    offer = OfferFactory(household=household, landlord=landlord)
    type(household).objects.filter(pk=household.pk).update(status=HouseholdStatus.OFFER)
    url = reverse("relogement:offer_answer", args=[household.pk, offer.pk])
    response = granted_client.post(url, {"answer": OfferAnswer.REFUSED, "refusal_reason": ""})
    assert "Indiquez le motif du refus." in response.content.decode()
    response = granted_client.post(url, {"answer": OfferAnswer.REFUSED, "refusal_reason": "loyer"})
    assert response.status_code == 302
    offer.refresh_from_db()
    household.refresh_from_db()
    assert offer.answer == OfferAnswer.REFUSED
    assert offer.refusal_reason == "loyer"
    assert household.status == HouseholdStatus.SEARCHING
    assert _events(AccessAction.EDIT).filter(model="Offer", object_ref=household.reference).exists()


# One rule for everyone: superusers, referents


def test_a_superuser_without_a_granted_membership_reads_no_household(client, programme, household):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("relogement:household_list")).status_code == 403
    assert client.get(reverse("relogement:household_export")).status_code == 403
    assert client.get(reverse("relogement:household_detail", args=[household.pk])).status_code == 404
    assert not Household.objects.visible_to(UserFactory(is_superuser=True)).exists()
    assert not AccessEvent.objects.exists()


def test_a_superuser_reads_households_only_with_the_grant_and_a_second_factor(client, programme, household):
    membership = MembershipFactory(programme=programme, role=Role.ADMIN, personal_data_domains=["relogement"])
    superuser = membership.user
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    client.force_login(superuser)
    response = client.get(reverse("relogement:household_detail", args=[household.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    TOTP.activate(superuser, generate_totp_secret())
    assert client.get(reverse("relogement:household_detail", args=[household.pk])).status_code == 200
    assert _events(AccessAction.VIEW).get().user == superuser


def _offer_data(landlord, **overrides):
    data = {
        "offered_on": "2025-04-02",
        "landlord": landlord.pk,
        "commune": "Roubaix",
        "typology": "T3",
        "rent": "430",
        "charges": "80",
        "estimated_aid": "150",
        "answer": "en_attente",
    }
    return data | overrides


def test_the_granted_relogement_referent_records_offers_cal_decisions_and_rehousings(
    client, programme, household, landlord
):
    client.force_login(granted_user(programme, role=Role.REFERENT, referent_domain="relogement"))
    html = client.get(reverse("relogement:household_detail", args=[household.pk])).content.decode()
    assert reverse("relogement:offer_add", args=[household.pk]) in html
    response = client.post(
        reverse("relogement:offer_add", args=[household.pk]), _offer_data(landlord, cal_on="2025-04-20")
    )
    assert response.status_code == 302
    offer = Offer.objects.get(household=household)
    assert offer.cal_on == datetime.date(2025, 4, 20)
    response = client.post(
        reverse("relogement:offer_answer", args=[household.pk, offer.pk]), {"answer": "acceptee"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("relogement:rehousing_add", args=[household.pk]),
        {
            "rehoused_on": "2025-06-01",
            "kind": "definitif",
            "landlord": landlord.pk,
            "commune": "Roubaix",
            "in_qpv": "",
            "new_or_recent": "on",
            "same_site": "",
            "typology": "T3",
            "rent": "450",
            "charges": "90",
            "aid": "160",
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == HouseholdStatus.REHOUSED
    assert client.get(reverse("relogement:household_edit", args=[household.pk])).status_code == 200
    assert client.get(reverse("relogement:household_export")).status_code == 200


def test_a_granted_referent_of_another_domain_reads_but_does_not_write(
    client, programme, household, landlord
):
    client.force_login(granted_user(programme, role=Role.REFERENT, referent_domain="gouvernance"))
    assert client.get(reverse("relogement:household_detail", args=[household.pk])).status_code == 200
    assert (
        client.post(reverse("relogement:offer_add", args=[household.pk]), _offer_data(landlord)).status_code
        == 403
    )
    assert client.get(reverse("relogement:household_export")).status_code == 403
    assert not Offer.objects.exists()


def test_the_list_and_the_page_write_the_composition_in_words(granted_client, household):
    from relogement.tables import HouseholdTable

    table = HouseholdTable([])
    assert table.render_composition(HouseholdFactory.build(adults=2, children=0)) == "2 adultes, sans enfant"
    assert table.render_composition(HouseholdFactory.build(adults=1, children=1)) == "1 adulte, 1 enfant"
    assert table.render_composition(HouseholdFactory.build(adults=1, children=3)) == "1 adulte, 3 enfants"
    Household.objects.filter(pk=household.pk).update(adults=2, children=0)
    html = granted_client.get(reverse("relogement:household_detail", args=[household.pk])).content.decode()
    assert "2 adultes, sans enfant" in html


# Offer dates against the CAL


def test_an_offer_dated_after_its_cal_decision_is_a_french_error_on_the_field(
    granted_client, household, landlord
):
    response = granted_client.post(
        reverse("relogement:offer_add", args=[household.pk]),
        _offer_data(landlord, offered_on="2025-04-02", cal_on="2025-03-20"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "20/03/2025" in form.errors["offered_on"][0]
    assert "CAL" in form.errors["offered_on"][0]
    assert not Offer.objects.exists()
    same_day = granted_client.post(
        reverse("relogement:offer_add", args=[household.pk]),
        _offer_data(landlord, offered_on="2025-04-02", cal_on="2025-04-02"),
    )
    assert same_day.status_code == 302


def test_the_offer_form_states_the_order_of_offer_and_cal_before_any_error(programme):
    form = OfferForm(programme=programme)
    assert "au plus tard le jour de la CAL" in form.fields["offered_on"].help_text
    assert "ne peut pas précéder celle de la proposition" in form.fields["cal_on"].help_text


def test_landlord_choices_are_the_programmes_social_landlords(programme, household, landlord, mission_user):
    funder = OrganisationFactory(name="Caisse d'allocations familiales")
    programme.organisations.add(funder)
    for form in (OfferForm(programme=programme), RehousingForm(programme=programme)):
        assert list(form.fields["landlord"].queryset) == [landlord]
    assert list(HouseholdForm(programme=programme, user=mission_user).fields["origin_landlord"].queryset) == [
        landlord
    ]
    # A landlord chosen before (of another kind) stays selectable on the record that names it.
    offer = OfferFactory(household=household, landlord=funder)
    assert funder in OfferForm(programme=programme, instance=offer).fields["landlord"].queryset


def test_a_technical_committee_dated_after_the_offer_is_a_french_error_on_its_date(
    granted_client, household, landlord
):
    url = reverse("relogement:offer_add", args=[household.pk])
    response = granted_client.post(
        url, _offer_data(landlord, offered_on="2025-04-02", technical_committee_on="2025-04-10")
    )
    assert response.status_code == 200
    error = response.context["form"].errors["technical_committee_on"][0]
    assert "après la proposition (02/04/2025)" in error
    assert not Offer.objects.exists()
    same_day = _offer_data(landlord, offered_on="2025-04-02", technical_committee_on="2025-04-02")
    assert granted_client.post(url, same_day).status_code == 302


def test_the_offer_service_refuses_an_offer_after_its_cal(household, landlord):
    from django.core.exceptions import ValidationError

    from relogement import services

    with pytest.raises(ValidationError) as error:
        services.offer_record(
            household=household,
            offered_on=datetime.date(2025, 5, 2),
            cal_on=datetime.date(2025, 5, 1),
            landlord=landlord,
            commune="Lille",
            in_qpv=False,
            new_or_recent=False,
            typology="T2",
            rent=400,
        )
    assert "offered_on" in error.value.message_dict
    assert not Offer.objects.exists()


# The list: households to process first, closed ones on demand


def test_the_list_shows_households_to_process_first_and_closed_ones_behind_a_filter(
    granted_client, programme
):
    operation = OperationFactory(programme=programme)

    def make(status, **kw):
        return HouseholdFactory(programme=programme, origin_operation=operation, status=status, **kw)

    closed = make(HouseholdStatus.CLOSED, closed_on=datetime.date(2025, 1, 1))
    left = make(HouseholdStatus.LEFT, closed_on=datetime.date(2025, 1, 1))
    follow_up = make(HouseholdStatus.FOLLOW_UP)
    searching_recent = make(HouseholdStatus.SEARCHING, last_contact_on=datetime.date(2025, 6, 1))
    searching_stale = make(HouseholdStatus.SEARCHING, last_contact_on=datetime.date(2025, 2, 1))
    to_survey = make(HouseholdStatus.TO_SURVEY)

    response = granted_client.get(reverse("relogement:household_list"))
    html = response.content.decode()
    shown = [h.reference for h in (to_survey, searching_stale, searching_recent, follow_up)]
    positions = [html.index(reference) for reference in shown]
    assert positions == sorted(positions)
    assert closed.reference not in html
    assert left.reference not in html
    assert "4 ménages à traiter" in html
    assert "clos ou partis" in html.lower()

    closed_html = granted_client.get(
        reverse("relogement:household_list"), {"situation": "clos"}
    ).content.decode()
    assert closed.reference in closed_html
    assert left.reference in closed_html
    assert to_survey.reference not in closed_html
    every = granted_client.get(reverse("relogement:household_list"), {"situation": "tous"}).content.decode()
    assert all(h.reference in every for h in (closed, left, to_survey))
    by_status = granted_client.get(reverse("relogement:household_list"), {"status": "clos"}).content.decode()
    assert closed.reference in by_status  # a chosen status is shown whatever the situation


def test_the_admin_site_registers_no_personal_data_model():
    from django.contrib import admin

    from core.models import AccessEvent

    registered = set(admin.site._registry)
    assert not registered & {Household, Offer, Rehousing, AccessEvent}


def test_the_dashboard_offers_the_household_list_to_a_superuser_only_with_the_grant(
    client, programme, household
):
    """Django's has_perm lets a superuser through every permission: the link must follow the grant."""
    from tests.accounts.factories import UserFactory

    superuser = UserFactory(is_staff=True, is_superuser=True)
    MembershipFactory(user=superuser, programme=programme, role=Role.ADMIN)
    client.force_login(superuser)

    page = client.get(reverse("relogement:dashboard")).content.decode()

    assert reverse("relogement:household_list") not in page
