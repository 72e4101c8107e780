from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("kepatuhan/", views.compliance, name="compliance"),
]
