from django.urls import path, re_path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("kepatuhan/", views.compliance, name="compliance"),
    path("laporan.pdf", views.report, name="period_report"),
    re_path(r"^ekspor/(?P<kind>kasus|langkah)\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
]
