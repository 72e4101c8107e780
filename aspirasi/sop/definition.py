"""Load and check the declarative SOP file.

The SOP file (sp54.toml) is the one source of truth about steps, roles, positions, time
standards, outputs and the way steps follow each other. This module turns it into frozen
dataclasses and refuses a file that could not run: every error names the step (or role,
position) and the field at fault.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django.utils.translation import get_language

CLOSED = "closed"
KNOWN_REQUIREMENTS = frozenset(
    {
        "response",
        "supporting_info",
        "has_supporting_info",
        "reason",
        "vice_dean",
        "duplicate_of",
    }
)
_TIME_RE = re.compile(r"^(?P<amount>[1-9][0-9]*) (?P<unit>menit|jam|hari)$")
_UNIT_MINUTES = {"menit": 1, "jam": 60}
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class SopDefinitionError(ValueError):
    """The SOP file cannot be used; the message names the place and the field at fault."""


def _bilingual(item_id: str, item_en: str) -> str:
    return item_en if (get_language() or "id").startswith("en") else item_id


@dataclass(frozen=True)
class TimeStandard:
    """A step's time standard, in working time. `None` seconds means 'disesuaikan' (no limit)."""

    text: str
    working_seconds: int | None

    @property
    def is_limited(self) -> bool:
        return self.working_seconds is not None


def parse_time_standard(text: str, working_day_hours: float) -> TimeStandard:
    if not isinstance(text, str):
        raise ValueError("must be text such as '10 menit', '1 hari' or 'disesuaikan'")
    if text == "disesuaikan":
        return TimeStandard(text, None)
    match = _TIME_RE.match(text)
    if not match:
        raise ValueError(
            f"{text!r} is not a time standard; write '<n> menit', '<n> jam', '<n> hari' "
            "or 'disesuaikan'"
        )
    amount, unit = int(match["amount"]), match["unit"]
    if unit == "hari":
        seconds = round(amount * working_day_hours * 3600)
    else:
        seconds = amount * _UNIT_MINUTES[unit] * 60
    return TimeStandard(text, seconds)


@dataclass(frozen=True)
class Role:
    code: str
    name_id: str
    name_en: str

    @property
    def name(self) -> str:
        return _bilingual(self.name_id, self.name_en)


@dataclass(frozen=True)
class Position:
    code: str
    role: str
    name_id: str
    name_en: str
    superior: str | None

    @property
    def name(self) -> str:
        return _bilingual(self.name_id, self.name_en)


@dataclass(frozen=True)
class Action:
    name: str
    label_id: str
    label_en: str
    to: int | str  # a step number or CLOSED
    requires: frozenset[str] = frozenset()
    path: str | None = None
    publishes_response: bool = False
    uses_response_of: int | None = None
    verdict: str | None = None
    unroute: bool = False
    creates_report: bool = False
    receives_report: bool = False

    @property
    def label(self) -> str:
        return _bilingual(self.label_id, self.label_en)

    @property
    def closes(self) -> bool:
        return self.to == CLOSED


@dataclass(frozen=True)
class Closure:
    """A way to close a case outside the flow (decision 14)."""

    name: str
    label_id: str
    label_en: str
    requires: frozenset[str]

    @property
    def label(self) -> str:
        return _bilingual(self.label_id, self.label_en)


@dataclass(frozen=True)
class Step:
    number: int
    actor: str
    activity_id: str
    activity_en: str
    needs_id: str
    needs_en: str
    time: TimeStandard
    output_id: str
    output_en: str
    actions: tuple[Action, ...] = ()
    standing: bool = False
    entry: bool = False
    acknowledgement: bool = False
    batched: bool = False

    @property
    def activity(self) -> str:
        return _bilingual(self.activity_id, self.activity_en)

    @property
    def needs(self) -> str:
        return _bilingual(self.needs_id, self.needs_en)

    @property
    def output(self) -> str:
        return _bilingual(self.output_id, self.output_en)

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)


