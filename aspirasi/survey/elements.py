"""The nine elements (unsur) of the survey and the wording of each answer, 1 to 4.

The answers follow the sample questionnaire of PermenPANRB 14/2017: each element's four answers
fit that element (e.g. time: not fast / less fast / fast / very fast).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Element:
    number: int
    code: str
    name: str
    question: str
    answers: tuple[str, str, str, str]  # for 1, 2, 3, 4

    @property
    def field(self) -> str:
        return f"u{self.number}"


ELEMENTS: tuple[Element, ...] = (
    Element(
        1,
        "persyaratan",
        _("Requirements"),
        _("How well did the requirements of the service fit the kind of service?"),
        (_("Not fitting"), _("Hardly fitting"), _("Fitting"), _("Very fitting")),
    ),
    Element(
        2,
        "prosedur",
        _("System, mechanism and procedure"),
        _("How easy was the procedure of the service?"),
        (_("Not easy"), _("Hardly easy"), _("Easy"), _("Very easy")),
    ),
    Element(
        3,
        "waktu",
        _("Time to complete"),
        _("How fast was your aspiration handled?"),
        (_("Not fast"), _("Hardly fast"), _("Fast"), _("Very fast")),
    ),
    Element(
        4,
        "biaya",
        _("Cost"),
        _("Was the service free of charge, as it should be?"),
        (_("Very expensive"), _("Rather expensive"), _("Cheap"), _("Free of charge")),
    ),
    Element(
        5,
        "produk",
        _("What was delivered"),
        _("How well did the answer you received fit what the service promises?"),
        (_("Not fitting"), _("Hardly fitting"), _("Fitting"), _("Very fitting")),
    ),
    Element(
        6,
        "kompetensi",
        _("Competence of the staff"),
        _("How competent were the officials who handled your aspiration?"),
        (_("Not competent"), _("Hardly competent"), _("Competent"), _("Very competent")),
    ),
    Element(
        7,
        "perilaku",
        _("Conduct of the staff"),
        _("How polite and friendly were the officials?"),
        (
            _("Not polite and friendly"),
            _("Hardly polite and friendly"),
            _("Polite and friendly"),
            _("Very polite and friendly"),
        ),
    ),
    Element(
        8,
        "pengaduan",
        _("Handling of complaints, suggestions and input"),
        _("How were complaints, suggestions and input handled?"),
        (
            _("Not handled"),
            _("Handled, but it did not work"),
            _("Handled, but not fully"),
            _("Handled well"),
        ),
    ),
    Element(
        9,
        "sarana",
        _("Facilities"),
        _("How good were the facilities of the service (this website, the e-mail)?"),
        (_("Poor"), _("Adequate"), _("Good"), _("Very good")),
    ),
)
FIELDS = tuple(e.field for e in ELEMENTS)
