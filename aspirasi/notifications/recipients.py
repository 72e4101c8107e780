"""Who a message about a position goes to: whoever holds it today, and its acting official
(decision 16), each once, and only those with an e-mail address; each in the language they chose
(officials.LanguagePreference; Indonesian without one)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from aspirasi.officials.capacity import holders_of
from aspirasi.officials.models import Acting, LanguagePreference

DEFAULT_LANGUAGE = "id"


def with_language(users):
    """Users with `message_language`: the language their e-mails are written in."""
    return users.annotate(
        message_language=Coalesce(F("language_preference__language"), Value(DEFAULT_LANGUAGE))
    )


def official_language(user) -> str:
    """The language of e-mails to this official (annotated by with_language, or looked up)."""
    language = getattr(user, "message_language", None)
    if language is None:
        language = (
            LanguagePreference.objects.filter(user_id=user.pk)
            .values_list("language", flat=True)
            .first()
        )
    return language or DEFAULT_LANGUAGE


def officials_of(position: str, on: dt.date | None = None) -> list:
    on = on or timezone.localdate()
    holder_ids = set(holders_of(position, on).values_list("user_id", flat=True))
    acting_ids = set(
        Acting.objects.filter(position=position, starts_on__lte=on, ends_on__gte=on).values_list(
            "user_id", flat=True
        )
    )
    return list(
        with_language(get_user_model().objects.filter(pk__in=holder_ids | acting_ids))
        .filter(is_active=True)
        .exclude(Q(email="") | Q(email__isnull=True))
        .order_by("pk")
    )


def officials_with_a_desk(on: dt.date | None = None) -> list:
    """Everyone who holds or acts for some position today (the daily digest's readers)."""
    from aspirasi.officials.models import Holding

    on = on or timezone.localdate()
    holder_ids = Holding.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on
    ).values_list("user_id", flat=True)
    acting_ids = Acting.objects.filter(starts_on__lte=on, ends_on__gte=on).values_list(
        "user_id", flat=True
    )
    return list(
        with_language(get_user_model().objects.filter(Q(pk__in=holder_ids) | Q(pk__in=acting_ids)))
        .filter(is_active=True)
        .exclude(Q(email="") | Q(email__isnull=True))
        .order_by("pk")
    )
