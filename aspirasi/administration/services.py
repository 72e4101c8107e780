"""The office's rules for officials, acting officials (Plh), categories and the calendar.

Cases wait on positions, not on people (decision 11): who sees a case is whoever holds, or acts
for, its position on the day. So appointing, ending and handing over a holding is all it takes to
move the work to someone else; nothing about the cases themselves changes here.

Dates are inclusive, as in aspirasi/officials/capacity.py: a holding with `ends_on` = D still
counts on D. The screens speak of the day someone *leaves* (the first day without the position),
which is one day after `ends_on`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from aspirasi.cases.choices import Status
from aspirasi.cases.engine import vice_dean_choices
from aspirasi.cases.models import Aspiration, Category
from aspirasi.clock.calendar import national_calendar
from aspirasi.clock.models import CalendarDay
from aspirasi.clock.working_time import WorkingCalendar
from aspirasi.officials.models import Acting, Holding
from aspirasi.sop.definition import Position
from aspirasi.sop.registry import current_sop

ONE_DAY = dt.timedelta(days=1)


def today() -> dt.date:
    return timezone.localdate()


def person(user) -> str:
    return user.get_full_name() or user.get_username()


def day_label(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Two inclusive date ranges share a day; an end of None is open."""
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


# ---------------------------------------------------------------------------------------------
# Who may be named by whom


def check_not_self(actor, user) -> dict[str, str]:
    """Nobody but the superuser gives themselves a position or a Plh: a second pair of eyes."""
    if user is not None and actor is not None and user.pk == actor.pk and not actor.is_superuser:
        return {"user": _("You cannot name yourself; ask another administrator.")}
    return {}


# ---------------------------------------------------------------------------------------------
# Holdings


def check_holding(
    user, position: str, starts_on, ends_on, *, exclude_pk: int | None = None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The end date is before the start date.")
        return errors
    if user is None or not position or not starts_on:
        return errors
    same = Holding.objects.filter(user=user, position=position).exclude(pk=exclude_pk)
    for other in same:
        if _overlaps(starts_on, ends_on, other.starts_on, other.ends_on):
            values = {"name": person(user), "start": day_label(other.starts_on)}
            if other.ends_on:
                values["end"] = day_label(other.ends_on)
                message = _("%(name)s already holds this position from %(start)s to %(end)s.")
            else:
                message = _("%(name)s already holds this position since %(start)s.")
            errors["position"] = message % values
            break
    return errors


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def appoint(user, position: str, starts_on: dt.date, *, title: str = "", actor=None) -> Holding:
    _raise(check_not_self(actor, user) | check_holding(user, position, starts_on, None))
    return Holding.objects.create(user=user, position=position, starts_on=starts_on, title=title)


@transaction.atomic
def correct_holding(holding: Holding, *, title: str, starts_on, ends_on, actor=None) -> Holding:
    errors = check_not_self(actor, holding.user) | check_holding(
        holding.user, holding.position, starts_on, ends_on, exclude_pk=holding.pk
    )
    _raise(errors)
    holding.title, holding.starts_on, holding.ends_on = title, starts_on, ends_on
    holding.save(update_fields=["title", "starts_on", "ends_on"])
    return holding


def check_leaving(holding: Holding, leaves_on: dt.date) -> dict[str, str]:
    if leaves_on <= holding.starts_on:
        return {
            "leaves_on": _("The holding began on %(start)s; the day of leaving must come after it.")
            % {"start": day_label(holding.starts_on)}
        }
    return {}


@transaction.atomic
def end_holding(holding: Holding, leaves_on: dt.date) -> Holding:
    """The holder no longer holds the position from `leaves_on` (their last day is the day
    before); the position's cases stop showing in their inbox that day."""
    holding = Holding.objects.select_for_update().get(pk=holding.pk)
    _raise(check_leaving(holding, leaves_on))
    holding.ends_on = leaves_on - ONE_DAY
    holding.save(update_fields=["ends_on"])
    return holding


def check_hand_over(holding: Holding, successor, from_date: dt.date, actor=None) -> dict[str, str]:
    errors = check_leaving(holding, from_date)
    if errors:
        return {"from_date": errors["leaves_on"]}
    if successor is not None and successor.pk == holding.user_id:
        return {"successor": _("The new holder must be someone else.")}
    errors = check_not_self(actor, successor)
    if errors:
        return {"successor": errors["user"]}
    clash = check_holding(successor, holding.position, from_date, None)
    if clash:
        return {"successor": clash["position"]}
    return {}


@transaction.atomic
def hand_over(
    holding: Holding, successor, from_date: dt.date, *, title: str = "", actor=None
) -> Holding:
    """The successor holds the position from `from_date`; the old holder's last day is the day
    before. Cases waiting on the position show in the successor's inbox from that day on."""
    holding = Holding.objects.select_for_update().get(pk=holding.pk)
    _raise(check_hand_over(holding, successor, from_date, actor))
    holding.ends_on = from_date - ONE_DAY
    holding.save(update_fields=["ends_on"])
    return Holding.objects.create(
        user=successor, position=holding.position, starts_on=from_date, title=title
    )


@dataclass
class PositionRow:
    position: Position
    holders: list[Holding] = field(default_factory=list)
    upcoming: list[Holding] = field(default_factory=list)
    actings: list[Acting] = field(default_factory=list)
    waiting: int = 0

    @property
    def unattended(self) -> bool:
        """Nobody holds or acts for the position today: its cases are seen by no one's inbox."""
        return not self.holders and not self.actings


def positions_overview(on: dt.date | None = None) -> list[PositionRow]:
    """Every position of the SOP, in its order, with today's holders and Plh, holders still to
    start, and how many open cases wait on it."""
    on = on or today()
    rows = {code: PositionRow(position) for code, position in current_sop().positions.items()}
    holdings = (
        Holding.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("user")
        .order_by("starts_on", "id")
    )
    for holding in holdings:
        row = rows.get(holding.position)
        if row is not None:
            (row.holders if holding.starts_on <= on else row.upcoming).append(holding)
    for acting in Acting.objects.filter(starts_on__lte=on, ends_on__gte=on).select_related("user"):
        if acting.position in rows:
            rows[acting.position].actings.append(acting)
    waiting = (
        Aspiration.objects.filter(status=Status.OPEN)
        .values("current_position")
        .annotate(n=Count("id"))
    )
    for item in waiting:
        if item["current_position"] in rows:
            rows[item["current_position"]].waiting = item["n"]
    return list(rows.values())


def past_holdings(on: dt.date | None = None, limit: int = 50):
    on = on or today()
    return (
        Holding.objects.filter(ends_on__lt=on)
        .select_related("user")
        .order_by("-ends_on", "-id")[:limit]
    )


# ---------------------------------------------------------------------------------------------
# Acting officials (Plh)


def check_acting(
    user, position: str, starts_on, ends_on, *, exclude_pk: int | None = None, actor=None
) -> dict[str, str]:
    errors: dict[str, str] = dict(check_not_self(actor, user))
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The end date is before the start date.")
    if errors or user is None or not position or not starts_on or not ends_on:
        return errors
    for holding in Holding.objects.filter(user=user, position=position):
        if _overlaps(starts_on, ends_on, holding.starts_on, holding.ends_on):
            errors["position"] = _(
                "%(name)s holds this position in that period and cannot act for it as Plh."
            ) % {"name": person(user)}
            return errors
    others = Acting.objects.filter(user=user, position=position).exclude(pk=exclude_pk)
    for other in others:
        if _overlaps(starts_on, ends_on, other.starts_on, other.ends_on):
            errors["starts_on"] = _(
                "%(name)s already acts for this position from %(start)s to %(end)s."
            ) % {
                "name": person(user),
                "start": day_label(other.starts_on),
                "end": day_label(other.ends_on),
            }
            return errors
    return errors


@transaction.atomic
def save_acting(
    acting: Acting | None, *, user, position: str, starts_on, ends_on, note: str = "", actor=None
) -> Acting:
    """Name a Plh (acting=None) or change one; the same rules as the form's."""
    exclude = acting.pk if acting else None
    _raise(check_acting(user, position, starts_on, ends_on, exclude_pk=exclude, actor=actor))
    acting = acting or Acting()
    acting.user, acting.position, acting.note = user, position, note
    acting.starts_on, acting.ends_on = starts_on, ends_on
    acting.save()
    return acting


def actings_overview(on: dt.date | None = None):
    """Current and coming Plh first (by start), then the ones that ended, newest first."""
    on = on or today()
    base = Acting.objects.select_related("user")
    current = list(base.filter(ends_on__gte=on).order_by("starts_on", "position", "id"))
    past = list(base.filter(ends_on__lt=on).order_by("-ends_on", "-id")[:50])
    return current, past


# ---------------------------------------------------------------------------------------------
# Categories


def suggestion_choices() -> list[tuple[str, str]]:
    """The positions a category may suggest: those a case can be routed to at the vice-dean
    step, as the SOP file in force defines them."""
    return vice_dean_choices()


def categories_overview() -> list[tuple[Category, str]]:
    """Every category with the name of the position it suggests (or its bare code, should the
    SOP in force no longer know it)."""
    names = {code: name for code, name in current_sop_position_names()}
    return [
        (c, names.get(c.suggested_position, c.suggested_position)) for c in Category.objects.all()
    ]


def current_sop_position_names() -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in current_sop().positions.values()]


