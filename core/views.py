import structlog
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.csrf import requires_csrf_token

from core.health import health_report


def favicon(request):
    """Browsers ask /favicon.ico for documents that do not name their icon (a downloaded text file)."""
    return redirect(static("favicon.svg"), permanent=True)


def healthz(request):
    """200 when the database and Redis answer; Celery is reported and checked with ?celery=1."""
    include_celery = request.GET.get("celery") == "1"
    report = health_report(include_celery=include_celery)
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    """The French 500 page, with the request's reference as the logs hold it.

    Django has already logged the exception (logger `django.request`, and django-structlog's
    `request_failed` with the same `request_id`); the page gives that reference so that whoever reports
    the error points to the log line. Rendered without the request's context (no context processor, no
    query): the failure may be in one of them."""
    reference = structlog.contextvars.get_contextvars().get("request_id")
    return HttpResponseServerError(loader.get_template(template_name).render({"reference": reference}))


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a form sent after its session expired (or without cookies) gets a French page
    in the application's layout, not Django's English one. The reason is in the log only (Django's
    `django.security.csrf` logger already writes it)."""
    return render(request, "403_csrf.html", status=403)
