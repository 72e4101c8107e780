"""The satisfaction index (IKM) as PermenPANRB 14/2017 defines it. Plain arithmetic, no Django.

1. Per element, NRR = the mean of its answers (1 to 4).
2. IKM (unit) = Σ NRR × 1/9, each of the nine elements weighing the same.
3. IKM (converted) = IKM (unit) × 25, from 25 to 100, rounded to two decimals.
4. The grade comes from the converted value (the regulation's table):
   88.31–100 A (sangat baik), 76.61–88.30 B (baik), 65.00–76.60 C (kurang baik),
   25.00–64.99 D (tidak baik).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

ELEMENT_COUNT = 9
WEIGHT = Decimal(1) / Decimal(ELEMENT_COUNT)
CONVERSION = Decimal(25)
TWO_PLACES = Decimal("0.01")

# (lowest converted value, grade, performance), best first.
GRADES = (
    (Decimal("88.31"), "A", _("very good")),
    (Decimal("76.61"), "B", _("good")),
    (Decimal("65.00"), "C", _("not quite good")),
    (Decimal("25.00"), "D", _("poor")),
)


@dataclass(frozen=True)
class Index:
    respondents: int
    nrr: tuple[Decimal, ...]  # per element, four decimals
    unit: Decimal  # 1–4, four decimals
    converted: Decimal  # 25–100, two decimals
    grade: str
    performance: str  # lazy: rendered in the reader's language


def grade_of(converted: Decimal) -> tuple[str, str]:
    for lowest, grade, performance in GRADES:
        if converted >= lowest:
            return grade, performance
    return GRADES[-1][1], GRADES[-1][2]


def index(answers: Iterable[Sequence[int]]) -> Index | None:
    """The index over respondents, each a sequence of nine answers; None when there are none."""
    rows = [tuple(row) for row in answers]
    if not rows:
        return None
    for row in rows:
        if len(row) != ELEMENT_COUNT or any(a not in (1, 2, 3, 4) for a in row):
            raise ValueError(f"an answer row must be nine values from 1 to 4, not {row!r}")
    count = Decimal(len(rows))
    nrr = tuple(Decimal(sum(row[i] for row in rows)) / count for i in range(ELEMENT_COUNT))
    unit = sum((value * WEIGHT for value in nrr), Decimal(0))
    converted = (unit * CONVERSION).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    grade, performance = grade_of(converted)
    return Index(
        respondents=len(rows),
        nrr=tuple(v.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) for v in nrr),
        unit=unit.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        converted=converted,
        grade=grade,
        performance=performance,
    )
