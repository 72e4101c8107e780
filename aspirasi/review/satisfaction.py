"""Customer satisfaction in a period: the IKM of the surveys submitted in it (PermenPANRB
14/2017, computed by aspirasi/survey/ikm.py, as the survey's own page does) and the survey's
response rate: of the cases answered in the period, how many the customer rated (so far)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from aspirasi.cases.models import Aspiration
from aspirasi.survey import ikm
from aspirasi.survey.elements import ELEMENTS, FIELDS
from aspirasi.survey.models import SurveyResponse

from .period import Period
from .scope import Filters
from .steps import Share


@dataclass(frozen=True)
class Satisfaction:
    index: ikm.Index | None
    answered: int
    rated: int

    @property
    def response_rate(self) -> Share:
        return Share(self.rated, self.answered)

    @property
    def elements(self):
        """(element, its NRR) for each of the nine elements; empty without respondents."""
        return list(zip(ELEMENTS, self.index.nrr, strict=True)) if self.index else []


def surveys(period: Period, filters: Filters) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(
        filters.on_cases("aspiration"),
        submitted_at__gte=period.start_at,
        submitted_at__lt=period.end_at,
    )


def satisfaction(period: Period, filters: Filters) -> Satisfaction:
    # The index needs each respondent's nine answers (ikm.index); a period holds few surveys.
    index = ikm.index(surveys(period, filters).values_list(*FIELDS))
    answered = Aspiration.objects.filter(
        filters.on_cases(), answered_at__gte=period.start_at, answered_at__lt=period.end_at
    )
    return Satisfaction(
        index=index,
        answered=answered.count(),
        rated=answered.filter(survey__isnull=False).count(),
    )
