"""Every figure of the management review against numbers worked out by hand from the data set
of dataset.py (its docstring lists each case and each working time)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aspirasi.cases.models import Category
from aspirasi.review import attention, figures, satisfaction, steps, trends
from aspirasi.review import period as periods
from aspirasi.review.compliance import sheet
from aspirasi.review.dashboard import review
from aspirasi.review.scope import Filters, reference_sop
from aspirasi.review.steps import Performance, nearest_rank

from .dataset import NOW, REASON

pytestmark = pytest.mark.django_db

DECEMBER = periods.month(2025, 12)
JANUARY = periods.month(2026, 1)
EVERYTHING = Filters()


def counts(rows) -> dict[str, int]:
    return {row.key: row.count for row in rows}


def by_key(rows) -> dict[str, Performance]:
    return {row.name.key: row.performance for row in rows}


# ---------------------------------------------------------------------------------------------
# What came in and how it ended


def test_aspirations_received_by_channel_category_and_customer_type(december):
    intake = figures.received(DECEMBER, EVERYTHING)

    # A1 A2 B1 S F B2 C1 O J: P arrived in November, N in January.
    assert intake.total == 9
    assert counts(intake.by_channel) == {
        "website": 5,  # A1 S F B2 O
        "email": 3,  # B1 C1 J
        "papan_pengumuman": 0,
        "kotak_saran": 0,
        "facebook": 0,
        "leaflet": 0,
        "telepon": 1,  # A2
        "datang_langsung": 0,
    }
    assert counts(intake.by_category) == {
        "akademik": 5,  # A1 B1 F C1 J
        "kemahasiswaan": 1,  # O
        "umum_fasilitas": 2,  # A2 B2
        "keuangan": 0,
        "lainnya": 1,  # S
    }
    by_type = counts(intake.by_customer_type)
    assert by_type["mahasiswa"] == 5 and by_type["dosen"] == 2 and by_type["alumni"] == 1
    assert by_type[""] == 1  # S, anonymous: no type stored
    assert sum(by_type.values()) == 9


def test_how_the_period_s_aspirations_ended_and_the_follow_ups(december):
    outcomes = figures.outcomes(DECEMBER, EVERYTHING, reference_sop(EVERYTHING, NOW))

    assert counts(outcomes.paths) == {"A": 3, "B": 2, "C": 1}  # A1 A2 F · B1 B2 · C1
    assert counts(outcomes.closures) == {
        "spam": 1,
        "duplicate": 0,
        "outside_remit": 0,
        "withdrawn": 0,
    }  # S
    assert outcomes.still_open.count == 2  # O J
    assert outcomes.total == 9
    assert [row.label for row in outcomes.paths][0] == "Alur A: ditanggapi Kasubbag"
    assert figures.follow_ups(DECEMBER, EVERYTHING) == 1  # F, of A1


# ---------------------------------------------------------------------------------------------
# Steps: grouped by key across the two revisions


def test_each_step_passed_within_standard_median_and_p90(december):
    rows = steps.by_step(DECEMBER, EVERYTHING, reference_sop(EVERYTHING, NOW))
    found = by_key(rows)

    # (passed, met, limited, excess, median, p90), worked out in dataset.py's times:
    # receipt: A1 300, A2 1200✗, B1 600, F 600, B2 1200✗, C1 600, O 300 (P's was in November)
    #   sorted 300 300 600 600 600 1200 1200: median rank ⌈3.5⌉=4 → 600, p90 rank ⌈6.3⌉=7 → 1200
    # clerk_response: P 5100, A1 3600, A2 33000✗, B1 600, F 3600, B2 1200, C1 600
    #   sorted 600 600 1200 3600 3600 5100 33000: rank 4 → 3600, rank 7 → 33000
    expected = {
        "receipt": (7, 5, 7, 600 + 600, 600, 1200),
        "clerk_response": (7, 6, 7, 33000 - 30600, 3600, 33000),
        "supporting_info": (4, 4, 4, 0, 600, 1200),  # B1 ×2, B2, C1
        "hand_over": (4, 3, 4, 600, 600, 1200),  # B2 took 1200 of 600
        "kabag_receipt": (4, 3, 4, 600, 600, 1200),
        "validation": (4, 4, 4, 0, 600, 1200),  # B1's failed round and its second one
        "second_validation": (2, 2, 2, 0, 600, 1200),  # only in the 2nd revision: B2, C1
        "forwarding": (3, 2, 3, 600, 600, 1200),  # B1, B2✗, C1: ranks ⌈1.5⌉=2, ⌈2.7⌉=3
        "vice_dean_receipt": (3, 2, 3, 600, 600, 1200),
        "draft_response": (3, 3, 3, 0, 600, 1200),
        "communication": (3, 3, 3, 0, 600, 1200),  # B1, B2, and C1's escalation
        "report_to_dean": (2, 2, 2, 0, 600, 1200),
        "report_receipt": (2, 2, 2, 0, 600, 1200),
        "dean_receipt": (1, 1, 1, 0, 600, 600),
        "dean_response": (1, 1, 1, 0, 600, 600),
        "sent_to_vice_dean": (1, 1, 1, 0, 600, 600),
        "dean_response_received": (1, 1, 1, 0, 600, 600),
        "delivery": (1, 1, 1, 0, 7200, 7200),  # over Christmas and the weekend
        "archiving": (1, 1, 1, 0, 3600, 3600),
    }
    assert {
        key: (p.passed, p.met, p.limited, p.excess, p.median, p.p90) for key, p in found.items()
    } == expected
    assert found["receipt"].within_standard.percent == Decimal("71.4")  # 5/7
    assert found["clerk_response"].within_standard.percent == Decimal("85.7")  # 6/7

    # Numbers and labels are those of the revision in force now (the second), in flow order.
    names = [(row.name.number, row.name.key, row.name.revision) for row in rows]
    assert names[:10] == [
        (2, "receipt", None),
        (3, "clerk_response", None),
        (4, "supporting_info", None),
        (5, "hand_over", None),
        (6, "kabag_receipt", None),
        (7, "validation", None),
        (8, "second_validation", None),
        (9, "forwarding", None),
        (10, "vice_dean_receipt", None),
        (11, "draft_response", None),
    ]
    assert names[-1] == (20, "archiving", None)
    assert rows[6].name.label == "Validasi kedua"


def test_all_steps_together_and_where_most_time_is_lost(december):
    sop = reference_sop(EVERYTHING, NOW)
    # P 1 + A1 2 + A2 2 + B1 16 + F 2 + B2 13 + C1 17 + O 1; S's closure is no step.
    total = steps.overall(DECEMBER, EVERYTHING)
    assert (total.passed, total.met, total.limited) == (54, 47, 54)
    assert total.excess == 600 + 2400 + 600 * 5  # A2 ×2, B2's five 10-minute steps
    assert total.within_standard.percent == Decimal("87.0")  # 47/54

    lost = steps.most_time_lost(steps.by_step(DECEMBER, EVERYTHING, sop))
    assert (lost.name.key, lost.performance.excess) == ("clerk_response", 2400)


def test_closures_outside_the_flow_are_counted_apart(december):
    sop = reference_sop(EVERYTHING, NOW)
    closures = steps.closures_outside_flow(DECEMBER, EVERYTHING, sop)
    assert counts(closures) == {"spam": 1, "duplicate": 0, "outside_remit": 0, "withdrawn": 0}
    # S's closure at the receipt took 1800 s of a 600 s standard: it is no step passed
    # through, and it lowers no share within standard.
    receipt = by_key(steps.by_step(DECEMBER, EVERYTHING, sop))["receipt"]
    assert (receipt.passed, receipt.limited, receipt.excess) == (7, 7, 1200)


def test_each_official_in_the_position_they_acted_in(december, officials):
    rows = steps.by_official(DECEMBER, EVERYTHING, reference_sop(EVERYTHING, NOW))
    found = {
        row.position: (
            row.user_id,
            (row.performance.passed, row.performance.met, row.performance.limited),
            row.performance.median,
            row.performance.p90,
            row.most_time_lost_at.key if row.most_time_lost_at else None,
        )
        for row in rows
    }
    assert found == {
        # receipt 7 + clerk_response 7 + supporting_info 4 + hand_over 4 = 22; of the sorted
        # times 300 ×2, 600 ×11, 1200 ×5, 3600 ×2, 5100, 33000: rank 11 → 600, rank 20 → 3600
        "kasubbag": (officials["clerk"].pk, (22, 18, 22), 600, 3600, "clerk_response"),
        # 4 + 4 + 2 + 3 = 13: 600 ×9, 1200 ×4; 600 lost at step 6 and at step 9: the earlier
        "kabag_tu": (officials["kabag"].pk, (13, 11, 13), 600, 1200, "kabag_receipt"),
        # B1: 4 × 600; C1: 600 ×4, 3600, 7200 → rank 5 → 600, rank 9 → 3600; nothing lost
        "wd1": (officials["wd1"].pk, (10, 10, 10), 600, 3600, None),
        "wd2": (officials["wd2"].pk, (4, 3, 4), 1200, 1200, "vice_dean_receipt"),
        # report receipts 600 (B1), 1200 (B2); C1's 14, 15, 16 at 600
        "dekan": (officials["dean"].pk, (5, 5, 5), 600, 1200, None),
    }
    assert [row.position for row in rows] == ["kasubbag", "kabag_tu", "wd1", "wd2", "dekan"]


# ---------------------------------------------------------------------------------------------
# What needs attention


def test_overdue_now_escalations_and_failed_validations(december, officials):
    sop = reference_sop(EVERYTHING, NOW)
    overdue = attention.overdue_now(EVERYTHING, sop, NOW)
    # O due Tue 30 Dec 09:05, J due Mon 5 Jan 08:00; N is due at 10:05, five minutes ahead.
    assert overdue.total == 2
    assert [(name.key, name.number, n) for name, n in overdue.by_step] == [("clerk_response", 3, 2)]
    assert counts(overdue.by_position) == {"kasubbag": 2}
    assert (
        attention.overdue_now(
            EVERYTHING, sop, dt.datetime(2025, 12, 30, 9, 0, tzinfo=NOW.tzinfo)
        ).total
        == 0
    )

    escalations = attention.escalations(DECEMBER, EVERYTHING, sop)
    assert escalations.total == 1  # C1, by WD I
    assert counts(escalations.by_position) == {"wd1": 1}

    failed = attention.failed_validations(DECEMBER, EVERYTHING, sop)
    assert failed.total == 1
    assert [(name.key, n) for name, n in failed.by_step] == [("validation", 1)]
    (round_,) = failed.rounds
    assert round_.tracking_code == december["B1"].tracking_code
    assert round_.reason == REASON
    assert round_.actor_name == officials["kabag"].get_full_name()
    assert attention.failed_validations(JANUARY, EVERYTHING, sop).total == 0


# ---------------------------------------------------------------------------------------------
# Satisfaction and trends


def test_ikm_per_element_and_the_response_rate(december):
    found = satisfaction.satisfaction(DECEMBER, EVERYTHING)
    # A1 answered 4 everywhere but 3 for time; A2 answered 3 everywhere (C1's is January's).
    assert found.index.respondents == 2
    assert found.index.nrr == tuple(Decimal(v) for v in ["3.5", "3.5", "3.0"] + ["3.5"] * 6)
    # (8 × 3.5 + 3.0) / 9 × 25 = 86.11
    assert (found.index.converted, found.index.grade) == (Decimal("86.11"), "B")
    # Answered in December: P A1 A2 B1 F B2 C1; rated so far: A1 A2 C1.
    assert (found.answered, found.rated) == (7, 3)
    assert found.response_rate.percent == Decimal("42.9")

    january = satisfaction.satisfaction(JANUARY, EVERYTHING)
    assert (january.index.converted, january.answered, january.rated) == (Decimal("100.00"), 0, 0)


def test_month_by_month(december):
    months = trends.monthly(DECEMBER, EVERYTHING)
    assert [m.start for m in months] == [dt.date(2025, n, 1) for n in range(1, 13)]
    table = {m.start.month: (m.received, m.passed, m.met, m.limited) for m in months}
    assert table[11] == (1, 1, 1, 1)  # P and its receipt
    assert table[12] == (9, 54, 47, 54)
    assert all(table[n] == (0, 0, 0, 0) for n in range(1, 11))
    assert months[-1].index.converted == Decimal("86.11") and months[-2].index is None

    # A semester's trend is its six months and the six before, up to twelve.
    second_half = trends.monthly(periods.semester(2025, 2), EVERYTHING)
    assert second_half[0].start == dt.date(2025, 1, 1) and len(second_half) == 12
    year_2026 = {m.start: m for m in trends.monthly(periods.month(2026, 1), EVERYTHING)}
    january = year_2026[dt.date(2026, 1, 1)]
    assert (january.received, january.passed, january.met) == (1, 1, 0)  # N; J's receipt


# ---------------------------------------------------------------------------------------------
# Counting rules and filters


def test_a_step_counts_in_the_period_in_which_it_finished(december):
    january = by_key(steps.by_step(JANUARY, EVERYTHING, reference_sop(EVERYTHING, NOW)))
    # J arrived on 31 December; its receipt finished on 2 January after New Year's Day:
    # Wed 15:00-16:00 and Fri 07:30-08:00.
    assert list(january) == ["receipt"]
    assert (january["receipt"].passed, january["receipt"].met, january["receipt"].median) == (
        1,
        0,
        5400,
    )
    november = by_key(steps.by_step(periods.month(2025, 11), EVERYTHING, reference_sop(EVERYTHING)))
    assert (november["receipt"].passed, november["receipt"].median) == (1, 300)  # P's
    # The custom days of the fourth quarter hold November and December together.
    quarter = steps.overall(periods.custom(dt.date(2025, 10, 1), dt.date(2025, 12, 31)), EVERYTHING)
    assert (quarter.passed, quarter.met) == (55, 48)


def test_filters_by_category_privacy_and_customer_type(december):
    facilities = Filters(category=Category.objects.get(code="umum_fasilitas"))
    assert figures.received(DECEMBER, facilities).total == 2  # A2 B2
    total = steps.overall(DECEMBER, facilities)
    assert (total.passed, total.met) == (15, 8)  # A2: 0 of 2; B2: 8 of 13 (five 10-min steps)

    confidential = Filters(privacy="rahasia")
    assert figures.received(DECEMBER, confidential).total == 1  # B1
    assert steps.overall(DECEMBER, confidential).passed == 16
    assert (
        attention.failed_validations(DECEMBER, confidential, reference_sop(confidential, NOW)).total
        == 1
    )
    assert satisfaction.satisfaction(DECEMBER, confidential).index is None

    lecturers = Filters(customer_type="dosen", channel="website")
    assert figures.received(DECEMBER, lecturers).total == 1  # B2 (A2 came by phone)
    assert (
        attention.overdue_now(
            Filters(category=Category.objects.get(code="akademik")),
            reference_sop(EVERYTHING, NOW),
            NOW,
        ).total
        == 1
    )  # J


def test_filtered_by_revision_steps_are_named_as_that_revision_names_them(december):
    first = Filters(revision=december.first)
    rows = steps.by_step(DECEMBER, first, reference_sop(first, NOW))
    numbered = {row.name.key: row.name.number for row in rows}
    # P 1 + A1 2 + A2 2 + B1 16 + F 2; forwarding is step 8 in the shipped procedure.
    assert sum(row.performance.passed for row in rows) == 23
    assert numbered["forwarding"] == 8 and "second_validation" not in numbered
    assert figures.received(DECEMBER, first).total == 5  # A1 A2 B1 S F

    second = Filters(revision=december.second)
    rows = steps.by_step(DECEMBER, second, reference_sop(second, NOW))
    assert sum(row.performance.passed for row in rows) == 31  # B2 13 + C1 17 + O 1
    assert {row.name.key: row.name.number for row in rows}["forwarding"] == 9
    assert attention.escalations(DECEMBER, second, reference_sop(second, NOW)).total == 1
    assert attention.escalations(DECEMBER, first, reference_sop(first, NOW)).total == 0


def test_a_step_another_revision_lacks_is_named_in_that_revision_s_words(december):
    """Shown in the words of the first revision, the second validation keeps its own."""
    rows = steps.by_step(DECEMBER, EVERYTHING, reference_sop(Filters(revision=december.first)))
    second = next(row for row in rows if row.name.key == "second_validation")
    assert (second.name.number, second.name.revision) == (8, december.second.number)
    assert rows[-1] is second  # after the steps of the revision shown
    assert rows[6].name.key == "forwarding" and rows[6].name.number == 8


# ---------------------------------------------------------------------------------------------
# The compliance sheet


def test_the_compliance_sheet_is_the_sop_table_with_the_performance_beside(december):
    sop = reference_sop(EVERYTHING, NOW)
    found = sheet(sop, steps.by_step(DECEMBER, EVERYTHING, sop))
    assert [row.step.number for row in found.rows] == list(range(1, 21))
    channels = found.rows[0]
    assert channels.step.standing and channels.performance is None
    validation = found.rows[6]
    assert (validation.step.key, validation.actor) == ("validation", "Kabag Tata Usaha")
    assert (validation.step.time.text, validation.step.output_id) == ("1 hari", "Tervalidasi")
    p = validation.performance
    assert (p.passed, p.met, p.limited, p.median, p.p90) == (4, 4, 4, 600, 1200)
    assert (found.rows[7].step.key, found.rows[7].performance.passed) == ("second_validation", 2)
    assert found.elsewhere == []

    first = reference_sop(Filters(revision=december.first))
    in_first_words = sheet(first, steps.by_step(DECEMBER, EVERYTHING, first))
    assert len(in_first_words.rows) == 19
    assert [row.name.key for row in in_first_words.elsewhere] == ["second_validation"]


def test_the_whole_review_of_a_quiet_month_is_empty_but_complete(december):
    quiet = review(periods.month(2025, 6), EVERYTHING, NOW)
    assert quiet.intake.total == 0 and quiet.steps == [] and quiet.most_time_lost is None
    assert quiet.overall.within_standard.percent is None
    assert quiet.satisfaction.index is None and quiet.satisfaction.response_rate.percent is None
    assert all(row.performance in (None, Performance()) for row in quiet.sheet.rows)
    assert quiet.overdue.total == 2  # overdue is now, not in a period


# ---------------------------------------------------------------------------------------------
# Plain rules


@pytest.mark.parametrize(
    ("values", "median", "p90"),
    [
        ([5], 5, 5),
        ([1, 2], 1, 2),  # ⌈1⌉ = 1, ⌈1.8⌉ = 2
        ([1, 2, 3, 4], 2, 4),
        (list(range(1, 11)), 5, 9),  # ⌈5⌉, ⌈9⌉
        (list(range(1, 12)), 6, 10),  # ⌈5.5⌉, ⌈9.9⌉
    ],
)
def test_percentiles_by_nearest_rank(values, median, p90):
    assert (nearest_rank(values, 50), nearest_rank(values, 90)) == (median, p90)


def test_no_values_no_percentile():
    assert nearest_rank([], 50) is None


def test_periods_are_half_open_in_faculty_days():
    assert (periods.semester(2025, 1).start, periods.semester(2025, 1).end) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 7, 1),
    )
    assert periods.semester(2025, 2).end == dt.date(2026, 1, 1)
    assert periods.month(2025, 12).end == dt.date(2026, 1, 1)
    assert periods.year(2025).months()[-1] == dt.date(2025, 12, 1)
    days = periods.custom(dt.date(2025, 12, 24), dt.date(2025, 12, 24))
    assert days.end == dt.date(2025, 12, 25) and days.start_at.utcoffset() == dt.timedelta(hours=8)
    with pytest.raises(ValueError):
        periods.custom(dt.date(2025, 12, 24), dt.date(2025, 12, 23))
