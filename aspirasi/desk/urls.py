from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .signin import SignInView

app_name = "desk"
urlpatterns = [
    path("masuk/", SignInView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.inbox, name="inbox"),
    path("kasus/<str:code>/", views.case_detail, name="case"),
    path("kasus/<str:code>/aksi/<str:action>/", views.case_act, name="act"),
    path("masukkan/", views.manual_intake, name="manual_intake"),
    path("laporan/", views.report_new, name="report_new"),
    path("laporan/<int:pk>/", views.report_detail, name="report_detail"),
]
