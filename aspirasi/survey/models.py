from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.models import Aspiration

from . import ikm
from .elements import ELEMENTS, FIELDS


def _answer(number: int, name: str):
    return models.PositiveSmallIntegerField(
        name, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )


class SurveyResponse(models.Model):
    """One customer's satisfaction survey about one answered case (PermenPANRB 14/2017).

    A record added after the answer, never part of the case itself (decision 15). The optional
    respondent profile is never kept for an anonymous case."""

    class Sex(models.TextChoices):
        MALE = "L", _("Male")
        FEMALE = "P", _("Female")

    class Education(models.TextChoices):
        PRIMARY = "sd", _("Primary school or below")
        JUNIOR = "smp", _("Junior high school")
        SENIOR = "sma", _("Senior high school")
        DIPLOMA = "d1_d3", _("Diploma (D1–D3)")
        BACHELOR = "d4_s1", _("D4 or bachelor's degree (S1)")
        MASTER = "s2", _("Master's degree (S2)")
        DOCTOR = "s3", _("Doctorate (S3)")

    class Occupation(models.TextChoices):
        CIVIL_SERVANT = "pns", _("Civil servant")
        MILITARY_POLICE = "tni_polri", _("Military or police")
        PRIVATE = "swasta", _("Private sector employee")
        SELF_EMPLOYED = "wirausaha", _("Self-employed")
        STUDENT = "pelajar_mahasiswa", _("Pupil or student")
        OTHER = "lainnya", _("Other")

    aspiration = models.OneToOneField(Aspiration, on_delete=models.PROTECT, related_name="survey")
    submitted_at = models.DateTimeField()
    u1 = _answer(1, _("requirements"))
    u2 = _answer(2, _("procedure"))
    u3 = _answer(3, _("time to complete"))
    u4 = _answer(4, _("cost"))
    u5 = _answer(5, _("what was delivered"))
    u6 = _answer(6, _("competence of the staff"))
    u7 = _answer(7, _("conduct of the staff"))
    u8 = _answer(8, _("handling of complaints"))
    u9 = _answer(9, _("facilities"))
    comment = models.TextField(_("comment"), blank=True)
    # The respondent's profile the regulation asks for: optional, never for an anonymous case.
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    education = models.CharField(
        _("education"), max_length=10, choices=Education.choices, blank=True
    )
    occupation = models.CharField(
        _("occupation"), max_length=20, choices=Occupation.choices, blank=True
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        indexes = [models.Index(fields=["submitted_at"], name="survey_submitted")]
        constraints = [
            models.CheckConstraint(
                name=f"survey_u{n}_1_to_4", condition=Q(**{f"u{n}__gte": 1, f"u{n}__lte": 4})
            )
            for n in range(1, 10)
        ]

    def __str__(self) -> str:
        return f"{self.aspiration_id} survey {self.submitted_at:%Y-%m-%d}"

    @property
    def answers(self) -> tuple[int, ...]:
        return tuple(getattr(self, f) for f in FIELDS)

    @property
    def index(self) -> ikm.Index:
        return ikm.index([self.answers])

    def answered(self):
        """(element, answer, wording) for each of the nine elements."""
        return [(e, a, e.answers[a - 1]) for e, a in zip(ELEMENTS, self.answers, strict=True)]

    @property
    def has_profile(self) -> bool:
        return bool(self.age or self.sex or self.education or self.occupation)
