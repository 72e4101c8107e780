from django.urls import path

from . import views

app_name = "notes"
urlpatterns = [path("<str:code>/", views.add, name="add")]
