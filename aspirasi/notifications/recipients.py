"""Who a message about a position goes to: whoever holds it today, and its acting official
(decision 16), each once, and only those with an e-mail address."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from aspirasi.officials.capacity import holders_of
from aspirasi.officials.models import Acting


def officials_of(position: str, on: dt.date | None = None) -> list:
    on = on or timezone.localdate()
    holder_ids = set(holders_of(position, on).values_list("user_id", flat=True))
    acting_ids = set(
        Acting.objects.filter(position=position, starts_on__lte=on, ends_on__gte=on).values_list(
            "user_id", flat=True
        )
    )
    return list(
        get_user_model()
        .objects.filter(pk__in=holder_ids | acting_ids, is_active=True)
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
        get_user_model()
        .objects.filter(Q(pk__in=holder_ids) | Q(pk__in=acting_ids), is_active=True)
        .exclude(Q(email="") | Q(email__isnull=True))
        .order_by("pk")
    )
