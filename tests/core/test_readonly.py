import pytest
from django.db import transaction
from django.test import RequestFactory

from accounts.models import Organisation
from core.readonly import WriteInReadOnlyView, readonly


def test_a_readonly_view_cannot_write():
    @readonly
    def sneaky_view(request):
        Organisation.objects.create(name="Écrite en douce", kind="autre")

    with pytest.raises(WriteInReadOnlyView), transaction.atomic():
        sneaky_view(RequestFactory().get("/"))
    assert not Organisation.objects.filter(name="Écrite en douce").exists()


def test_a_readonly_view_can_read():
    @readonly
    def reading_view(request):
        return Organisation.objects.count()

    assert reading_view(RequestFactory().get("/")) == Organisation.objects.count()
