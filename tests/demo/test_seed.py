import datetime as dt
import io

import pytest
from django.core.management import call_command

from aspirasi.cases.choices import Status
from aspirasi.cases.models import Aspiration
from aspirasi.officials.capacity import capacities
from aspirasi.officials.models import Holding
from aspirasi.sop.registry import current_sop

pytestmark = pytest.mark.django_db


def test_demo_has_one_official_per_position_and_cases_on_every_path():
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Holding.objects.values_list("position", flat=True)) == set(current_sop().positions)
    closures = set(Aspiration.objects.values_list("closure", flat=True))
    assert {"A", "B", "C", "duplicate"} <= closures
    open_steps = set(
        Aspiration.objects.filter(status=Status.OPEN).values_list("current_step", flat=True)
    )
    assert {2, 3, 4, 8, 11, 12, 14, 18} <= open_steps
    # Every case's trail ends where the case stands: its last record leads to the current step.
    for case in Aspiration.objects.all():
        last = case.trail.order_by("-seq").first()
        if last is not None:
            assert last.next_step == case.current_step
        assert case.version == case.trail.count()


def test_demo_plh_acts_for_the_dean_this_week():
    from django.contrib.auth import get_user_model

    call_command("seed_demo", stdout=io.StringIO())
    plh = get_user_model().objects.get(username="plh")
    assert capacities(plh)["dekan"].acting is True
    assert "dekan" not in capacities(plh, dt.date.today() + dt.timedelta(days=30))


def test_seeding_twice_leaves_the_demo_as_it_is():
    call_command("seed_demo", stdout=io.StringIO())
    count = Aspiration.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Aspiration.objects.count() == count
