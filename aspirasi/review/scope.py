"""What a review looks at: the filters (category, channel, customer type, privacy level, SOP
revision) as conditions on cases and on the rows that hang off a case, and the revision whose
words (step numbers and labels, paths, closures) the figures are shown in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from aspirasi.cases.models import Category
from aspirasi.sop.definition import Sop
from aspirasi.sop.models import SopRevision
from aspirasi.sop.registry import approved_revisions, current_sop, sop_of_revision


@dataclass(frozen=True)
class Filters:
    """Empty fields ask nothing."""

    category: Category | None = None
    channel: str = ""
    customer_type: str = ""
    privacy: str = ""
    revision: SopRevision | None = None

    def on_cases(self, via: str = "") -> Q:
        """The condition on Aspiration, or through the foreign key `via` ("aspiration") on a
        row of a case (a step record, a survey)."""
        prefix = f"{via}__" if via else ""
        asked = {
            "category": self.category,
            "channel": self.channel,
            "customer_type": self.customer_type,
            "privacy": self.privacy,
            "revision": self.revision,
        }
        return Q(**{f"{prefix}{name}": value for name, value in asked.items() if value})

    def search_params(self) -> dict[str, str]:
        """The same filters as the archive search's query parameters (aspirasi/search)."""
        params = {
            "category": self.category.code if self.category else "",
            "channel": self.channel,
            "customer_type": self.customer_type,
            "privacy": self.privacy,
            "revision": str(self.revision.number) if self.revision else "",
        }
        return {name: value for name, value in params.items() if value}


def reference_sop(filters: Filters, now: dt.datetime | None = None) -> Sop:
    """The revision whose words the figures use: the one asked for, else the one in force."""
    if filters.revision is not None:
        return sop_of_revision(filters.revision.pk)
    return current_sop(now)


def newest_first() -> list[Sop]:
    """Every approved revision, the newest in force first: where a step, path or closure is
    not in the reference revision, its words come from the newest revision that has it."""
    return [sop_of_revision(pk) for pk in reversed(approved_revisions())]


def revision_scope(filters: Filters) -> list[tuple[int, Sop]]:
    """(primary key, definition) of the revisions whose cases the figures count."""
    pks = [filters.revision.pk] if filters.revision else approved_revisions()
    return [(pk, sop_of_revision(pk)) for pk in pks]
