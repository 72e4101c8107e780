from django.urls import path

from . import views

app_name = "board"
urlpatterns = [
    path("papan/", views.board, name="board"),
    path("meja/papan/<str:code>/", views.edit, name="edit"),
]
