"""The fixed data set the review's figures are checked against (tests/review/test_figures.py).

December 2025, walked along the SOP at chosen moments, so every working time is known by hand:
- two SOP revisions: the shipped procedure in force from 1 January 2025, and the one with a
  second validation (steps 8..19 become 9..20) from Monday 15 December 2025;
- working time crosses a weekend (P: Friday → Monday) and Indonesian holidays (C1: Christmas,
  Thursday 25 December, and cuti bersama, Friday 26 December; J: New Year's Day);
- path A (P, A1, A2, F), B with a failed validation (B1), B (B2), C with an escalation (C1),
  a closure outside the flow (S), a follow-up (F of A1), overdue open cases (O, J) and one not
  yet overdue (N); three surveys (A1, A2 in December, C1 in January).

Case by case (WITA; revision "1st" = shipped, "2nd" = second validation; times of each record
are working seconds, the standard in brackets):

P   1st  website  akademik        mahasiswa  arrived Fri 28 Nov 15:00
         receipt 300 [600] (Nov) · clerk_response Fri 15:05 → Mon 1 Dec 08:00 = 55+30 min = 5100
A1  1st  website  akademik        mahasiswa  Tue 2 Dec 09:00; receipt 300 · clerk_response 3600
A2  1st  phone    umum_fasilitas  dosen      arrived Wed 3 Dec 09:00, typed in 09:20: receipt 1200
         · clerk_response Wed 09:20 → Thu 10:00 = 6h40 + 2h30 = 33000 [30600]
B1  1st  email    akademik        mahasiswa  rahasia, Mon 8 Dec 09:00, one action every 10 min:
         16 records of 600 (a failed validation, then path B)
S   1st  website  lainnya         (anonim)   Thu 11 Dec 10:00, closed as spam at 10:30
F   1st  website  akademik        mahasiswa  follow-up of A1, Fri 12 Dec 09:00: receipt 600,
         clerk_response 3600
B2  2nd  website  umum_fasilitas  dosen      Tue 16 Dec 09:00, one action every 20 min:
         13 records of 1200 (path B through the second validation)
C1  2nd  email    akademik        mahasiswa  Wed 24 Dec 12:30, one action every 10 min up to
         delivery: 15 records of 600; delivery Wed 15:00 → Mon 29 Dec 08:30 = 1h + 1h = 7200;
         archiving 3600
O   2nd  website  kemahasiswaan   alumni     Mon 29 Dec 09:00, receipt 300; open at step 3,
         due Tue 30 Dec 09:05
J   2nd  email    akademik        mahasiswa  Wed 31 Dec 15:00, receipt Fri 2 Jan 08:00 = 1h + 30
         min = 5400 (January); open at step 3, due Mon 5 Jan 08:00
N   2nd  website  akademik        mahasiswa  Mon 5 Jan 09:55, open at step 2, due 10:05

Now is Monday 5 January 2026 10:00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aspirasi.cases.choices import Channel, Privacy
from aspirasi.cases.clarifications import open_follow_up
from aspirasi.cases.models import Aspiration
from aspirasi.cases.walking import Walker, walk_case, with_verdict
from aspirasi.sop.models import SopRevision
from aspirasi.survey.services import survey_submit
from tests.factories import make_case, sop_revision
from tests.sop_variants import REAL_TEXT, with_second_validation

WITA = ZoneInfo("Asia/Makassar")
NOW = dt.datetime(2026, 1, 5, 10, 0, tzinfo=WITA)
SECOND_FROM = dt.datetime(2025, 12, 15, tzinfo=WITA)
REASON = "Lampiran jadwal tidak sesuai dengan aspirasi."


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2025) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=WITA)


def dec(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return at(12, day, hour, minute)


@dataclass
class DataSet:
    first: SopRevision
    second: SopRevision
    cases: dict[str, Aspiration]

    def __getitem__(self, name: str) -> Aspiration:
        return self.cases[name]


def one_action(case: Aspiration, moment: dt.datetime, path: str = "A", **options) -> Aspiration:
    """The next action on the way along `path`, done exactly at `moment`."""
    walker = Walker(case, start=moment, gap=dt.timedelta(0), **options)
    return walker.to(path=path, limit=1)


def answers(value: int, **other: int) -> dict[str, int]:
    return {f"u{n}": other.get(f"u{n}", value) for n in range(1, 10)}


def build(officials) -> DataSet:
    first = sop_revision(REAL_TEXT, effective_from=dt.datetime(2025, 1, 1, tzinfo=WITA))
    second = sop_revision(with_second_validation(), effective_from=SECOND_FROM)
    cases: dict[str, Aspiration] = {}
    student = {"customer_type": "mahasiswa"}

    p, _ = make_case(now=at(11, 28, 15), **student)
    p = one_action(p, at(11, 28, 15, 5))
    cases["P"] = one_action(p, dec(1, 8))

    a1, _ = make_case(now=dec(2, 9), **student)
    cases["A1"] = one_action(one_action(a1, dec(2, 9, 5)), dec(2, 10, 5))
    survey_submit(case=cases["A1"], answers=answers(4, u3=3), now=dec(3, 10))

    a2, _ = make_case(
        channel=Channel.PHONE,
        category_code="umum_fasilitas",
        customer_type="dosen",
        entered_by=officials["clerk"],
        arrived_at=dec(3, 9),
        now=dec(3, 9, 20),
    )
    cases["A2"] = one_action(a2, dec(4, 10))
    survey_submit(case=cases["A2"], answers=answers(3), now=dec(5, 10))

    b1, _ = make_case(now=dec(8, 9), channel=Channel.EMAIL, privacy=Privacy.CONFIDENTIAL, **student)
    cases["B1"] = walk_case(
        b1,
        via=[with_verdict("invalid")],
        path="B",
        start=dec(8, 9),
        gap=dt.timedelta(minutes=10),
        texts={"reason": REASON},
    )

    s, _ = make_case(now=dec(11, 10), category_code="lainnya", privacy=Privacy.ANONYMOUS)
    spam = next(c.name for c in s.sop.closures.values() if c.requires == {"reason"})
    cases["S"] = Walker(s, start=dec(11, 10, 30), gap=dt.timedelta(0)).act(spam)

    f = open_follow_up(
        cases["A1"], "Jadwalnya masih belum jelas.", channel=Channel.WEBSITE, now=dec(12, 9)
    ).aspiration
    cases["F"] = one_action(one_action(f, dec(12, 9, 10)), dec(12, 10, 10))

    b2, _ = make_case(now=dec(16, 9), category_code="umum_fasilitas", customer_type="dosen")
    cases["B2"] = walk_case(b2, path="B", start=dec(16, 9), gap=dt.timedelta(minutes=20))

    c1, _ = make_case(now=dec(24, 12, 30), channel=Channel.EMAIL, **student)
    c1 = walk_case(c1, path="C", limit=15, start=dec(24, 12, 30), gap=dt.timedelta(minutes=10))
    c1 = one_action(c1, dec(29, 8, 30), path="C")
    cases["C1"] = one_action(c1, dec(29, 9, 30), path="C")
    survey_submit(case=cases["C1"], answers=answers(4), now=at(1, 2, 10, year=2026))

    o, _ = make_case(now=dec(29, 9), category_code="kemahasiswaan", customer_type="alumni")
    cases["O"] = one_action(o, dec(29, 9, 5))

    j, _ = make_case(now=dec(31, 15), channel=Channel.EMAIL, **student)
    cases["J"] = one_action(j, at(1, 2, 8, year=2026))

    cases["N"], _ = make_case(now=at(1, 5, 9, 55, year=2026), **student)
    return DataSet(first, second, cases)
