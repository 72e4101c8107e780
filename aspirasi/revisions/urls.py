from django.urls import path

from . import views

app_name = "revisions"
urlpatterns = [
    path("", views.index, name="index"),
    path("draf-baru/", views.new_draft, name="new_draft"),
    path("impor/", views.import_file, name="import"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/definisi.toml", views.source, name="source"),
    path("<int:pk>/langkah/<slug:key>/", views.edit_step, name="edit_step"),
    path("<int:pk>/ringkasan/", views.summary, name="summary"),
    path("<int:pk>/setujui/", views.approve, name="approve"),
    path("<int:pk>/buang/", views.discard, name="discard"),
]
