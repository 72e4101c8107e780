"""Reads of the survey: whether a case may be rated, and the index per case and per period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from aspirasi.cases.models import Aspiration

from . import ikm
from .elements import FIELDS
from .models import SurveyResponse


def survey_of(case: Aspiration) -> SurveyResponse | None:
    return SurveyResponse.objects.filter(aspiration=case).first()


def may_answer(case: Aspiration) -> bool:
    """Once a response has reached the customer, and only once per case."""
    return (
        case.answered_at is not None and not SurveyResponse.objects.filter(aspiration=case).exists()
    )


@dataclass(frozen=True)
class Month:
    start: dt.date
    index: ikm.Index | None


def monthly(year: int) -> tuple[list[Month], ikm.Index | None]:
    """The IKM of each month of a year (months of the faculty's time zone) and of the year."""
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    by_month: dict[int, list[tuple[int, ...]]] = {m: [] for m in range(1, 13)}
    rows = SurveyResponse.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    for submitted_at, *answers in rows.values_list("submitted_at", *FIELDS):
        by_month[timezone.localtime(submitted_at, tz).month].append(tuple(answers))
    months = [Month(dt.date(year, m, 1), ikm.index(by_month[m])) for m in range(1, 13)]
    return months, ikm.index(row for rows in by_month.values() for row in rows)
