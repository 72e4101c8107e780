"""Walk a case along the SOP: act as whoever holds its desk, filling in what each action requires.

For the tests and the demo. They say where a case should go (along a path, through an action,
up to the point where an action is open) and never which steps lie between, so they keep
working when the SOP file changes: a step added, a step moved to another role, an action
renamed. The route is the shortest one through the definition's actions.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import replace

from django.utils import timezone

from aspirasi.officials.capacity import holders_of
from aspirasi.officials.models import Acting
from aspirasi.sop.definition import CLOSED, Action, Sop

from .engine import ActionInput, perform, vice_dean_choices
from .models import Aspiration

HOUR = dt.timedelta(hours=1)
# Where to go: an action's name, or a test on the action (see `of_kind`, `with_verdict`).
Waypoint = str | Callable[[Action], bool]


class WalkError(Exception):
    """The walk cannot go where it was asked to: no route, or nobody holds the desk."""


def walk_case(
    case: Aspiration,
    *,
    path: str | None = None,
    via: Iterable[Waypoint] = (),
    until: Waypoint | None = None,
    limit: int | None = None,
    start: dt.datetime | None = None,
    gap: dt.timedelta = HOUR,
    vice_dean: str = "",
    inputs: dict[str, ActionInput] | None = None,
    texts: dict[str, str] | None = None,
) -> Aspiration:
    """Walk the case and return it; see `Walker.to`."""
    walker = Walker(case, start=start, gap=gap, vice_dean=vice_dean, inputs=inputs, texts=texts)
    return walker.to(path=path, via=via, until=until, limit=limit)


class Walker:
    """A case on its way, and the clock it moves by (one `gap` of time per action)."""

    def __init__(
        self,
        case: Aspiration,
        *,
        start: dt.datetime | None = None,
        gap: dt.timedelta = HOUR,
        vice_dean: str = "",
        inputs: dict[str, ActionInput] | None = None,
        texts: dict[str, str] | None = None,
    ):
        """`inputs`: the input of particular actions, by name; `texts`: the text to write
        wherever an action requires one (keys "response", "supporting_info", "reason")."""
        self.case = case
        self.texts = dict(texts or {})
        self.now = start or case.step_arrived_at or timezone.now()
        self.gap = gap
        self.vice_dean = vice_dean
        self.inputs = dict(inputs or {})
        self.done: list[str] = []

    @property
    def sop(self) -> Sop:
        return self.case.sop

    def to(
        self,
        *,
        path: str | None = None,
        via: Iterable[Waypoint] = (),
        until: Waypoint | None = None,
        limit: int | None = None,
    ) -> Aspiration:
        """Do, in order, the actions named in `via` (each by the shortest route to the step
        where it is open); then stop where action `until` is open, or close the case along
        `path` ("A", "B", "C"). `limit` stops after that many actions, wherever that is."""
        if path is not None and path not in self.sop.paths:
            raise WalkError(f"the SOP has no path {path!r} (it has {', '.join(self.sop.paths)})")
        waypoints: list[tuple[Callable[[Action], bool], bool, str]] = [
            (_test(point), True, _goal(point)) for point in via
        ]
        if until is not None:
            waypoints.append((_test(until), False, _goal(until)))
        elif path is not None:
            waypoints.append((_closes_along(path), True, f"the end of path {path}"))
        budget = limit
        for wanted, perform_it, goal in waypoints:
            for action in self._route(wanted, goal):
                last = wanted(action)
                if last and not perform_it:
                    return self.case
                if budget is not None:
                    if budget <= 0:
                        return self.case
                    budget -= 1
                self.act(action.name)
        return self.case

    def act(self, name: str, data: ActionInput | None = None, *, by=None) -> Aspiration:
        """Do one action now, as `by` or whoever holds the case's desk."""
        self.now += self.gap
        user = by or holder_of(self.case, timezone.localdate(self.now))
        data = data or self.inputs.get(name) or self.fill(name)
        self.case = perform(self.case, user, name, data, now=self.now)
        self.done.append(name)
        return self.case

    def fill(self, name: str) -> ActionInput:
        """What the action requires, filled with plain texts that say what they are."""
        step = self.case.step
        action = step.action(name) if step else None
        requires = action.requires if action else self.sop.closures[name].requires
        code, number = self.case.tracking_code, self.case.current_step
        data = ActionInput()
        if "response" in requires:
            text = self.texts.get("response") or f"Tanggapan untuk {code} (langkah {number})."
            data = replace(data, text=text)
        if "supporting_info" in requires:
            text = self.texts.get("supporting_info") or f"Dukungan informasi untuk {code}."
            data = replace(data, text=text)
        if "reason" in requires:
            reason = self.texts.get("reason") or f"Alasan pada langkah {number}."
            data = replace(data, reason=reason)
        if "route" in requires:
            data = replace(data, vice_dean=self._vice_dean())
        return data

    def _vice_dean(self) -> str:
        choices = [code for code, _name in vice_dean_choices(self.sop)]
        for code in (self.vice_dean, self.case.category.suggested_position):
            if code in choices:
                return code
        return choices[0]

    def _route(self, wanted: Callable[[Action], bool], goal: str) -> list[Action]:
        if self.case.current_step is None:
            raise WalkError(f"case {self.case.tracking_code} is closed; it cannot reach {goal}")
        found = route(self.sop, self.case.current_step, wanted)
        if found is None:
            raise WalkError(f"no route from step {self.case.current_step} to {goal}")
        return [action for _number, action in found]


def route(
    sop: Sop, start: int, wanted: Callable[[Action], bool]
) -> list[tuple[int, Action]] | None:
    """The shortest way through the SOP from step `start` up to and including the first action
    that is `wanted`, as (step number, action) pairs; None when there is none."""
    seen, queue = {start}, deque([(start, [])])
    while queue:
        number, so_far = queue.popleft()
        actions = sop.step(number).actions
        for action in actions:
            if wanted(action):
                return [*so_far, (number, action)]
        for action in actions:
            if action.to != CLOSED and action.to not in seen:
                seen.add(action.to)
                queue.append((action.to, [*so_far, (number, action)]))
    return None


def holder_of(case: Aspiration, on: dt.date):
    """Someone who may act at the case's desk that day: a holder, else its acting official."""
    position = case.current_position
    holding = holders_of(position, on).order_by("starts_on", "pk").first()
    if holding is not None:
        return holding.user
    acting = (
        Acting.objects.filter(position=position, starts_on__lte=on, ends_on__gte=on)
        .select_related("user")
        .order_by("starts_on", "pk")
        .first()
    )
    if acting is None:
        raise WalkError(f"nobody holds or acts for position {position!r} on {on}")
    return acting.user


def of_kind(kind: str) -> Callable[[Action], bool]:
    """The action the SOP marks with this kind ("deferral", "escalation", "batch_report"...)."""
    return lambda action: action.kind == kind


def with_verdict(verdict: str) -> Callable[[Action], bool]:
    """The validation action that gives this verdict ("valid", "invalid")."""
    return lambda action: action.verdict == verdict


def _test(point: Waypoint) -> Callable[[Action], bool]:
    if callable(point):
        return point
    return lambda action: action.name == point


def _goal(point: Waypoint) -> str:
    return f"action {point!r}" if isinstance(point, str) else "the action asked for"


def _closes_along(path: str) -> Callable[[Action], bool]:
    return lambda action: action.to == CLOSED and action.path == path
