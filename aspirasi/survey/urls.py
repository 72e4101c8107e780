from django.urls import path

from . import views

app_name = "survey"
urlpatterns = [
    path("lacak/<str:code>/<str:secret>/survei/", views.customer_survey, name="customer"),
    path("meja/ikm/", views.ikm_per_month, name="ikm"),
]
