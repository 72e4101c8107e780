from django.urls import path

from . import views

app_name = "channels"
urlpatterns = [
    path("", views.register, name="register"),
    path("<str:channel>/", views.keeper_edit, name="keeper_edit"),
]
