"""The project's URLs plus a view that fails, to see the 500 page and its log line."""

from django.urls import path

from config.urls import handler500  # noqa: F401 (handler500: used)
from config.urls import urlpatterns as project_urlpatterns


def failing_view(request):
    raise RuntimeError("panne simulée")


urlpatterns = [*project_urlpatterns, path("panne/", failing_view)]
