"""Decision 15: one follow-up per answered case, within 14 days of its closing."""

import datetime as dt

import pytest

from aspirasi.cases.choices import Channel
from aspirasi.cases.clarifications import open_follow_up
from aspirasi.cases.engine import Incomplete
from aspirasi.cases.models import Aspiration
from tests.factories import TUESDAY_9, walked

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("officials")]


def answered():
    """A case the clerk answered directly (path A), so closed with an answer."""
    return walked(path="A", start=TUESDAY_9, texts={"response": "Sudah."})


def test_a_second_follow_up_of_the_same_case_is_refused():
    case = answered()
    later = case.closed_at + dt.timedelta(days=1)
    open_follow_up(case, "Belum beres.", channel=Channel.WEBSITE, now=later)
    stale = Aspiration.objects.get(pk=case.pk)  # a request that read the case before the first

    with pytest.raises(Incomplete):
        open_follow_up(stale, "Masih belum.", channel=Channel.WEBSITE, now=later)
    assert Aspiration.objects.filter(follow_up_of=case).count() == 1


def test_no_follow_up_after_fourteen_days():
    case = answered()
    with pytest.raises(Incomplete):
        open_follow_up(
            case, "Bagaimana?", channel=Channel.WEBSITE, now=case.closed_at + dt.timedelta(days=15)
        )
