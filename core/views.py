from django.http import JsonResponse

from core.health import health_report


def healthz(request):
    """200 when the database and Redis answer; Celery is reported and checked with ?celery=1."""
    include_celery = request.GET.get("celery") == "1"
    report = health_report(include_celery=include_celery)
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