@dataclass(frozen=True)
class Sop:
    number: str
    revision: str
    title_id: str
    title_en: str
    issuer: str
    made: str
    approved_by: str
    reference: str
    form_code: str
    form_title_id: str
    form_title_en: str
    working_day_hours: float
    roles: dict[str, Role]
    positions: dict[str, Position]
    steps: dict[int, Step]
    closures: dict[str, Closure] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return _bilingual(self.title_id, self.title_en)

    @property
    def form_title(self) -> str:
        return _bilingual(self.form_title_id, self.form_title_en)

    @cached_property
    def entry_step(self) -> Step:
        return next(s for s in self.steps.values() if s.entry)

    def step(self, number: int) -> Step:
        return self.steps[number]

    def positions_of_role(self, role: str) -> list[Position]:
        return [p for p in self.positions.values() if p.role == role]

    def case_steps(self) -> list[Step]:
        """Steps a case can stand at (the standing duty of step 1 is not one)."""
        return [s for s in self.steps.values() if not s.standing]

    def reporting_steps(self) -> list[int]:
        """Steps whose action sends a batched report (step 12)."""
        return [s.number for s in self.case_steps() if any(a.creates_report for a in s.actions)]


# ---------------------------------------------------------------------------------------------
# Loading


def load_sop(path: Path | str) -> Sop:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SopDefinitionError(f"SOP file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SopDefinitionError(f"SOP file {path} is not valid TOML: {exc}") from exc
    return build_sop(raw, source=str(path))


def build_sop(raw: dict, source: str = "SOP file") -> Sop:
    header = _table(raw, "sop", source)
    hours = header.get("working_day_hours", 8.5)
    if not isinstance(hours, int | float) or not 0 < hours <= 24:
        raise SopDefinitionError(f"{source}: [sop] field 'working_day_hours' must be in (0, 24]")
    for key in ("number", "revision", "form_code"):
        _text(header, key, f"{source}: [sop]")
    try:
        if not _DATE_RE.match(header["revision"]):
            raise ValueError(header["revision"])
        dt.date.fromisoformat(header["revision"])
    except ValueError as exc:
        raise SopDefinitionError(
            f"{source}: [sop] field 'revision' must be a date YYYY-MM-DD, "
            f"not {header['revision']!r}"
        ) from exc

    roles = {
        code: Role(code, _text(r, "name_id", f"role {code}"), _text(r, "name_en", f"role {code}"))
        for code, r in _table(raw, "roles", source).items()
    }
    positions = {
        code: _build_position(code, p, roles)
        for code, p in _table(raw, "positions", source).items()
    }
    for pos in positions.values():
        if pos.superior is not None and pos.superior not in positions:
            raise SopDefinitionError(
                f"position {pos.code}: field 'superior' names unknown position {pos.superior!r}"
            )
    closures = {
        name: Closure(
            name,
            _text(c, "label_id", f"closure {name}"),
            _text(c, "label_en", f"closure {name}"),
            _requirements(c, f"closure {name}"),
        )
        for name, c in raw.get("closures", {}).items()
    }
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise SopDefinitionError(f"{source}: no [[steps]] defined")
    steps: dict[int, Step] = {}
    for index, s in enumerate(steps_raw, start=1):
        step = _build_step(index, s, roles, hours)
        if step.number in steps:
            raise SopDefinitionError(f"step {step.number}: field 'number' is used twice")
        steps[step.number] = step

    sop = Sop(
        number=header["number"],
        revision=header["revision"],
        title_id=header.get("title_id", ""),
        title_en=header.get("title_en", ""),
        issuer=header.get("issuer", ""),
        made=header.get("made", ""),
        approved_by=header.get("approved_by", ""),
        reference=header.get("reference", ""),
        form_code=header["form_code"],
        form_title_id=header.get("form_title_id", ""),
        form_title_en=header.get("form_title_en", ""),
        working_day_hours=float(hours),
        roles=roles,
        positions=positions,
        steps=dict(sorted(steps.items())),
        closures=closures,
    )
    _check_flow(sop)
    _check_closure_names(sop)
    return sop


def _check_closure_names(sop: Sop) -> None:
    """The engine finds an action by name among the step's actions and the closures; a closure
    named like a step action would be hidden by it (or hide it)."""
    for name in sop.closures:
        for step in sop.steps.values():
            if step.action(name) is not None:
                raise SopDefinitionError(
                    f"closure {name}: its name is also the name of an action of step "
                    f"{step.number}; field 'name' must differ"
                )


def _table(raw: dict, key: str, where: str) -> dict:
    value = raw.get(key)
    if not isinstance(value, dict) or not value:
        raise SopDefinitionError(f"{where}: table [{key}] is missing or empty")
    return value


def _text(raw: dict, key: str, where: str) -> str:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise SopDefinitionError(
            f"{where}: field '{key}' must be text in quotes, not {type(value).__name__} {value!r}"
        )
    if value is None or not value.strip():
        raise SopDefinitionError(f"{where}: field '{key}' is missing or empty")
    return value


def _is_int(value) -> bool:
    """An integer, and not a TOML boolean (which Python counts as an int)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _requirements(raw: dict, where: str) -> frozenset[str]:
    requires = raw.get("requires", [])
    if not isinstance(requires, list):
        raise SopDefinitionError(f"{where}: field 'requires' must be a list")
    unknown = set(requires) - KNOWN_REQUIREMENTS
    if unknown:
        raise SopDefinitionError(
            f"{where}: field 'requires' names unknown requirement(s) {sorted(unknown)}"
        )
    return frozenset(requires)


def _path(raw: dict, where: str, to: int | str) -> str | None:
    path = raw.get("path")
    if path is not None and path not in ("A", "B", "C"):
        raise SopDefinitionError(f"{where}: field 'path' must be A, B or C")
    if to == CLOSED and path is None:
        raise SopDefinitionError(f"{where}: field 'path' is needed on an action that closes")
    return path


def _verdict(raw: dict, where: str) -> str | None:
    verdict = raw.get("verdict")
    if verdict not in (None, "valid", "invalid"):
        raise SopDefinitionError(f"{where}: field 'verdict' must be 'valid' or 'invalid'")
    return verdict


def _build_position(code: str, raw: dict, roles: dict[str, Role]) -> Position:
    role = raw.get("role")
    if role not in roles:
        raise SopDefinitionError(f"position {code}: field 'role' names unknown role {role!r}")
    return Position(
        code,
        role,
        _text(raw, "name_id", f"position {code}"),
        _text(raw, "name_en", f"position {code}"),
        raw.get("superior"),
    )


def _build_step(index: int, raw: dict, roles: dict[str, Role], hours: float) -> Step:
    number = raw.get("number")
    if not _is_int(number) or number < 1:
        raise SopDefinitionError(f"step #{index}: field 'number' must be a positive integer")
    where = f"step {number}"
    actor = raw.get("actor")
    if actor not in roles:
        raise SopDefinitionError(f"{where}: field 'actor' names unknown role {actor!r}")
    try:
        time = parse_time_standard(raw.get("time"), hours)
    except ValueError as exc:
        raise SopDefinitionError(f"{where}: field 'time': {exc}") from exc
    actions = []
    for a in raw.get("actions", []):
        name = _text(a, "name", f"{where} action")
        to = a.get("to")
        if not (to == CLOSED or _is_int(to)):
            raise SopDefinitionError(
                f"{where}, action {name}: field 'to' must be a step number or 'closed'"
            )
        actions.append(
            Action(
                name=name,
                label_id=_text(a, "label_id", f"{where}, action {name}"),
                label_en=_text(a, "label_en", f"{where}, action {name}"),
                to=to,
                requires=_requirements(a, f"{where}, action {name}"),
                path=_path(a, f"{where}, action {name}", to),
                publishes_response=bool(a.get("publishes_response", False)),
                uses_response_of=a.get("uses_response_of"),
                verdict=_verdict(a, f"{where}, action {name}"),
                unroute=bool(a.get("unroute", False)),
                creates_report=bool(a.get("creates_report", False)),
                receives_report=bool(a.get("receives_report", False)),
            )
        )
    if len({a.name for a in actions}) != len(actions):
        raise SopDefinitionError(f"{where}: field 'actions' has two actions of the same name")
    return Step(
        number=number,
        actor=actor,
        activity_id=_text(raw, "activity_id", where),
        activity_en=_text(raw, "activity_en", where),
        needs_id=_text(raw, "needs_id", where),
        needs_en=_text(raw, "needs_en", where),
        time=time,
        output_id=_text(raw, "output_id", where),
        output_en=_text(raw, "output_en", where),
        actions=tuple(actions),
        standing=bool(raw.get("standing", False)),
        entry=bool(raw.get("entry", False)),
        acknowledgement=bool(raw.get("acknowledgement", False)),
        batched=bool(raw.get("batched", False)),
    )


def _check_flow(sop: Sop) -> None:
    """Every case step is reachable from the entry step, and from every one a case can close."""
    entries = [s for s in sop.steps.values() if s.entry]
    if len(entries) != 1:
        marked = ", ".join(str(s.number) for s in entries) or "none"
        raise SopDefinitionError(
            f"field 'entry': exactly one step must be marked 'entry' (marked: steps {marked})"
        )
    if entries[0].standing:
        raise SopDefinitionError(
            f"step {entries[0].number}: field 'entry': the standing step cannot be the entry"
        )
    for step in sop.steps.values():
        if not sop.positions_of_role(step.actor):
            raise SopDefinitionError(
                f"step {step.number}: field 'actor': no position holds role {step.actor!r}"
            )
        if step.standing:
            continue
        if not step.actions:
            raise SopDefinitionError(f"step {step.number}: field 'actions': a path ends here")
        for action in step.actions:
            if action.to != CLOSED and action.to not in sop.steps:
                raise SopDefinitionError(
                    f"step {step.number}, action {action.name}: field 'to' names unknown "
                    f"step {action.to}"
                )
            source = action.uses_response_of
            if source is not None and not (
                source in sop.steps
                and any("response" in a.requires for a in sop.steps[source].actions)
            ):
                raise SopDefinitionError(
                    f"step {step.number}, action {action.name}: field 'uses_response_of' names "
                    f"step {source}, which writes no response"
                )
            if action.to != CLOSED and sop.steps[action.to].standing:
                raise SopDefinitionError(
                    f"step {step.number}, action {action.name}: field 'to' leads to the "
                    f"standing step {action.to}"
                )

    reachable = _reachable(sop, {entries[0].number})
    for step in sop.case_steps():
        if step.number not in reachable:
            raise SopDefinitionError(
                f"step {step.number}: no path reaches this step: no action's field 'to' leads "
                f"here from the entry step {entries[0].number}"
            )
    # Walk backwards from 'closed': a step that cannot get there is a path with no end.
    can_close: set[int] = set()
    changed = True
    while changed:
        changed = False
        for step in sop.case_steps():
            if step.number in can_close:
                continue
            if any(a.to == CLOSED or a.to in can_close for a in step.actions):
                can_close.add(step.number)
                changed = True
    for step in sop.case_steps():
        if step.number not in can_close:
            raise SopDefinitionError(
                f"step {step.number}: field 'actions': a path from here has no end (never "
                f"closes): {_endless_walk(sop, step.number)} → ..."
            )


def _endless_walk(sop: Sop, start: int) -> str:
    """The walk from a step that cannot close until it comes round again, e.g. 14 → ... → 19 → 18.

    From such a step every action leads to another step that cannot close, so the walk always
    meets a step it has seen."""
    walk, number = [start], start
    while True:
        number = sop.steps[number].actions[0].to
        walk.append(number)
        if number in walk[:-1]:
            return " → ".join(str(n) for n in walk)


def _reachable(sop: Sop, start: set[int]) -> set[int]:
    seen, todo = set(start), list(start)
    while todo:
        for action in sop.steps[todo.pop()].actions:
            if action.to != CLOSED and action.to not in seen:
                seen.add(action.to)
                todo.append(action.to)
    return seen
