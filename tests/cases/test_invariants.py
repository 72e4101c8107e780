"""Random sequences of actions on a few cases keep the case record sound.

A hypothesis state machine plays the officials (and an outsider) doing any action of the SOP,
closures included, with inputs that are sometimes empty or wrong, on fresh and stale copies of
cases, while time moves on. After every step it checks what SP-54 and the record promise:

* a case stands at exactly one step: open => at a case step, waiting on a position of that
  step's role; closed => at no step, with how it closed;
* the trail only grows; its seq runs 1..n without gaps; each record starts where the one before
  ended (same moment, same step); arrived_at <= done_at and done_at never goes backwards;
* a closed case never changes again: its row, trail, responses and supporting information stay
  exactly as they were when it closed;
* a refused action changes nothing at all.

Each run of the machine works inside a savepoint that is rolled back in teardown, so the
personas and cases of one example never leak into the next.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from aspirasi.cases.choices import Channel, RecordKind, Status
from aspirasi.cases.engine import (
    MAX_TEXT,
    ActionInput,
    ActionRefused,
    open_actions,
    perform,
    receive_report,
    report_to_dean,
)
from aspirasi.cases.models import Aspiration, Report, Response, StepRecord, SupportingInfo
from aspirasi.clock.calendar import faculty_calendar
from aspirasi.officials.capacity import capacity_for
from aspirasi.sop.registry import current_sop
from tests.factories import (
    PERSONAS,
    TUESDAY_9,
    act,
    make_case,
    make_official,
    make_user,
    walked,
)

pytestmark = pytest.mark.django_db

PEOPLE = [*PERSONAS, "outsider"]
SOP = current_sop()
ACTION_NAMES = sorted(
    {a.name for s in SOP.steps.values() for a in s.actions} | set(SOP.closures) | {"terbang"}
)
CASE_STEPS = {s.number for s in SOP.case_steps()}
REPORTING_STEPS = SOP.reporting_steps()
# Enough moves to take a case the whole way along the longest path.
MOST_MOVES = len(CASE_STEPS)
# Where a case may be left waiting to begin with: at the step that offers each of these actions
# (the batched report most often), or closed along its path (None).
STOPS = [
    None,
    None,
    "receive",
    "answer",
    "prepare_supporting_info",
    "validate",
    "send_back",
    "escalate",
    "report",
    "report",
    "report",
    "receive_report",
    "respond",
    "deliver",
    "archive",
]


def offers(case: Aspiration, action: str | None) -> bool:
    """Whether the case waits at a step that offers this action."""
    return action is not None and case.step is not None and case.step.action(action) is not None


def along(path: str, step) -> str:
    """The action that takes a case at `step` along path A, B or C: the path's own action,
    else the one that moves forward."""
    actions = step.actions
    own = [a for a in actions if a.path == path]
    forward = [a for a in actions if a.path is None and not a.closes and a.to > step.number]
    return (own or forward or actions)[0].name


# The Dean's desk, where a batched report is received.
RECEIVING_POSITION = next(
    SOP.positions_of_role(s.actor)[0].code
    for s in SOP.steps.values()
    if any(a.receives_report for a in s.actions)
)

# "TOO LONG" stands for a text over the engine's limit (spelt out only when used).
texts = st.sampled_from(["", "   ", "Tanggapan untuk pelanggan.", "TOO LONG"])
reasons = st.sampled_from(["", " ", "Alasannya tertulis.", "TOO LONG"])
vice_deans = st.sampled_from(["", "wd1", "wd2", "wd3", "dekan", "kasubbag", "wd9"])
duplicates = st.sampled_from(["", "self", "other", "ASP-1999-999999", "bukan kode"])
inputs = st.tuples(texts, reasons, vice_deans, duplicates)
good_inputs = st.tuples(
    st.sampled_from(["Tanggapan untuk pelanggan.", "Dukungan informasi lengkap.", "Ya.", ""]),
    st.sampled_from(["Alasannya tertulis.", "Perlu Dekan.", "Bukan wewenang.", ""]),
    st.sampled_from(["wd1", "wd2", "wd3", ""]),
    st.sampled_from(["other", "self"]),
)
# Mostly short waits (minutes to hours), sometimes a weekend or a holiday's worth.
waits = st.one_of(
    st.integers(min_value=0, max_value=180),
    st.integers(min_value=0, max_value=6 * 24 * 60),
)


def case_states(pks: list[int]) -> dict[int, dict]:
    """Everything about the cases that may change: row, trail, responses, supporting info."""
    states = {
        row["id"]: {"row": row, "trail": [], "responses": [], "supporting": []}
        for row in Aspiration.objects.filter(pk__in=pks).values()
    }
    parts = [
        ("trail", StepRecord.objects.order_by("aspiration_id", "seq")),
        ("responses", Response.objects.order_by("aspiration_id", "id")),
        ("supporting", SupportingInfo.objects.order_by("aspiration_id", "round")),
    ]
    for key, query in parts:
        for item in query.filter(aspiration_id__in=pks).values():
            states[item["aspiration_id"]][key].append(item)
    return states


class CaseMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.people = {name: make_official(name, position) for name, position in PERSONAS.items()}
        self.people["outsider"] = make_user("outsider")
        self.now = TUESDAY_9
        self.cases: list[int] = []
        self.stale: dict[int, Aspiration] = {}  # an old in-memory copy of each case
        self.frozen: dict[int, dict] = {}  # state of each case as it closed
        self.calendar = faculty_calendar()
        self.checked: dict[int, dict] = {}  # state of each case when last checked
        self._snapshot: dict | None = None
        self.reports_checked: set[int] = set()  # received reports already checked

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # -----------------------------------------------------------------------------------------
    # Helpers

    def everything(self, *, fresh: bool = False) -> dict:
        """The state of all cases and reports. Every write goes through attempt(), which reads
        it afresh afterwards; until the next write that reading is still the truth."""
        if fresh or self._snapshot is None:
            self._snapshot = {
                "cases": case_states(self.cases),
                "count": Aspiration.objects.count(),
                "reports": list(Report.objects.order_by("id").values()),
            }
        return self._snapshot

    def case(self, index: int, *, stale: bool = False) -> Aspiration:
        pk = self.cases[index % len(self.cases)]
        if stale:
            return self.stale[pk]
        return Aspiration.objects.get(pk=pk)

    def data(self, case: Aspiration, raw: tuple) -> ActionInput:
        text, reason, vice_dean, duplicate = (
            "x" * (MAX_TEXT + 1) if value == "TOO LONG" else value for value in raw
        )
        if duplicate == "self":
            duplicate = case.tracking_code
        elif duplicate == "other":
            others = [pk for pk in self.cases if pk != case.pk]
            duplicate = Aspiration.objects.get(pk=others[0]).tracking_code.lower() if others else ""
        return ActionInput(text=text, reason=reason, vice_dean=vice_dean, duplicate_of=duplicate)

    def attempt(self, call, *args, **kwargs) -> bool:
        """Run an engine call; a refusal must leave everything as it was. True if it went."""
        before = self.everything()
        try:
            call(*args, **kwargs)
        except ActionRefused:
            assert self.everything(fresh=True) == before, "a refused action changed something"
            return False
        after = self.everything(fresh=True)
        assert after["count"] >= before["count"]
        for pk, old in before["cases"].items():
            new = after["cases"][pk]
            # The trail only grows: what was there stays, unchanged, at its place.
            assert new["trail"][: len(old["trail"])] == old["trail"]
            for was, now in zip(old["responses"], new["responses"], strict=False):
                # A draft may be published later (and polished by its own desk before it
                # goes out); a published response never changes.
                if was["published_at"] is None:
                    was = {
                        **was,
                        **{k: now[k] for k in ("published_at", "published_by_id", "delivered_via")},
                    }
                    was["text"] = now["text"]
                assert now == was
            assert len(new["responses"]) >= len(old["responses"])
            assert len(new["supporting"]) >= len(old["supporting"])
            if old["row"]["status"] == Status.CLOSED:
                assert new == old, "a closed case changed"
        return True

    # -----------------------------------------------------------------------------------------
    # Rules

    @initialize(
        plans=st.lists(
            st.tuples(
                st.sampled_from("ABBC"),
                st.sampled_from(STOPS),
                st.sampled_from(["wd1", "wd1", "wd2"]),
                st.integers(0, 300),
            ),
            min_size=1,
            max_size=3,
        )
    )
    def cases_already_on_their_way(self, plans):
        """Start with one to three cases already some way along a path (up to the step that
        offers a given action), so that later steps, batched reports and closed cases are
        reached often."""
        for path, until, vice_dean, minutes in plans:
            case, _ = make_case(now=self.now)
            self.cases.append(case.pk)
            self._snapshot = None
            self.walk(len(self.cases) - 1, path, until, vice_dean, minutes, checked=False)
            self.stale[case.pk] = Aspiration.objects.get(pk=case.pk)

    @precondition(lambda self: len(self.cases) < 3)
    @rule(
        typed_in=st.booleans(),
        who=st.sampled_from(PEOPLE),
        late=st.integers(min_value=0, max_value=3 * 24 * 60),
    )
    def a_new_aspiration_arrives(self, typed_in, who, late):
        """From the website, or typed in by the clerk (paper, phone...) with its real arrival
        time; only the clerk may type one in."""
        created = []

        def enter():
            case, _ = make_case(
                now=self.now,
                channel=Channel.PHONE if typed_in else Channel.WEBSITE,
                entered_by=self.people[who] if typed_in else None,
                arrived_at=self.now - dt.timedelta(minutes=late) if typed_in else None,
            )
            created.append(case.pk)

        went = self.attempt(enter)
        assert went == (not typed_in or who == "clerk")
        if went:
            self.cases.extend(created)
            self._snapshot = None
            self.stale[created[0]] = Aspiration.objects.get(pk=created[0])

    @rule(
        minutes=waits,
        index=st.integers(0, 3),
        who=st.sampled_from(PEOPLE),
        name=st.sampled_from(ACTION_NAMES),
        raw=inputs,
        stale=st.booleans(),
        keep_copy=st.booleans(),
    )
    def anyone_tries_anything(self, minutes, index, who, name, raw, stale, keep_copy):
        """Time passes; someone tries some action, maybe on a copy opened long ago."""
        self.now += dt.timedelta(minutes=minutes)
        case = self.case(index, stale=stale)
        data = self.data(case, raw)
        self.attempt(perform, case, self.people[who], name, data, now=self.now)
        if keep_copy:  # an official opens the case now and acts on it only later
            fresh = self.case(index)
            self.stale[fresh.pk] = fresh

    @rule(
        index=st.integers(0, 3),
        pick=st.integers(0, 50),
        closure=st.integers(0, 3),
        raw=st.one_of(inputs, good_inputs),
    )
    def the_holder_does_an_open_action(self, index, pick, closure, raw):
        """Mostly the SOP's own actions, sometimes a closure; inputs sometimes missing."""
        case = self.case(index)
        choices = [
            (who, action)
            for who in PEOPLE
            for action in open_actions(case, self.people[who], on=self.now.date())
            if (action.kind == RecordKind.CLOSURE) == (closure == 0)
        ]
        if not choices:
            return
        who, action = choices[pick % len(choices)]
        data = self.data(case, raw)
        self.attempt(perform, case, self.people[who], action.name, data, now=self.now)

    @rule(
        index=st.integers(0, 3),
        path=st.sampled_from("ABC"),
        moves=st.integers(1, MOST_MOVES),
        detours=st.dictionaries(st.integers(0, MOST_MOVES - 1), st.integers(0, 50), max_size=2),
        minutes=st.integers(0, 240),
        vice_dean=st.sampled_from(["wd1", "wd1", "wd2", "wd3"]),
        batch=st.booleans(),
    )
    def the_case_goes_along_a_path(self, index, path, moves, detours, minutes, vice_dean, batch):
        """The officials whose turn it is take the case along one of the SOP's paths, now and
        then by a detour (rework, sending back, another path)."""
        self.walk(index, path, "report" if batch else None, vice_dean, minutes, moves, detours)

    def walk(self, index, path, until, vice_dean, minutes, moves=30, detours=None, checked=True):
        """Move a case along a path until it waits where action `until` is open or closes,
        with complete inputs: every move must go through. Unless `checked`, the moves are not
        compared one by one (the invariants still check the whole trail afterwards)."""
        data = ActionInput(
            text="Tanggapan lengkap.", reason="Alasan tertulis.", vice_dean=vice_dean
        )
        for move in range(moves):
            case = self.case(index)
            if case.status == Status.CLOSED or offers(case, until):
                return
            self.now += dt.timedelta(minutes=minutes)
            who = next(w for w, p in PERSONAS.items() if p == case.current_position)
            actions = case.step.actions
            if detours and move in detours:
                name = actions[detours[move] % len(actions)].name
            else:
                name = along(path, case.step)
            if checked:
                went = self.attempt(perform, case, self.people[who], name, data, now=self.now)
                assert went, f"{who} could not {name} at step {case.current_step}"
            else:
                perform(case, self.people[who], name, data, now=self.now)
                self._snapshot = None

    @precondition(lambda self: self.frozen)
    @rule(
        pick=st.integers(0, 3),
        who=st.sampled_from(PEOPLE),
        name=st.sampled_from(ACTION_NAMES),
        raw=good_inputs,
    )
    def someone_acts_on_a_closed_case(self, pick, who, name, raw):
        """Any action on a closed case is refused, even the very action that closed it, by
        the very official who did it ("who" = "outsider" stands for that here)."""
        pk = sorted(self.frozen)[pick % len(self.frozen)]
        case = Aspiration.objects.get(pk=pk)
        user = self.people[who]
        if who == "outsider":
            last = self.frozen[pk]["trail"][-1]
            user = next(p for p in self.people.values() if p.pk == last["actor_id"])
            name = last["action"]
        went = self.attempt(perform, case, user, name, self.data(case, raw), now=self.now)
        assert not went, "an action on a closed case went through"

    def waiting_to_be_reported(self) -> list[Aspiration]:
        return list(
            Aspiration.objects.filter(
                pk__in=self.cases, current_step__in=REPORTING_STEPS, status="open"
            )
        )

    @precondition(lambda self: self.waiting_to_be_reported())
    @rule(
        holder=st.integers(0, 3),
        who=st.sampled_from(PEOPLE),
        extra=st.lists(st.integers(0, 3), max_size=1),  # sometimes a case not waiting for it
        summary=st.sampled_from(["", "Laporan mingguan."]),
    )
    def a_vice_dean_reports_what_waits(self, holder, who, extra, summary):
        """The batched report: the cases waiting on one vice dean's desk in one report, by that
        vice dean (mostly) or someone else, sometimes with other cases thrown in."""
        waiting = self.waiting_to_be_reported()
        desk = waiting[0].current_position
        cases = {c.pk: c for c in waiting if c.current_position == desk}
        for i in extra:  # one fresh copy per case, as the desk builds the list
            case = self.case(i)
            cases.setdefault(case.pk, case)
        if holder:
            who = next(w for w, p in PERSONAS.items() if p == desk)
        self.attempt(
            report_to_dean, list(cases.values()), self.people[who], summary=summary, now=self.now
        )

    @precondition(lambda self: Report.objects.exists())
    @rule(
        pick=st.integers(0, 20),
        who=st.sampled_from([*PEOPLE, "dean", "dean"]),
        waiting_only=st.booleans(),
    )
    def the_dean_receives_a_report(self, pick, who, waiting_only):
        reports = list(Report.objects.order_by("id"))
        waiting = [r for r in reports if r.received_at is None]
        if waiting_only and waiting:
            reports = waiting
        report = reports[pick % len(reports)]
        self.attempt(receive_report, report, self.people[who], now=self.now)

    # -----------------------------------------------------------------------------------------
    # Invariants

    @invariant()
    def every_case_is_sound(self):
        for pk, state in self.everything()["cases"].items():
            if self.checked.get(pk) == state:
                continue  # nothing changed since it was checked last
            self.checked[pk] = state
            row, trail = state["row"], state["trail"]
            event(f"reached step {row['current_step'] or max(r['step'] for r in trail)}")
            self.check_position(row)
            self.check_trail(row, trail)
            self.check_outputs(row, state)
            self.check_who_may_act(pk, row)
            if row["status"] == Status.CLOSED:
                event(f"closed: {row['closure']}")
                frozen = self.frozen.setdefault(pk, state)
                assert state == frozen, "a closed case changed"

    @invariant()
    def a_received_report_was_received_by_the_dean(self):
        received = Report.objects.filter(received_at__isnull=False)
        for report in received.exclude(pk__in=self.reports_checked):
            self.reports_checked.add(report.pk)
            on = report.received_at.date()
            assert capacity_for(report.received_by, RECEIVING_POSITION, on), (
                f"report {report.pk} received by {report.received_by} who is not the Dean"
            )

    def check_position(self, row: dict):
        if row["status"] == Status.OPEN:
            assert row["current_step"] in CASE_STEPS
            assert row["current_position"] != ""
            position = SOP.positions[row["current_position"]]
            step = SOP.step(row["current_step"])
            assert position.role == step.actor
            if len(SOP.positions_of_role(step.actor)) > 1:
                assert row["current_position"] == row["vice_dean_position"]
            assert row["closed_at"] is None and row["closure"] == ""
            assert row["step_arrived_at"] is not None
            standard = step.time.working_seconds(self.calendar.seconds_per_day)
            expected_due = (
                None if standard is None else self.calendar.add(row["step_arrived_at"], standard)
            )
            assert row["step_due_at"] == expected_due
        else:
            assert row["status"] == Status.CLOSED
            assert row["current_step"] is None and row["current_position"] == ""
            assert row["closure"] != "" and row["closed_at"] is not None
            assert row["step_arrived_at"] is None and row["step_due_at"] is None

    def check_trail(self, row: dict, trail: list[dict]):
        assert [r["seq"] for r in trail] == list(range(1, len(trail) + 1))
        assert row["version"] == len(trail)
        moment, step = row["arrived_at"], SOP.entry_step.number
        for record in trail:
            assert record["step"] == step, "a record does not start where the last one ended"
            assert record["arrived_at"] == moment
            assert record["arrived_at"] <= record["done_at"]
            assert record["working_seconds"] == self.calendar.between(
                record["arrived_at"], record["done_at"]
            )
            sop_step = SOP.step(record["step"])
            assert record["standard_seconds"] == sop_step.time.working_seconds(
                self.calendar.seconds_per_day
            )
            if record["kind"] == RecordKind.CLOSURE:
                assert record["next_step"] is None and record["met"] is None
                assert record["action"] in SOP.closures
            else:
                definition = sop_step.action(record["action"])
                assert definition is not None
                expected_next = None if definition.closes else definition.to
                assert record["next_step"] == expected_next
                if record["standard_seconds"] is not None:
                    assert record["met"] == (
                        record["working_seconds"] <= record["standard_seconds"]
                    )
            moment, step = record["done_at"], record["next_step"]
        done = [r["done_at"] for r in trail]
        assert done == sorted(done), "done_at went backwards"
        if row["status"] == Status.OPEN:
            assert row["current_step"] == step
            assert row["step_arrived_at"] == moment
        else:
            assert trail, "a case closed without a record of closing"
            last = trail[-1]
            assert last["next_step"] is None
            assert row["closed_at"] == last["done_at"]
            if last["kind"] == RecordKind.CLOSURE:
                assert row["closure"] == last["action"]
            else:
                assert row["closure"] == SOP.step(last["step"]).action(last["action"]).path

    def check_outputs(self, row: dict, state: dict):
        """What the trail says was done left its outputs: responses written and published,
        one round of supporting information per preparation, verdicts, the duplicate link."""
        trail, responses, rounds = state["trail"], state["responses"], state["supporting"]
        steps_done = [
            (r, SOP.step(r["step"]).action(r["action"])) for r in trail if r["kind"] == "step"
        ]
        written = [r for r, a in steps_done if "response" in a.requires]
        assert [(x["step"], x["written_at"]) for x in responses] == [
            (r["step"], r["done_at"]) for r in written
        ]
        assert all(x["text"].strip() for x in responses)
        published = [r["done_at"] for r, a in steps_done if a.publishes_response]
        assert sorted(x["published_at"] for x in responses if x["published_at"]) == published
        assert row["answered_at"] == (published[0] if published else None)
        prepared = [r for r, a in steps_done if "supporting_info" in a.requires]
        assert [x["round"] for x in rounds] == list(range(1, len(prepared) + 1))
        assert all(x["text"].strip() for x in rounds)
        assert row["validation_round"] == len(rounds)
        verdicts = [a.verdict for r, a in steps_done if a.verdict]
        assert [x["verdict"] for x in rounds if x["verdict"]] == verdicts
        assert (row["duplicate_of_id"] is not None) == (row["closure"] == "duplicate")
        assert row["duplicate_of_id"] != row["id"]

    def check_who_may_act(self, pk: int, row: dict):
        case = Aspiration.objects.get(pk=pk)
        for who in PEOPLE:
            actions = open_actions(case, self.people[who], on=self.now.date())
            if row["status"] == Status.OPEN and PERSONAS.get(who) == row["current_position"]:
                names = {a.name for a in actions}
                assert names == {a.name for a in SOP.step(row["current_step"]).actions} | set(
                    SOP.closures
                )
            else:
                assert actions == []


