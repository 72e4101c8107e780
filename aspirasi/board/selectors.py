"""What the public board shows: published entries of consenting answered cases."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from aspirasi.cases.models import Aspiration, Category

from .models import BoardEntry


def board_entries(*, query: str = "", category: Category | None = None) -> QuerySet[BoardEntry]:
    """Published entries, newest answer first; `query` matches every word in the summary,
    the answer or the category's name."""
    entries = BoardEntry.objects.filter(
        published=True,
        aspiration__public_consent=True,
        aspiration__answered_at__isnull=False,
    ).select_related("category")
    if category is not None:
        entries = entries.filter(category=category)
    for word in query.split()[:8]:
        entries = entries.filter(
            Q(summary__icontains=word)
            | Q(public_answer__icontains=word)
            | Q(category__name_id__icontains=word)
            | Q(category__name_en__icontains=word)
        )
    return entries.order_by("-answered_at", "-id")


def board_counts(year: int | None = None) -> dict:
    """Simple counts for the board's header: the year's aspirations, how many were answered,
    and the board's entries per category."""
    year = year or timezone.localdate().year
    cases = Aspiration.objects.filter(arrived_at__year=year)
    totals = cases.aggregate(
        received=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False))
    )
    per_category = board_entries().values("category__pk").annotate(n=Count("id")).order_by()
    by_pk = {row["category__pk"]: row["n"] for row in per_category}
    categories = [(c, by_pk.get(c.pk, 0)) for c in Category.objects.all()]
    return {
        "year": year,
        "received": totals["received"],
        "answered": totals["answered"],
        "on_board": sum(by_pk.values()),
        "per_category": categories,
    }
