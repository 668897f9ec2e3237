"""History of the GUSP referential and action plan (django-pghistory, database triggers): themes,
conventions, their commitments and actions each record their creation and every change (a commitment its
removal too, as milestones and funding lines do), whatever writes them."""

import datetime
from decimal import Decimal

from gusp import services
from gusp.models import ActionStatus, Commitment, GuspAction, GuspConvention, Volet
from tests.gusp.factories import GuspActionFactory, GuspConventionFactory, ThemeFactory


def labels(obj) -> list[str]:
    return list(obj.events.order_by("pgh_id").values_list("pgh_label", flat=True))


def test_a_theme_change_is_recorded(programme):
    theme = ThemeFactory(programme=programme, name="Propreté", target_days=3)
    services.theme_update(theme=theme, target_days=5)
    assert labels(theme) == ["insert", "update"]
    assert list(theme.events.order_by("pgh_id").values_list("target_days", flat=True)) == [3, 5]


def test_a_convention_change_is_recorded(programme):
    convention = GuspConventionFactory(programme=programme, title="Convention GUSP")
    services.convention_update(convention=convention, ends_on=datetime.date(2028, 12, 31))
    assert labels(convention) == ["insert", "update"]
    assert convention.events.order_by("pgh_id").last().ends_on == datetime.date(2028, 12, 31)
    assert GuspConvention.pgh_event_models["update"].objects.filter(pgh_label="update").count() == 1


def test_a_commitment_change_and_its_removal_are_recorded(programme):
    convention = GuspConventionFactory(programme=programme)
    commitment = services.commitment_add(convention=convention, volet=Volet.WATCH, text="Veille mensuelle")
    pk = commitment.pk
    services.commitment_update(commitment=commitment, text="Veille mensuelle avec les bailleurs")
    services.commitment_delete(commitment=commitment)
    events = Commitment.pgh_event_models["insert"].objects.filter(pgh_obj_id=pk).order_by("pgh_id")
    assert list(events.values_list("pgh_label", "text")) == [
        ("insert", "Veille mensuelle"),
        ("update", "Veille mensuelle avec les bailleurs"),
        ("delete", "Veille mensuelle avec les bailleurs"),
    ]


def test_an_action_change_is_recorded(programme):
    action = GuspActionFactory(programme=programme, tfpb=True, tfpb_amount=Decimal("45000"))
    services.gusp_action_update(action=action, status=ActionStatus.IN_PROGRESS)
    services.gusp_action_update(action=action, tfpb_amount=Decimal("50000"))
    assert labels(action) == ["insert", "update", "update"]
    assert list(action.events.order_by("pgh_id").values_list("status", "tfpb_amount")) == [
        (ActionStatus.TODO, Decimal("45000")),
        (ActionStatus.IN_PROGRESS, Decimal("45000")),
        (ActionStatus.IN_PROGRESS, Decimal("50000")),
    ]
    assert GuspAction.pgh_event_models["update"].objects.filter(pgh_label="update").count() == 2


def test_a_save_that_changes_nothing_records_nothing(programme):
    theme = ThemeFactory(programme=programme, target_days=3)
    theme.save()
    assert labels(theme) == ["insert"]
