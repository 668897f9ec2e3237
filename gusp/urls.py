from django.urls import include, path

app_name = "gusp"
urlpatterns = [
    path("", include("gusp.ui_urls")),
]
