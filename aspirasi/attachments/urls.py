from django.urls import path

from . import views

app_name = "attachments"
urlpatterns = [
    path(
        "lacak/<str:code>/<str:secret>/lampiran/<int:pk>/",
        views.customer_download,
        name="customer",
    ),
    path(
        "lacak/<str:code>/<str:secret>/tanggapan/berkas/<int:pk>/",
        views.customer_response_download,
        name="customer_response",
    ),
    # The random public id: the old sequential number (/meja/lampiran/1/) finds nothing.
    path("meja/lampiran/<slug:public_id>/", views.official_download, name="official"),
]
