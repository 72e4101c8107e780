"""Officials acting on the same case at the same moment, and aspirations arriving together.

Real threads on a real database (the SQLite file, or the throwaway PostgreSQL server with
ASPIRASI_TEST_DB=postgres). Each thread loads its own copy of what it acts on, all of them wait
at a barrier, then act at once. The engine's guarded update must let exactly one win; every other
gets CaseMovedOn and leaves no trace: one new line in the trail, nothing written twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection

from aspirasi.cases import engine
from aspirasi.cases.choices import Channel, Status
from aspirasi.cases.engine import (
    ActionInput,
    CaseMovedOn,
    perform,
    receive_report,
    report_to_dean,
)
from aspirasi.cases.intake import AspirationInput, submit_aspiration
from aspirasi.cases.models import (
    Aspiration,
    Report,
    Response,
    StepRecord,
    SupportingInfo,
    TrackingCounter,
)
from aspirasi.cases.walking import Walker
from aspirasi.sop.registry import current_sop
from tests.factories import (
    TUESDAY_9,
    WITA,
    category,
    make_acting,
    make_case,
    make_official,
    seed_categories,
    step_with,
    walked,
)

# Threads need committed data, so these tests run outside a test transaction (and the database
# is emptied after each, categories included: see the `categories` fixture).
pytestmark = pytest.mark.django_db(transaction=True)

T = ActionInput
JOIN_TIMEOUT = 60


# ---------------------------------------------------------------------------------------------
# Racing


@dataclass
class Outcome:
    who: str
    result: object = None
    error: BaseException | None = None


Contender = Callable[[Callable[[], None]], object]


def race(contenders: dict[str, Contender]) -> list[Outcome]:
    """Run each contender in its own thread and release them together.

    A contender loads its own copy of what it needs, calls the `go` it is given (the barrier)
    and then acts; its return value or exception is its outcome.
    """
    barrier = threading.Barrier(len(contenders))
    outcomes = [Outcome(who) for who in contenders]

    def go() -> None:
        barrier.wait(timeout=JOIN_TIMEOUT)

    def run(contender: Contender, outcome: Outcome) -> None:
        try:
            outcome.result = contender(go)
        except BaseException as exc:  # everything goes back to the test, which judges it
            outcome.error = exc
            barrier.abort()  # nobody waits forever for a contender that fell before the start
        finally:
            connection.close()

    threads = [
        # Daemon threads: one stuck in a lock must fail this test, not hang the process's exit.
        threading.Thread(
            target=run, args=(contender, outcome), name=f"race-{outcome.who}", daemon=True
        )
        for contender, outcome in zip(contenders.values(), outcomes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"threads still running after {JOIN_TIMEOUT}s (deadlock?): {stuck}"
    return outcomes


def one_winner(outcomes: list[Outcome]) -> Outcome:
    """Exactly one outcome succeeded; every other is CaseMovedOn (anything else is re-raised)."""
    for outcome in outcomes:
        if outcome.error is not None and not isinstance(outcome.error, CaseMovedOn):
            raise AssertionError(
                f"{outcome.who} failed with {type(outcome.error).__name__} instead of winning "
                f"or getting CaseMovedOn: {outcome.error}"
            ) from outcome.error
    winners = [o for o in outcomes if o.error is None]
    assert len(winners) == 1, f"winners: {[o.who for o in winners]}"
    return winners[0]


def acts(user, action: str, data: ActionInput | None = None, *, pk: int, now: dt.datetime):
    """A contender that performs `action` on its own freshly loaded copy of case `pk`."""

    def contender(go):
        case = Aspiration.objects.get(pk=pk)
        go()
        return perform(case, user, action, data or T(), now=now)

    return contender


@dataclass(frozen=True)
class Footprint:
    """Everything a move writes about a case, to check nothing was written twice."""

    version: int
    trail: int
    responses: int
    supporting: int
    reports: int

    @classmethod
    def of(cls, pk: int) -> Footprint:
        return cls(
            version=Aspiration.objects.get(pk=pk).version,
            trail=StepRecord.objects.filter(aspiration_id=pk).count(),
            responses=Response.objects.filter(aspiration_id=pk).count(),
            supporting=SupportingInfo.objects.filter(aspiration_id=pk).count(),
            reports=Report.objects.count(),
        )


def assert_one_new_record(pk: int, before: Footprint, winner, action: str) -> StepRecord:
    after = Footprint.of(pk)
    assert after.version == before.version + 1
    assert after.trail == before.trail + 1
    record = StepRecord.objects.filter(aspiration_id=pk).order_by("-seq").first()
    assert (record.seq, record.action, record.actor) == (after.version, action, winner)
    seqs = list(StepRecord.objects.filter(aspiration_id=pk).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    return record


# ---------------------------------------------------------------------------------------------
# People: the SOP names two Kasubbags; a position may have several holders, or a Plh


@pytest.fixture(autouse=True)
def categories(transactional_db):
    """The categories the data migration makes, whatever earlier transactional tests flushed.

    (Not serialized_rollback: it depends on the connection object that made the test database
    still being the one in use, which a test before this one may have replaced.)
    """
    seed_categories()


@pytest.fixture
def people(transactional_db):
    return {
        "clerk_a": make_official("kasubbag_a", "kasubbag"),
        "clerk_b": make_official("kasubbag_b", "kasubbag"),
        "kabag": make_official("kabag", "kabag_tu"),
        "wd1_a": make_official("wd1_a", "wd1"),
        "wd1_b": make_official("wd1_b", "wd1"),
        "dean": make_official("dekan", "dekan"),
        "plh_dean": make_acting(
            make_official("wd2", "wd2"), "dekan", dt.date(2026, 11, 1), dt.date(2026, 11, 30)
        ).user,
    }


def waiting_for_the_report(*, start=TUESDAY_9):
    """A case answered by WD I and waiting for the report to the Dean (walked by the first
    holder of each desk: Kasubbag A, WD I A)."""
    return walked(until="report", vice_dean="wd1", start=start)


# ---------------------------------------------------------------------------------------------
# Two officials, one case


def test_two_clerks_race_at_every_step_of_their_stretch(people):
    """Both Kasubbags do each step of theirs at the same moment, taking the case on towards the
    Kabag TU (the action that does not close it); each time exactly one wins."""
    a, b = people["clerk_a"], people["clerk_b"]
    case, _ = make_case()
    moment = TUESDAY_9
    raced = []
    while case.current_position == "kasubbag":
        action = next(x.name for x in case.step.actions if not x.closes)
        raced.append(action)
        assert len(raced) < 20, "the case never leaves the clerks' desk"
        data = {
            who: Walker(case, texts={"supporting_info": f"Dukungan dari {who}."}).fill(action)
            for who in ("A", "B")
        }
        moment += dt.timedelta(minutes=5)
        before = Footprint.of(case.pk)
        outcomes = race(
            {
                "clerk_a": acts(a, action, data["A"], pk=case.pk, now=moment),
                "clerk_b": acts(b, action, data["B"], pk=case.pk, now=moment),
            }
        )
        winner = one_winner(outcomes)
        user = a if winner.who == "clerk_a" else b
        assert_one_new_record(case.pk, before, user, action)
        assert winner.result.version == before.version + 1
        case.refresh_from_db()
    assert "prepare_supporting_info" in raced and raced[-1] == "hand_over"
    hand_over = current_sop().step(step_with("hand_over")).action("hand_over")
    assert (case.current_step, case.current_position) == (hand_over.to, "kabag_tu")
    assert case.trail.count() == len(raced)
    info = SupportingInfo.objects.get(aspiration=case)  # one round, not two
    assert info.round == 1 == case.validation_round
    assert info.text in ("Dukungan dari A.", "Dukungan dari B.")
    assert info.prepared_by == case.trail.get(step=step_with("prepare_supporting_info")).actor


def test_two_clerks_answer_at_once_and_one_answer_goes_out(people):
    a, b = people["clerk_a"], people["clerk_b"]
    case = walked(until="answer")
    before = Footprint.of(case.pk)
    moment = case.step_arrived_at + dt.timedelta(minutes=30)
    texts = {"clerk_a": "Jawaban dari A.", "clerk_b": "Jawaban dari B."}
    winner = one_winner(
        race(
            {
                "clerk_a": acts(a, "answer", T(text=texts["clerk_a"]), pk=case.pk, now=moment),
                "clerk_b": acts(b, "answer", T(text=texts["clerk_b"]), pk=case.pk, now=moment),
            }
        )
    )
    user = a if winner.who == "clerk_a" else b
    assert_one_new_record(case.pk, before, user, "answer")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closure == "A"
    response = Response.objects.get(aspiration=case)
    assert (response.text, response.author, response.published_by) == (
        texts[winner.who],
        user,
        user,
    )


def test_an_answer_and_a_spam_closure_at_once(people):
    """Two different actions on the same step: one wins, the case is exactly what it did."""
    a, b = people["clerk_a"], people["clerk_b"]
    case = walked(until="answer")
    before = Footprint.of(case.pk)
    moment = case.step_arrived_at + dt.timedelta(minutes=30)
    winner = one_winner(
        race(
            {
                "answer": acts(a, "answer", T(text="Sudah dijawab."), pk=case.pk, now=moment),
                "spam": acts(b, "spam", T(reason="Iklan."), pk=case.pk, now=moment),
            }
        )
    )
    user = a if winner.who == "answer" else b
    assert_one_new_record(case.pk, before, user, winner.who)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    if winner.who == "answer":
        assert case.closure == "A"
        assert Response.objects.filter(aspiration=case).count() == 1
    else:
        assert case.closure == "spam"
        assert not Response.objects.filter(aspiration=case).exists()


def test_many_clerks_at_once_still_one_winner(people):
    clerks = {"clerk_a": people["clerk_a"], "clerk_b": people["clerk_b"]}
    for n in range(3):
        clerks[f"clerk_{n}"] = make_official(f"kasubbag_{n}", "kasubbag")
    case, _ = make_case()
    before = Footprint.of(case.pk)
    moment = TUESDAY_9 + dt.timedelta(minutes=5)
    winner = one_winner(
        race({who: acts(user, "receive", pk=case.pk, now=moment) for who, user in clerks.items()})
    )
    assert_one_new_record(case.pk, before, clerks[winner.who], "receive")


def test_two_vice_deans_report_the_same_case_and_one_report_remains(people):
    a, b = people["wd1_a"], people["wd1_b"]
    case = waiting_for_the_report()
    before = Footprint.of(case.pk)
    moment = TUESDAY_9 + dt.timedelta(days=1)

    def reports(user, summary):
        def contender(go):
            mine = Aspiration.objects.get(pk=case.pk)
            go()
            return report_to_dean([mine], user, summary=summary, now=moment)

        return contender

    winner = one_winner(
        race({"wd1_a": reports(a, "Laporan A."), "wd1_b": reports(b, "Laporan B.")})
    )
    user = a if winner.who == "wd1_a" else b
    record = assert_one_new_record(case.pk, before, user, "report")
    report = Report.objects.get()  # the loser's report went with its transaction
    assert report == winner.result and report.author == user
    case.refresh_from_db()
    assert (case.current_step, case.report) == (step_with("receive_report"), report)
    assert record.next_step == step_with("receive_report")


def test_dean_and_plh_receive_the_same_report_at_once(people):
    cases = [
        waiting_for_the_report(),
        waiting_for_the_report(start=TUESDAY_9 + dt.timedelta(minutes=1)),
    ]
    report = report_to_dean(cases, people["wd1_a"], now=TUESDAY_9 + dt.timedelta(days=1))
    before = {c.pk: Footprint.of(c.pk) for c in cases}
    moment = TUESDAY_9 + dt.timedelta(days=2)

    def receives(user):
        def contender(go):
            mine = Report.objects.get(pk=report.pk)
            go()
            return receive_report(mine, user, now=moment)

        return contender

    winner = one_winner(
        race({"dean": receives(people["dean"]), "plh_dean": receives(people["plh_dean"])})
    )
    user = people[winner.who]
    report.refresh_from_db()
    assert report.received_by == user
    for case in cases:
        record = assert_one_new_record(case.pk, before[case.pk], user, "receive_report")
        assert record.acting_for == ("dekan" if winner.who == "plh_dean" else "")
        case.refresh_from_db()
        assert case.status == Status.CLOSED and case.closure == "B"


def test_two_vice_deans_report_the_same_cases_in_opposite_order(people, monkeypatch):
    """Each has locked its first case when it goes for its second: one must still win.

    The interleaving is forced: after its first move each contender waits (briefly) until the
    other has made its first move too. An engine that takes the cases in a fixed order makes the
    second contender queue behind the first before that, and the wait just times out.
    """
    a, b = people["wd1_a"], people["wd1_b"]
    first = waiting_for_the_report()
    second = waiting_for_the_report(start=TUESDAY_9 + dt.timedelta(minutes=1))
    before = {c.pk: Footprint.of(c.pk) for c in (first, second)}
    moment = TUESDAY_9 + dt.timedelta(days=1)

    halfway = threading.Barrier(2)
    moves = threading.local()
    real_move = engine._move

    def move_then_wait_for_the_other(*args, **kwargs):
        real_move(*args, **kwargs)
        moves.done = getattr(moves, "done", 0) + 1
        if moves.done == 1:
            # Broken after the timeout: the other one queues behind us, nothing to interleave.
            with contextlib.suppress(threading.BrokenBarrierError):
                halfway.wait(timeout=2)

    monkeypatch.setattr(engine, "_move", move_then_wait_for_the_other)

    def reports(user, order):
        def contender(go):
            mine = [Aspiration.objects.get(pk=c.pk) for c in order]
            go()
            return report_to_dean(mine, user, now=moment)

        return contender

    winner = one_winner(
        race({"wd1_a": reports(a, [first, second]), "wd1_b": reports(b, [second, first])})
    )
    user = a if winner.who == "wd1_a" else b
    for case in (first, second):
        assert_one_new_record(case.pk, before[case.pk], user, "report")
    assert Report.objects.get() == winner.result


# ---------------------------------------------------------------------------------------------
# Intakes arriving together


def intake(n: int, *, now: dt.datetime, clerk=None):
    """A contender that submits aspiration n: by the website, or typed in by `clerk`."""

    def contender(go):
        data = AspirationInput(
            channel=Channel.PHONE if clerk else Channel.WEBSITE,
            category=category(),
            subject=f"Aspirasi serentak {n}",
            body="Mohon informasi jadwal wisuda.",
            customer_name="Budi",
            customer_email=f"budi{n}@example.ac.id",
        )
        go()
        return submit_aspiration(data, entered_by=clerk, now=now)

    return contender


@pytest.mark.parametrize(
    "now",
    [
        pytest.param(TUESDAY_9, id="counter-exists"),
        # The year's first aspirations: the counter row itself is created by the race.
        pytest.param(dt.datetime(2027, 1, 5, 9, 0, tzinfo=WITA), id="first-of-the-year"),
    ],
)
def test_concurrent_intakes_get_distinct_codes_without_gaps(people, now):
    year = now.year
    if now == TUESDAY_9:
        make_case(now=now)
    start = TrackingCounter.objects.filter(year=year).values_list("last", flat=True).first() or 0
    assert (start > 0) == (now == TUESDAY_9)
    clerks = [people["clerk_a"], people["clerk_b"], None, None]
    contenders = {f"intake-{n}": intake(n, now=now, clerk=clerks[n % 4]) for n in range(8)}
    outcomes = race(contenders)
    for outcome in outcomes:
        if outcome.error is not None:
            raise AssertionError(f"{outcome.who} failed: {outcome.error!r}") from outcome.error
    codes = sorted(outcome.result.aspiration.tracking_code for outcome in outcomes)
    assert codes == [f"ASP-{year}-{n:06d}" for n in range(start + 1, start + 9)]
    assert TrackingCounter.objects.get(year=year).last == start + 8
    created = Aspiration.objects.filter(tracking_code__in=codes)
    assert created.count() == 8
    # The clerk-typed ones completed step 2 in the same transaction, once each.
    typed = created.filter(channel=Channel.PHONE)
    assert typed.count() == 4
    assert StepRecord.objects.filter(aspiration__in=typed).count() == 4
    received = current_sop().entry_step.action("receive").to
    assert set(typed.values_list("current_step", flat=True)) == {received}
