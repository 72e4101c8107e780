from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .signin import (
    PasswordChange,
    PasswordSet,
    SignInView,
    account,
    password_reset,
    password_reset_sent,
)

app_name = "desk"
urlpatterns = [
    path("masuk/", SignInView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.inbox, name="inbox"),
    path("kasus/<str:code>/", views.case_detail, name="case"),
    path("kasus/<str:code>/aksi/<str:action>/", views.case_act, name="act"),
    path("masukkan/", views.manual_intake, name="manual_intake"),
    path("laporan/", views.report_new, name="report_new"),
    # The random public id: the old sequential number (/meja/laporan/1/) finds nothing.
    path("laporan/<slug:public_id>/", views.report_detail, name="report_detail"),
    # The official's own account and password (signin.py).
    path("akun/", account, name="account"),
    path("akun/sandi/", PasswordChange.as_view(), name="password_change"),
    path("sandi/lupa/", password_reset, name="password_reset"),
    path("sandi/lupa/terkirim/", password_reset_sent, name="password_reset_sent"),
    path("sandi/atur/<uidb64>/<token>/", PasswordSet.as_view(), name="password_set"),
]
