from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("peringatan/", views.my_warnings, name="my_warnings"),
    path("pekerja/", views.worker_status, name="worker_status"),
]
