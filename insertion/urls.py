from django.urls import include, path

app_name = "insertion"
urlpatterns = [
    path("", include("insertion.ui_urls")),
]
