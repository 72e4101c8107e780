from django.urls import path

from . import views

app_name = "administration"
urlpatterns = [
    path("", views.home, name="home"),
    path("pejabat/", views.officials, name="officials"),
    path("pejabat/baru/", views.holding_new, name="holding_new"),
    path("pejabat/<int:pk>/", views.holding_edit, name="holding_edit"),
    path("pejabat/<int:pk>/berhenti/", views.holding_end, name="holding_end"),
    path("pejabat/<int:pk>/serah-terima/", views.hand_over, name="handover"),
    path("plh/", views.actings, name="actings"),
    path("plh/baru/", views.acting_edit, name="acting_new"),
    path("plh/<int:pk>/", views.acting_edit, name="acting_edit"),
    path("plh/<int:pk>/hapus/", views.acting_delete, name="acting_delete"),
    path("kategori/", views.categories, name="categories"),
    path("kategori/baru/", views.category_edit, name="category_new"),
    path("kategori/<int:pk>/", views.category_edit, name="category_edit"),
    path("kalender/", views.calendar, name="calendar"),
    path("kalender/baru/", views.calendar_day_edit, name="calendar_day_new"),
    path("kalender/<int:pk>/", views.calendar_day_edit, name="calendar_day_edit"),
    path("kalender/<int:pk>/hapus/", views.calendar_day_delete, name="calendar_day_delete"),
    path("bahasa-surel/", views.my_language, name="my_language"),
    path("akun/", views.account_list, name="accounts"),
    path("akun/baru/", views.account_new, name="account_new"),
    path("akun/<int:pk>/nonaktifkan/", views.account_off, name="account_off"),
    path("akun/<int:pk>/aktifkan/", views.account_on, name="account_on"),
]
