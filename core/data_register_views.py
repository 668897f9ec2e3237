"""The "Données personnelles" page: public, as the information owed to the persons concerned
(articles 13 and 14 of the GDPR) must be readable without an account."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from core import data_register
from core.readonly import readonly


@login_not_required
@readonly
def personal_data_register(request):
    return render(request, "core/personal_data_register.html", data_register.context())
