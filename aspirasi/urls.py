from django.contrib import admin
from django.urls import include, path

from aspirasi.desk.signin import SignInView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("sehat/", include("aspirasi.health.urls")),
    # The Django admin signs in through the same throttled form as the desk.
    path("admin/login/", SignInView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
    path("meja/cari/", include("aspirasi.search.urls")),
    path("meja/balasan/", include("aspirasi.replies.urls")),
    path("meja/catatan/", include("aspirasi.notes.urls")),
    path("meja/pengaturan/", include("aspirasi.administration.urls")),
    path("meja/sarana/", include("aspirasi.channels.urls")),
    path("meja/sop/", include("aspirasi.revisions.urls")),
    path("meja/tinjauan/", include("aspirasi.review.urls")),
    path("meja/", include("aspirasi.desk.urls")),
    path("meja/", include("aspirasi.printing.urls")),
    path("notifikasi/", include("aspirasi.notifications.urls")),
    path("", include("aspirasi.attachments.urls")),
    path("", include("aspirasi.survey.urls")),
    path("", include("aspirasi.board.urls")),
    path("", include("aspirasi.public.urls")),
]
