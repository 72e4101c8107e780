"""Finding cases: filters and full-text search, combined, over any queryset of cases.

The trail filters (a step done, by whom, in which position, when, beyond its standard) all ask
one and the same step record: "late at step 9 in March by the Kabag TU" is one step, not three
that each match a part. They are one `EXISTS` on the trail, so no case is listed twice.

The words of a query are analysed exactly as the index was (aspirasi.search.text), so searching
"perbaikan" finds "diperbaiki" and "memperbaiki". Every word must match (AND); the last one may
also match as the beginning of a term, for a word still being typed. Each word is one
`IN (SELECT aspiration_id FROM search_term WHERE term ...)` read from the (term, aspiration)
index: the database never scans the aspirations' text.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from aspirasi.cases.access import readable
from aspirasi.cases.choices import Privacy, RecordKind, Status
from aspirasi.cases.models import Aspiration, Category, StepRecord
from aspirasi.cases.selectors import at_step_key
from aspirasi.officials.capacity import capacities

from .models import SearchTerm
from .text import SPELLINGS, fragment_roots, stem, words

# A prefix shorter than this would read a large part of the index for little meaning.
MIN_PREFIX = 3
# The characters terms are made of, in the order both databases sort them (see next_prefix).
TERM_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class WordMatch:
    """What one query word matches: its stem exactly, or terms that begin with a prefix."""

    exact: str
    prefixes: tuple[str, ...] = ()

    def condition(self) -> Q:
        condition = Q(term=self.exact) if self.exact else Q()
        for prefix in self.prefixes:
            bound = Q(term__gte=prefix)
            upper = next_prefix(prefix)
            if upper:
                bound &= Q(term__lt=upper)
            condition |= bound
        return condition


def next_prefix(prefix: str) -> str:
    """The smallest string after every term that starts with `prefix` ("" when there is none).

    Terms hold only [0-9a-z], which sort the same on SQLite and on PostgreSQL in any collation,
    so `prefix <= term < next_prefix(prefix)` is a b-tree range (LIKE 'x%' would not use the
    index on SQLite) with the same answer on both.
    """
    chars = list(prefix)
    while chars:
        position = TERM_ALPHABET.find(chars[-1])
        if 0 <= position < len(TERM_ALPHABET) - 1:
            chars[-1] = TERM_ALPHABET[position + 1]
            return "".join(chars)
        chars.pop()
    return ""


def parse_query(text: str, *, prefix_last: bool = True) -> list[WordMatch]:
    """The words of a query as index matches; stop words drop out."""
    typed = words(text)
    matches = []
    for index, word in enumerate(typed):
        term = stem(word)
        if not term:
            continue
        if prefix_last and index == len(typed) - 1:
            spelled = SPELLINGS.get(word, word).replace("-", "")
            candidates = [term, spelled]
            if term == spelled:  # no root found: likely a fragment of an affixed word
                candidates += fragment_roots(spelled)
            prefixes = tuple(dict.fromkeys(p for p in candidates if len(p) >= MIN_PREFIX))
            matches.append(WordMatch(term, prefixes))
        else:
            matches.append(WordMatch(term))
    # The same word twice asks nothing more.
    return list(dict.fromkeys(matches))


def matching_text(cases: QuerySet[Aspiration], text: str, *, prefix_last: bool = True):
    """Cases holding every word of the query; no words (or only stop words) match nothing."""
    matches = parse_query(text, prefix_last=prefix_last)
    if not matches:
        return cases.none()
    for match in matches:
        holders = SearchTerm.objects.filter(match.condition()).values("aspiration_id")
        cases = cases.filter(pk__in=holders)
    return cases


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight of a day in the faculty's time zone, so a date range means the same day the
    officials see on their screens, on either database."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


@dataclass(frozen=True)
class CaseFilter:
    """What an official asks of a list of cases; empty fields ask nothing."""

    text: str = ""
    step: str | None = None  # a step's key: the same step in every revision
    category: Category | None = None
    channel: str = ""
    customer_type: str = ""
    arrived_from: dt.date | None = None
    arrived_to: dt.date | None = None
    status: str = ""
    privacy: str = ""
    revision: int | None = None  # an SOP revision's number
    closure: str = ""  # how it ended: a path's code or a closure outside the flow
    overdue: bool = False  # open and past its step's due time now
    # One step record of the trail (a step, not a closure outside the flow) that matches all of:
    trail_step: str | None = None  # its step's key: the same step in every revision
    official: int | None = None  # the user who did it (their primary key)
    position: str = ""  # the position they did it in (a Plh: the position acted for)
    done_from: dt.date | None = None  # finished on or after this faculty day
    done_to: dt.date | None = None  # finished on or before this faculty day
    late: bool = False  # it missed its time standard (a step "as needed" never does)

    @property
    def asks_trail(self) -> bool:
        return bool(
            self.trail_step
            or self.official is not None
            or self.position
            or self.done_from
            or self.done_to
            or self.late
        )

    def trail_record(self) -> Q:
        """The condition on StepRecord of the one record the trail filters ask for."""
        condition = Q(kind=RecordKind.STEP)
        if self.trail_step:
            condition &= Q(step_key=self.trail_step)
        if self.official is not None:
            condition &= Q(actor_id=self.official)
        if self.position:
            condition &= Q(position=self.position)
        if self.done_from is not None:
            condition &= Q(done_at__gte=start_of_day(self.done_from))
        if self.done_to is not None:
            condition &= Q(done_at__lt=start_of_day(self.done_to + dt.timedelta(1)))
        if self.late:
            condition &= Q(met=False, standard_seconds__isnull=False)
        return condition

    @property
    def searches_text(self) -> bool:
        return bool(self.text.strip())

    @property
    def too_common(self) -> bool:
        """Words were typed, but every one is too common to search by."""
        return self.searches_text and not parse_query(self.text)

    def apply(self, cases: QuerySet[Aspiration], *, viewer=None) -> QuerySet[Aspiration]:
        """Narrow `cases`. With `viewer`, the customer-type filter only reveals the type of a
        confidential case to an official who holds or held a step of it (decision 11); without
        it the caller vouches that the viewer holds every case listed (an inbox)."""
        if self.step is not None:
            cases = cases.filter(at_step_key(self.step))
        if self.category is not None:
            cases = cases.filter(category=self.category)
        if self.channel:
            cases = cases.filter(channel=self.channel)
        if self.status in Status.values:
            cases = cases.filter(status=self.status)
        if self.privacy:
            cases = cases.filter(privacy=self.privacy)
        if self.revision is not None:
            cases = cases.filter(revision__number=self.revision)
        if self.closure:
            cases = cases.filter(status=Status.CLOSED, closure=self.closure)
        if self.overdue:
            cases = cases.filter(status=Status.OPEN, step_due_at__lt=timezone.now())
        if self.arrived_from is not None:
            cases = cases.filter(arrived_at__gte=start_of_day(self.arrived_from))
        if self.arrived_to is not None:
            cases = cases.filter(arrived_at__lt=start_of_day(self.arrived_to + dt.timedelta(1)))
        if self.asks_trail:
            records = StepRecord.objects.filter(self.trail_record(), aspiration=OuterRef("pk"))
            cases = cases.filter(Exists(records))
        if self.customer_type:
            cases = cases.filter(customer_type=self.customer_type)
            if viewer is not None:
                cases = cases.filter(_identity_visible_to(viewer))
        if self.searches_text:
            cases = matching_text(cases, self.text)
        return cases


def _identity_visible_to(user) -> Q:
    handled = Exists(StepRecord.objects.filter(aspiration=OuterRef("pk"), actor=user))
    return Q(privacy=Privacy.NORMAL) | Q(current_position__in=list(capacities(user))) | Q(handled)


def search_cases(
    filters: CaseFilter, viewer, *, held: Iterable[str] | None = None
) -> QuerySet[Aspiration]:
    """The cases the viewer may read (decision 11), filtered, the latest arrival first.
    `held`: the viewer's positions today, when the caller already has them."""
    cases = readable(viewer, Aspiration.objects.select_related("category"), held=held)
    return filters.apply(cases, viewer=viewer).order_by("-arrived_at", "-id")


def count_left_out(filters: CaseFilter, viewer, listed: int) -> int | None:
    """How many cases the filters match that the viewer may not read (decision 11), beside the
    `listed` ones they may: the management review's figures count every case, and a figure's
    link to the search says how many of them it leaves out. None when words are searched: how
    many cases someone may not read hold a word would tell of their contents."""
    if filters.searches_text:
        return None
    return filters.apply(Aspiration.objects.all(), viewer=viewer).count() - listed