def test_random_sequences_of_actions_keep_every_case_sound():
    run_state_machine_as_test(
        CaseMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# ---------------------------------------------------------------------------------------------
# Directed cases of the same invariants (both were engine bugs: a report whose cases had all
# closed could be "received" by anyone; the same object listed twice was reported twice)


def _case_waiting_for_the_report():
    """A case WD I answered, waiting to be reported to the Dean, and the moment it got there."""
    case = walked(until="report", vice_dean="wd1", gap=dt.timedelta(minutes=15))
    assert case.current_step in REPORTING_STEPS
    return case, case.step_arrived_at


def test_a_report_whose_cases_all_closed_is_received_by_the_dean_only(officials):
    o = officials
    case, moment = _case_waiting_for_the_report()
    report = report_to_dean([case], o["wd1"], now=moment)
    case.refresh_from_db()
    act(case, "withdrawn", ActionInput(reason="Dicabut pelanggan."), now=moment)  # by the Dean
    with pytest.raises(ActionRefused):
        receive_report(report, o["outsider"], now=moment)
    report.refresh_from_db()
    assert report.received_at is None


def test_a_case_listed_twice_in_a_report_is_reported_once(officials):
    o = officials
    case, moment = _case_waiting_for_the_report()
    with contextlib.suppress(ActionRefused):  # refusing the list outright is fine too
        report_to_dean([case, case], o["wd1"], now=moment)
    steps = list(Aspiration.objects.get(pk=case.pk).trail.values_list("step", flat=True))
    assert all(steps.count(step) <= 1 for step in REPORTING_STEPS)
    assert all(a != b for a, b in zip(steps, steps[1:], strict=False))  # no step twice in a row
