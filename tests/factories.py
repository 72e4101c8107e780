"""Small factories and fixed personas for the tests (customer, clerk, Kabag TU, vice deans, Dean,
an outsider)."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from aspirasi.cases.choices import Channel, Privacy
from aspirasi.cases.engine import ActionInput
from aspirasi.cases.intake import AspirationInput, submit_aspiration
from aspirasi.cases.models import Aspiration, Category
from aspirasi.cases.walking import Walker, walk_case
from aspirasi.officials.models import Acting, Holding
from aspirasi.sop.models import SopRevision
from aspirasi.sop.registry import FIRST_EFFECTIVE, current_sop, forget

WITA = ZoneInfo("Asia/Makassar")
# A Tuesday morning in an ordinary working week.
TUESDAY_9 = dt.datetime(2026, 11, 3, 9, 0, tzinfo=WITA)
_counter = itertools.count(1)

PERSONAS = {
    "clerk": "kasubbag",
    "kabag": "kabag_tu",
    "wd1": "wd1",
    "wd2": "wd2",
    "wd3": "wd3",
    "dean": "dekan",
}


def make_user(username: str, *, first_name: str = "", password: str = "rahasia-demo-123"):
    User = get_user_model()
    user = User.objects.create_user(username=username, password=password, first_name=first_name)
    return user


def make_official(username: str, position: str, *, since: dt.date = dt.date(2020, 1, 1)):
    user = make_user(username, first_name=username.title())
    Holding.objects.create(user=user, position=position, starts_on=since)
    return user


def make_acting(user, position: str, starts_on: dt.date, ends_on: dt.date) -> Acting:
    return Acting.objects.create(user=user, position=position, starts_on=starts_on, ends_on=ends_on)


def category(code: str = "akademik") -> Category:
    return Category.objects.get(code=code)


def make_case(
    *,
    now: dt.datetime = TUESDAY_9,
    channel: str = Channel.WEBSITE,
    privacy: str = Privacy.NORMAL,
    category_code: str = "akademik",
    entered_by=None,
    arrived_at: dt.datetime | None = None,
    **overrides,
) -> tuple[Aspiration, str]:
    n = next(_counter)
    data = {
        "channel": channel,
        "category": category(category_code),
        "subject": f"Pertanyaan nomor {n}",
        "body": "Kapan jadwal ujian susulan diumumkan?",
        "privacy": privacy,
        "customer_name": "Siti Rahma",
        "customer_type": "mahasiswa",
        "customer_email": f"siti{n}@example.ac.id",
        "arrived_at": arrived_at,
    }
    data.update(overrides)
    submitted = submit_aspiration(AspirationInput(**data), entered_by=entered_by, now=now)
    return submitted.aspiration, submitted.secret


def walked(
    *,
    path: str | None = None,
    via=(),
    until=None,
    start: dt.datetime = TUESDAY_9,
    vice_dean: str = "",
    case_options: dict | None = None,
    **walk_options,
) -> Aspiration:
    """A new case, walked along the SOP as `walk_case` does (one working hour an action)."""
    case, _secret = make_case(now=start, **(case_options or {}))
    return walk_case(
        case, path=path, via=via, until=until, start=start, vice_dean=vice_dean, **walk_options
    )


def act(case: Aspiration, name: str, data: ActionInput | None = None, *, by=None, now=None):
    """Do one action on the case at `now` (else a minute after it reached its step) as `by`,
    else whoever holds its desk, filling in what the SOP says the action requires unless
    `data` is given."""
    if now is not None:
        walker = Walker(case, start=now, gap=dt.timedelta(0))
    else:
        walker = Walker(case, gap=dt.timedelta(minutes=1))
    return walker.act(name, data, by=by)


def step_with(action: str, *, sop=None) -> int:
    """The number of the (first) step at which the SOP offers this action."""
    sop = sop or current_sop()
    for step in sop.case_steps():
        if step.action(action) is not None:
            return step.number
    raise LookupError(f"no step of the SOP offers action {action!r}")


def assert_trail_unbroken_to_the_close(case: Aspiration) -> None:
    """The trail walks the SOP without a gap: it starts at the entry step, each record starts
    where the one before led, and the last one closed the case."""
    records = list(case.trail.order_by("seq"))
    assert records[0].step == current_sop().entry_step.number
    for before, after in pairwise(records):
        assert after.step == before.next_step, (before.step, before.action, after.step)
    assert records[-1].next_step is None


def seed_categories() -> None:
    """The categories the data migration makes, again: a transactional test flushes every table,
    so tests that need committed data (live server, threads) put them back themselves."""
    from django.apps import apps as django_apps

    seed = importlib.import_module("aspirasi.cases.migrations.0002_categories")
    seed.create(django_apps, None)


def sop_revision(
    text: str, *, effective_from: dt.datetime | None = None, summary: str = "Perubahan uji."
) -> SopRevision:
    """An approved revision of the SOP with definition `text`, in force from `effective_from`
    (by default just after revision 1, so every case the tests open follows it)."""
    from django.db.models import Max

    number = (SopRevision.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    moment = effective_from or FIRST_EFFECTIVE + dt.timedelta(days=number)
    revision = SopRevision.objects.create(
        number=number,
        state=SopRevision.State.APPROVED,
        source=text,
        summary=summary,
        drafted_at=moment,
        approved_by_name="Dekan (uji)",
        approved_at=moment,
        effective_from=moment,
    )
    forget()
    return revision
