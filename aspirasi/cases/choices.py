"""The fixed vocabularies of a case (the glossary's words)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEBSITE = "website", _("Website")
    EMAIL = "email", _("E-mail")
    NOTICE_BOARD = "papan_pengumuman", _("Notice board")
    SUGGESTION_BOX = "kotak_saran", _("Suggestion box")
    FACEBOOK = "facebook", _("Facebook")
    LEAFLET = "leaflet", _("Leaflet")
    PHONE = "telepon", _("Phone")
    IN_PERSON = "datang_langsung", _("In person")


# Channels an aspiration enters by itself; the others are typed in by the clerk (decision 9).
SELF_SERVICE_CHANNELS = frozenset({Channel.WEBSITE, Channel.EMAIL})


class CustomerType(models.TextChoices):
    STUDENT = "mahasiswa", _("Student")
    LECTURER = "dosen", _("Lecturer")
    STAFF = "tenaga_kependidikan", _("Administrative staff")
    ALUMNUS = "alumni", _("Alumnus")
    PARENT = "orang_tua_wali", _("Parent or guardian")
    PROSPECTIVE_STUDENT = "calon_mahasiswa", _("Prospective student")
    PARTNER = "mitra_industri", _("Partner or industry")
    PUBLIC = "masyarakat_umum", _("Member of the public")


INTERNAL_CUSTOMERS = frozenset({CustomerType.STUDENT, CustomerType.LECTURER, CustomerType.STAFF})


class Privacy(models.TextChoices):
    NORMAL = "biasa", _("Normal")
    CONFIDENTIAL = "rahasia", _("Confidential")
    ANONYMOUS = "anonim", _("Anonymous")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CustomerStatus(models.TextChoices):
    """The four words a customer sees (decision 12)."""

    RECEIVED = "diterima", _("received")
    IN_PROGRESS = "diproses", _("in progress")
    ANSWERED = "ditanggapi", _("answered")
    CLOSED = "selesai", _("closed")


class Delivery(models.TextChoices):
    """How a response reached the customer (decision 9), as the official records it."""

    EMAIL = "email", _("E-mail")
    TRACKING_PAGE = "halaman_pelacakan", _("Tracking page")
    LETTER = "surat", _("Letter")
    PHONE = "telepon", _("Phone")
    IN_PERSON = "langsung", _("In person")
    NOTICE_BOARD = "papan_pengumuman", _("Notice board")


class RecordKind(models.TextChoices):
    STEP = "step", _("SOP step")
    CLOSURE = "closure", _("Closure outside the flow")
