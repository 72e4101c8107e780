"""Who reads which case (decision 11): the one rule that every official's screen, printout, file,
list and warning asks.

An official reads a case when
- it waits at a position they hold or act for today, or passed through one (a step record at
  that position: done by them, their predecessor or a Plh there);
- it waits at a position below one of theirs on the SOP's superior lines, however many lines
  down (the Dean reads what waits at the Kasubbag, below the Kabag TU);
- their role has the SOP capability `reads_every_case`.
The admin (Django superuser) reads every case. A refused read answers 404, as a case that does
not exist does, so the answer gives nothing of the case away; `readable_case_or_404` does that.
Who may see a confidential case's identity is decided on top of this, in identity.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from aspirasi.officials.capabilities import has_capability
from aspirasi.officials.capacity import capacities
from aspirasi.sop.definition import Sop
from aspirasi.sop.registry import current_sop

from .models import Aspiration, Report, StepRecord

# The SOP capabilities this rule reads (roles carry them in the SOP file).
READS_EVERY_CASE = "reads_every_case"
RECEIVES_REPORTS = "receives_reports"


@dataclass(frozen=True)
class Reach:
    """What one official reads on a day: every case, or the cases of some positions."""

    every_case: bool
    held: frozenset[str] = frozenset()  # held or acted for: their cases now and before
    waiting: frozenset[str] = frozenset()  # held and below: the cases waiting there now


EVERYTHING = Reach(every_case=True)
NOTHING = Reach(every_case=False)


def reach(user, on: dt.date | None = None, *, held: Iterable[str] | None = None) -> Reach:
    """`held`: the user's positions on that day, when the caller already has them (a request
    reads them once)."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    positions = frozenset(capacities(user, on) if held is None else held)
    if has_capability(user, READS_EVERY_CASE, set(positions)):
        return EVERYTHING
    return Reach(False, positions, positions | positions_below(positions))


def positions_below(positions: Iterable[str], sop: Sop | None = None) -> frozenset[str]:
    """Every position whose line of superiors leads up to one of `positions`."""
    sop = sop or current_sop()
    tops = set(positions)
    below = set()
    for code in sop.positions:
        seen = {code}
        superior = sop.positions[code].superior
        # `seen` stops a circle of superiors, which the SOP check does not rule out.
        while superior is not None and superior not in seen:
            if superior in tops:
                below.add(code)
                break
            seen.add(superior)
            position = sop.positions.get(superior)
            superior = position.superior if position else None
    return frozenset(below - tops)


def readable_cases(user, on: dt.date | None = None, *, held: Iterable[str] | None = None) -> Q:
    """The condition on Aspiration of the cases the user reads, for one query: the current
    position from the case row, the positions passed through by the trail's index on
    (aspiration, seq)."""
    return cases_within(reach(user, on, held=held))


def cases_within(scope: Reach) -> Q:
    """The condition on Aspiration of the cases within this reach."""
    if scope.every_case:
        return Q()
    if not scope.held:
        return Q(pk__in=[])
    passed = StepRecord.objects.filter(aspiration=OuterRef("pk"), position__in=sorted(scope.held))
    return Q(current_position__in=sorted(scope.waiting)) | Q(Exists(passed))


def of_readable_cases(user, on: dt.date | None = None, *, held: Iterable[str] | None = None) -> Q:
    """The condition on a model whose foreign key `aspiration` names the case (a deadline
    warning): its rows of the cases the user reads. Asked row by row through the case's primary
    key, so a short list never reads the cases it does not show."""
    scope = reach(user, on, held=held)
    if scope.every_case:
        return Q()
    cases = Aspiration.objects.filter(cases_within(scope), pk=OuterRef("aspiration_id"))
    return Q(Exists(cases))


def may_read(
    user, case: Aspiration, on: dt.date | None = None, *, held: Iterable[str] | None = None
) -> bool:
    """Whether the user reads this case: the same rule as readable_cases, asked of one case."""
    scope = reach(user, on, held=held)
    if scope.every_case or case.current_position in scope.waiting:
        return True
    if not scope.held:
        return False
    return case.trail.filter(position__in=scope.held).exists()


def readable(
    user, cases: QuerySet[Aspiration] | None = None, *, held: Iterable[str] | None = None
) -> QuerySet[Aspiration]:
    """`cases` (by default all) narrowed to those the user reads."""
    cases = Aspiration.objects.all() if cases is None else cases
    return cases.filter(readable_cases(user, held=held))


def readable_case_or_404(
    user,
    cases: QuerySet[Aspiration] | None = None,
    *,
    held: Iterable[str] | None = None,
    **lookup,
) -> Aspiration:
    """The case, or 404 when it does not exist or the user may not read it: the two answers
    are the same, so a refused reader learns nothing, not even that the code is in use."""
    return get_object_or_404(readable(user, cases, held=held), **lookup)


def readable_reports(user, on: dt.date | None = None, *, held: Iterable[str] | None = None) -> Q:
    """The condition on Report of the step-12 reports the user reads: the reporting position's
    holders and Plh, the role that receives reports (the Dean) and those who read every case.
    Each reads every case in such a report: its cases passed through the reporting position
    and wait at, or passed through, the receiving one."""
    scope = reach(user, on, held=held)
    if _reads_every_report(user, scope):
        return Q()
    return Q(position__in=sorted(scope.held))


def may_read_report(
    user, report: Report, on: dt.date | None = None, *, held: Iterable[str] | None = None
) -> bool:
    """The same rule as readable_reports, asked of one report."""
    scope = reach(user, on, held=held)
    return _reads_every_report(user, scope) or report.position in scope.held


def _reads_every_report(user, scope: Reach) -> bool:
    return scope.every_case or has_capability(user, RECEIVES_REPORTS, set(scope.held))


def readable_report_or_404(user, *, held: Iterable[str] | None = None, **lookup) -> Report:
    reports = Report.objects.filter(readable_reports(user, held=held))
    return get_object_or_404(reports, **lookup)
