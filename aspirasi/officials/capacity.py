"""Who may act for which position today: as a holder, or as its acting official (Plh)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from aspirasi.sop.registry import current_sop

from .models import Acting, Holding


@dataclass(frozen=True)
class Capacity:
    position: str
    acting: bool  # True when the user acts as Plh for the position

    @property
    def position_name(self) -> str:
        return current_sop().positions[self.position].name


def _today() -> dt.date:
    return timezone.localdate()


def capacities(user, on: dt.date | None = None) -> dict[str, Capacity]:
    """Every position the user may act for on the given day, holder capacity first."""
    if not getattr(user, "is_authenticated", False):
        return {}
    on = on or _today()
    held = Holding.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on), user=user, starts_on__lte=on
    ).values_list("position", flat=True)
    result = {code: Capacity(code, acting=False) for code in held}
    acting = Acting.objects.filter(user=user, starts_on__lte=on, ends_on__gte=on).values_list(
        "position", flat=True
    )
    for code in acting:
        result.setdefault(code, Capacity(code, acting=True))
    return result


def capacity_for(user, position: str, on: dt.date | None = None) -> Capacity | None:
    return capacities(user, on).get(position)


def is_official(user, on: dt.date | None = None) -> bool:
    """Officials may read every case (decision 11): whoever holds a position or acts for one
    today, and the admin. Someone who has left their position reads no more."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(capacities(user, on))


def holders_of(position: str, on: dt.date | None = None):
    on = on or _today()
    return Holding.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on), position=position, starts_on__lte=on
    ).select_related("user")
