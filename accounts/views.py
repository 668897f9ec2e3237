from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.middleware import SESSION_KEY
from projects.models import Programme


@require_POST
def programme_switch(request):
    programme = get_object_or_404(
        Programme.objects.visible_to(request.user), pk=request.POST.get("programme")
    )
    request.session[SESSION_KEY] = programme.pk
    messages.success(request, f"Programme actif : {programme.name}.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "projects:dashboard"
    return redirect(next_url)