def check_suggestion(code: str) -> dict[str, str]:
    if code and code not in dict(suggestion_choices()):
        return {"suggested_position": _("Choose one of the vice deans of the SOP.")}
    return {}


# ---------------------------------------------------------------------------------------------
# The faculty calendar


def check_calendar_day(day, kind: str, *, exclude_pk: int | None = None) -> dict[str, str]:
    if not day or not kind:
        return {}
    if CalendarDay.objects.filter(date=day).exclude(pk=exclude_pk).exists():
        return {"date": _("This day is already in the faculty calendar; edit it there.")}
    national = national_calendar()
    working = national.is_working_day(day)
    if kind == CalendarDay.Kind.DAY_OFF and not working:
        reason = national.holiday_name(day)
        if reason:
            return {"date": _("This day is already off: %(reason)s.") % {"reason": reason}}
        return {"date": _("This day is already off: it falls on a weekend.")}
    if kind == CalendarDay.Kind.WORKING_DAY and working:
        return {"date": _("This day is already a working day.")}
    return {}


def calendar_overview(on: dt.date | None = None):
    """The faculty's own days from the start of the year on, and the national holidays of this
    year and the next, for reference."""
    on = on or today()
    days = list(CalendarDay.objects.filter(date__gte=dt.date(on.year, 1, 1)))
    national = national_calendar()
    holidays = [
        (day, national.holiday_name(day))
        for year in (on.year, on.year + 1)
        for day in sorted(_holidays_of(national, year))
        if day >= on
    ]
    return days, holidays


def _holidays_of(calendar: WorkingCalendar, year: int) -> list[dt.date]:
    start = dt.date(year, 1, 1)
    days = (start + dt.timedelta(days=n) for n in range(366))
    return [d for d in days if d.year == year and calendar.holiday_name(d)]
