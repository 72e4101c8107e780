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


class Closure(models.TextChoices):
    """How a case ended: one of the SOP's three paths, or a closure outside the flow."""

    PATH_A = "A", _("Path A: answered by the clerk")
    PATH_B = "B", _("Path B: answered by the vice dean")
    PATH_C = "C", _("Path C: answered by the dean")
    SPAM = "spam", _("Spam")
    DUPLICATE = "duplicate", _("Duplicate")
    OUTSIDE_REMIT = "outside_remit", _("Outside the faculty's remit")
    WITHDRAWN = "withdrawn", _("Withdrawn by the customer")


SOP_PATHS = frozenset({Closure.PATH_A, Closure.PATH_B, Closure.PATH_C})


class CustomerStatus(models.TextChoices):
    """The four words a customer sees (decision 12)."""

    RECEIVED = "diterima", _("received")
    IN_PROGRESS = "diproses", _("in progress")
    ANSWERED = "ditanggapi", _("answered")
    CLOSED = "selesai", _("closed")


class RecordKind(models.TextChoices):
    STEP = "step", _("SOP step")
    CLOSURE = "closure", _("Closure outside the flow")
