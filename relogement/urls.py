from django.urls import include, path

app_name = "relogement"
urlpatterns = [
    path("", include("relogement.ui_urls")),
]
