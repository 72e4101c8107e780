from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("kirim/", views.submit, name="submit"),
    path("lacak/", views.track_lookup, name="track_lookup"),
    path("lacak/lupa/", views.lost_link, name="lost_link"),
    path("lacak/<str:code>/<str:secret>/", views.track, name="track"),
    path("terkirim/<str:code>/<str:secret>/", views.submitted, name="submitted"),
    path("lacak/<str:code>/<str:secret>/klarifikasi/", views.clarify, name="clarify"),
    path("lacak/<str:code>/<str:secret>/tindak-lanjut/", views.follow_up, name="follow_up"),
    path("lacak/<str:code>/<str:secret>/survei/", views.survey, name="survey"),
]
