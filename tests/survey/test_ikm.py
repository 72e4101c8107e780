"""The satisfaction index as PermenPANRB 14/2017 computes it: NRR per element, weighted 1/9,
converted ×25, graded A–D by the regulation's table."""

from decimal import Decimal

import pytest
from django.utils import translation

from aspirasi.survey import ikm


def test_all_fours_is_100_and_grade_a():
    index = ikm.index([[4] * 9])

    assert index.converted == Decimal("100.00")
    assert index.unit == Decimal("4.0000")
    assert index.grade == "A"


def test_all_ones_is_25_and_grade_d():
    assert ikm.index([[1] * 9]).converted == Decimal("25.00")
    assert ikm.index([[1] * 9]).grade == "D"


def test_nrr_is_the_mean_per_element_and_ikm_their_weighted_sum():
    rows = [
        [4, 3, 3, 4, 3, 3, 4, 2, 3],
        [3, 3, 2, 4, 3, 4, 4, 3, 3],
        [4, 4, 3, 4, 2, 3, 3, 3, 4],
    ]

    index = ikm.index(rows)

    assert index.respondents == 3
    assert index.nrr[0] == Decimal("3.6667")
    assert index.nrr[3] == Decimal("4.0000")
    # Σ answers = 88 over 27 answers: unit 3.2593, converted 81.48 (B, baik).
    assert index.unit == Decimal("3.2593")
    assert index.converted == Decimal("81.48")
    with translation.override("id"):
        assert (index.grade, str(index.performance)) == ("B", "baik")


@pytest.mark.parametrize(
    ("converted", "grade"),
    [
        ("100.00", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25.00", "D"),
    ],
)
def test_the_grade_bounds_are_the_regulations(converted, grade):
    assert ikm.grade_of(Decimal(converted))[0] == grade


def test_no_respondents_means_no_index():
    assert ikm.index([]) is None


@pytest.mark.parametrize("row", [[4] * 8, [0] + [4] * 8, [5] + [4] * 8])
def test_a_row_that_is_not_nine_answers_from_1_to_4_is_an_error(row):
    with pytest.raises(ValueError):
        ikm.index([row])
