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


def test_the_demo_has_one_official_per_position_and_cases_along_every_path():
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Holding.objects.values_list("position", flat=True)) == set(current_sop().positions)
    closures = set(Aspiration.objects.values_list("closure", flat=True))
    assert {"A", "B", "C", "duplicate"} <= closures
    # Open cases wait at steps all along the flow, on every desk: to be received, answered or
    # deferred, given supporting information, validated, drafted by a vice dean, sent or passed
    # to the Dean, answered by the Dean.
    waiting = Aspiration.objects.filter(status=Status.OPEN)
    sop = current_sop()
    offered = {
        action.name
        for number in set(waiting.values_list("current_step", flat=True))
        for action in sop.step(number).actions
    }
    assert {
        "receive",
        "answer",
        "prepare_supporting_info",
        "validate",
        "draft_response",
        "communicate",
        "respond",
    } <= offered
    desks = set(waiting.values_list("current_position", flat=True))
    assert {"kasubbag", "kabag_tu", "dekan"} <= desks and desks & {"wd1", "wd2", "wd3"}
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
