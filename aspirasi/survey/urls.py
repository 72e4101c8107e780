from django.urls import path

from . import views

app_name = "survey"
urlpatterns = [
    path("meja/ikm/", views.ikm_per_month, name="ikm"),
]
