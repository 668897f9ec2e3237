from django.urls import path

from core import access_views

app_name = "access_log"
urlpatterns = [
    path("", access_views.access_log_list, name="list"),
    path("export/", access_views.access_log_export, name="export"),
]
