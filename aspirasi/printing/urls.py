from django.urls import path

from . import views

app_name = "printing"
urlpatterns = [
    path("kasus/<str:code>/formulir.pdf", views.case_form, name="case_form_pdf"),
    path("kasus/<str:code>/tanda-terima.pdf", views.receipt, name="receipt_pdf"),
    # The random public id: the old sequential number finds nothing.
    path("laporan/<slug:public_id>/laporan.pdf", views.report, name="report_pdf"),
]
