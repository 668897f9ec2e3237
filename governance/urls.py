from django.urls import include, path

app_name = "governance"
urlpatterns = [
    path("dossiers/", include("governance.pack_urls")),
    path("", include("governance.ui_urls")),
]
