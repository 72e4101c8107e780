from django.urls import path

from . import views

app_name = "replies"
urlpatterns = [
    path("", views.reply_list, name="list"),
    path("baru/", views.reply_edit, name="new"),
    path("<int:pk>/", views.reply_edit, name="edit"),
    path("<int:pk>/hapus/", views.reply_delete, name="delete"),
]
