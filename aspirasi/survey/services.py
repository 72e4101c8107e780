"""Recording a satisfaction survey."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirasi.cases.choices import Privacy
from aspirasi.cases.engine import Incomplete
from aspirasi.cases.models import Aspiration

from .elements import ELEMENTS
from .forms import MAX_COMMENT
from .models import SurveyResponse


def survey_submit(
    *,
    case: Aspiration,
    answers: dict[str, int],
    comment: str = "",
    profile: dict | None = None,
    now: dt.datetime | None = None,
) -> SurveyResponse:
    """Record the customer's survey of an answered case: once per case."""
    now = now or timezone.now()
    if case.answered_at is None:
        raise Incomplete(_("The survey opens once your aspiration has been answered."))
    errors = {
        e.field: _("Choose one of the four answers.")
        for e in ELEMENTS
        if answers.get(e.field) not in (1, 2, 3, 4)
    }
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = _("At most %(n)s characters.") % {"n": MAX_COMMENT}
    if errors:
        raise Incomplete(_("The survey is not complete yet."), errors)
    # An anonymous customer's age, sex, education and occupation could point at them.
    profile = {} if case.privacy == Privacy.ANONYMOUS else (profile or {})
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                aspiration=case,
                submitted_at=now,
                comment=comment,
                age=profile.get("age"),
                sex=profile.get("sex") or "",
                education=profile.get("education") or "",
                occupation=profile.get("occupation") or "",
                **{e.field: answers[e.field] for e in ELEMENTS},
            )
    except IntegrityError:
        raise Incomplete(_("This case's survey has already been filled in. Thank you!")) from None
