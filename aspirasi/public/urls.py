from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("kirim/", views.submit, name="submit"),
    path("lacak/", views.track_lookup, name="track_lookup"),
    path("lacak/<str:code>/<str:secret>/", views.track, name="track"),
]
