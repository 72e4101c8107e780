"""Load and check the declarative SOP file.

The SOP file (sp54.toml) is the one source of truth about steps, roles, positions, time
standards, outputs and the way steps follow each other. This module turns it into frozen
dataclasses and refuses a file that could not run: every error names the step (or role,
position) and the field at fault.
"""

from __future__ import annotations

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
        "route",
        "duplicate_of",
    }
)
# What the code reads of the definition beyond steps and actions. Each is a field of the file:
# the loader refuses any other value, and refuses a file that lacks one the code needs.
ACTION_KINDS = frozenset({"deferral", "escalation", "batch_report", "report_receipt"})
ROLE_CAPABILITIES = (
    "keeps_office_settings",  # who holds which position, Plh, categories, the calendar
    "keeps_saved_replies",
    "receives_reports",  # the step-12 report is addressed to this role
    "reads_every_case",  # decision 11
    "revises_sop",  # drafts revisions of this definition (document control)
    "approves_sop",  # approves a draft and sets the date it takes effect
)
# The words a customer sees for a case at a step (decision 12); "ditanggapi" and "selesai"
# follow from the case itself (a response reached them; the case closed).
STEP_CUSTOMER_STATUSES = frozenset({"diterima", "diproses"})
_TIME_RE = re.compile(r"^(?P<amount>[1-9][0-9]*) (?P<unit>menit|jam|hari)$")
_UNIT_MINUTES = {"menit": 1, "jam": 60}
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class SopDefinitionError(ValueError):
    """The SOP file cannot be used; the message names the place and the field at fault."""


def _bilingual(item_id: str, item_en: str) -> str:
    return item_en if (get_language() or "id").startswith("en") else item_id


@dataclass(frozen=True)
class TimeStandard:
    """A step's time standard, in working time: minutes, hours, or working days of the faculty
    calendar ("1 hari" is one working day of it, however long its opening hours make that day).
    `days` and `minutes` both 0 means 'disesuaikan' (no limit)."""

    text: str
    minutes: int = 0
    days: int = 0

    @property
    def is_limited(self) -> bool:
        return bool(self.minutes or self.days)

    def working_seconds(self, day_seconds: int) -> int | None:
        """The standard in working seconds, for a calendar whose working day lasts
        `day_seconds`; None when it sets no limit."""
        if not self.is_limited:
            return None
        return self.minutes * 60 + self.days * day_seconds


def parse_time_standard(text: str) -> TimeStandard:
    if not isinstance(text, str):
        raise ValueError("must be text such as '10 menit', '1 hari' or 'disesuaikan'")
    if text == "disesuaikan":
        return TimeStandard(text)
    match = _TIME_RE.match(text)
    if not match:
        raise ValueError(
            f"{text!r} is not a time standard; write '<n> menit', '<n> jam', '<n> hari' "
            "or 'disesuaikan'"
        )
    amount, unit = int(match["amount"]), match["unit"]
    if unit == "hari":
        return TimeStandard(text, days=amount)
    return TimeStandard(text, minutes=amount * _UNIT_MINUTES[unit])


@dataclass(frozen=True)
class Role:
    code: str
    name_id: str
    name_en: str
    capabilities: frozenset[str] = frozenset()

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
    kind: str | None = None
    # What the action produces, when that is not the step's standard output (a deferral at
    # step 3 produces no response; a failed validation is not "validated").
    output_id: str = ""
    output_en: str = ""

    @property
    def label(self) -> str:
        return _bilingual(self.label_id, self.label_en)

    @property
    def closes(self) -> bool:
        return self.to == CLOSED

    @property
    def creates_report(self) -> bool:
        return self.kind == "batch_report"

    @property
    def receives_report(self) -> bool:
        return self.kind == "report_receipt"


@dataclass(frozen=True)
class Closure:
    """A way to close a case outside the flow (decision 14)."""

    name: str
    label_id: str
    label_en: str
    requires: frozenset[str]
    # What the customer is told when a case closes this way; nothing at all when
    # `tells_customer` is false (a spammer learns nothing).
    tells_customer: bool = True
    customer_message_id: str = ""
    customer_message_en: str = ""
    # The reason is passed on to the customer under this heading (empty: it stays internal).
    reason_heading_id: str = ""
    reason_heading_en: str = ""

    @property
    def label(self) -> str:
        return _bilingual(self.label_id, self.label_en)

    @property
    def customer_message(self) -> str:
        return _bilingual(self.customer_message_id, self.customer_message_en)

    @property
    def shares_reason(self) -> bool:
        return bool(self.reason_heading_id)

    @property
    def reason_heading(self) -> str:
        return _bilingual(self.reason_heading_id, self.reason_heading_en)


@dataclass(frozen=True)
class PathDefinition:
    """One of the ways through the flow that ends a case (decision 2: A, B and C)."""

    code: str
    label_id: str
    label_en: str

    @property
    def label(self) -> str:
        return _bilingual(self.label_id, self.label_en)


@dataclass(frozen=True)
class Step:
    number: int  # as this revision shows it
    key: str  # the same in every revision: records and reports group by it
    actor: str
    activity_id: str
    activity_en: str
    needs_id: str
    needs_en: str
    time: TimeStandard
    output_id: str
    output_en: str
    label_id: str = ""
    label_en: str = ""
    customer_status: str = "diproses"
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

    @property
    def label(self) -> str:
        """The step's short name, for lists and the inbox ("Validasi", "Tanggapan Dekan")."""
        return _bilingual(self.label_id, self.label_en)

    def output_of(self, action: Action) -> tuple[str, str]:
        """What doing `action` at this step produces (Indonesian, English)."""
        if action.output_id:
            return action.output_id, action.output_en
        return self.output_id, self.output_en

    def output_for(self, action: Action) -> str:
        return _bilingual(*self.output_of(action))

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)


@dataclass(frozen=True)
class Sop:
    number: str
    title_id: str
    title_en: str
    issuer: str
    made: str
    approved_by: str
    reference: str
    form_code: str
    form_title_id: str
    form_title_en: str
    roles: dict[str, Role]
    positions: dict[str, Position]
    steps: dict[int, Step]
    closures: dict[str, Closure] = field(default_factory=dict)
    paths: dict[str, PathDefinition] = field(default_factory=dict)
    # The revision this definition is (aspirasi/sop/models.py numbers them); 0 for a file not
    # (yet) made a revision, such as a draft being checked.
    revision: int = 0

    @property
    def title(self) -> str:
        return _bilingual(self.title_id, self.title_en)

    @property
    def form_title(self) -> str:
        return _bilingual(self.form_title_id, self.form_title_en)

    @cached_property
    def entry_step(self) -> Step:
        return next(s for s in self.steps.values() if s.entry)

    @property
    def standing_step(self) -> Step | None:
        """The standing duty (step 1: the channels), if the SOP has one."""
        return next((s for s in self.steps.values() if s.standing), None)

    @property
    def reporting_step(self) -> Step | None:
        numbers = self.reporting_steps()
        return self.steps[numbers[0]] if numbers else None

    @property
    def report_receiving_step(self) -> Step | None:
        numbers = self.report_receiving_steps()
        return self.steps[numbers[0]] if numbers else None

    def step(self, number: int) -> Step:
        return self.steps[number]

    @cached_property
    def steps_by_key(self) -> dict[str, Step]:
        return {s.key: s for s in self.steps.values()}

    def step_key(self, number: int | None) -> str:
        """The stable key of step `number` of this revision ("" for none)."""
        step = self.steps.get(number) if number is not None else None
        return step.key if step else ""

    def positions_of_role(self, role: str) -> list[Position]:
        return [p for p in self.positions.values() if p.role == role]

    def case_steps(self) -> list[Step]:
        """Steps a case can stand at (the standing duty of step 1 is not one)."""
        return [s for s in self.steps.values() if not s.standing]

    def reporting_steps(self) -> list[int]:
        """Steps whose action sends a batched report (step 12)."""
        return [s.number for s in self.case_steps() if any(a.creates_report for a in s.actions)]

    def report_receiving_steps(self) -> list[int]:
        """Steps whose action receives a batched report (step 13)."""
        return [s.number for s in self.case_steps() if any(a.receives_report for a in s.actions)]

    def roles_with(self, capability: str) -> list[Role]:
        if capability not in ROLE_CAPABILITIES:
            raise KeyError(capability)
        return [r for r in self.roles.values() if capability in r.capabilities]

    def positions_with(self, capability: str) -> set[str]:
        """The positions whose holders (and acting officials) have a role's capability."""
        roles = {r.code for r in self.roles_with(capability)}
        return {p.code for p in self.positions.values() if p.role in roles}

    def steps_with_action_kind(self, kind: str) -> list[Step]:
        if kind not in ACTION_KINDS:
            raise KeyError(kind)
        return [s for s in self.case_steps() if any(a.kind == kind for a in s.actions)]

    def closed_in_flow(self, closure: str) -> bool:
        """Whether a case closed this way went through the SOP's flow (a path, not a closure
        outside it: decision 14)."""
        return closure in self.paths


# ---------------------------------------------------------------------------------------------
# Loading


def load_sop(path: Path | str) -> Sop:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SopDefinitionError(f"SOP file {path} does not exist") from exc
    return build_from_text(text, source=f"SOP file {path}")


def build_from_text(text: str, source: str = "SOP file") -> Sop:
    """Parse and check a definition held as text (a file, a stored revision, a draft)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SopDefinitionError(f"{source} is not valid TOML: {exc}") from exc
    return build_sop(raw, source=source.removeprefix("SOP file "))


def build_sop(raw: dict, source: str = "SOP file") -> Sop:
    """Build and check a definition; every error names `source`, the place and the field."""
    try:
        return _build(raw, source)
    except SopDefinitionError as exc:
        message = str(exc)
        if not message.startswith(source):
            message = f"{source}: {message}"
        raise SopDefinitionError(message) from exc.__cause__


def _build(raw: dict, source: str) -> Sop:
    header = _table(raw, "sop", "[sop]")
    if "working_day_hours" in header:
        raise SopDefinitionError(
            "[sop] field 'working_day_hours' is no longer read: a working day is the faculty "
            "calendar's opening hours (ASPIRASI_WORKING_HOURS); remove the field"
        )
    if "revision" in header:
        raise SopDefinitionError(
            "[sop] field 'revision' is no longer read: revisions are numbered, dated and "
            "approved in the system (docs/sop.md, SOP revisions); remove the field"
        )
    for key in ("number", "form_code"):
        _text(header, key, "[sop]")

    roles = {code: _build_role(code, r) for code, r in _table(raw, "roles", source).items()}
    positions = {
        code: _build_position(code, p, roles)
        for code, p in _table(raw, "positions", source).items()
    }
    for pos in positions.values():
        if pos.superior is not None and pos.superior not in positions:
            raise SopDefinitionError(
                f"position {pos.code}: field 'superior' names unknown position {pos.superior!r}"
            )
    paths = {
        code: PathDefinition(
            code, _text(p, "label_id", f"path {code}"), _text(p, "label_en", f"path {code}")
        )
        for code, p in _table(raw, "paths", source).items()
    }
    closures = {name: _build_closure(name, c) for name, c in raw.get("closures", {}).items()}
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise SopDefinitionError("no [[steps]] defined")
    steps: dict[int, Step] = {}
    for index, s in enumerate(steps_raw, start=1):
        step = _build_step(index, s, roles, paths)
        if step.number in steps:
            raise SopDefinitionError(f"step {step.number}: field 'number' is used twice")
        if any(s.key == step.key for s in steps.values()):
            raise SopDefinitionError(f"step {step.number}: field 'key' {step.key!r} is used twice")
        steps[step.number] = step

    sop = Sop(
        number=header["number"],
        title_id=header.get("title_id", ""),
        title_en=header.get("title_en", ""),
        issuer=header.get("issuer", ""),
        made=header.get("made", ""),
        approved_by=header.get("approved_by", ""),
        reference=header.get("reference", ""),
        form_code=header["form_code"],
        form_title_id=header.get("form_title_id", ""),
        form_title_en=header.get("form_title_en", ""),
        roles=roles,
        positions=positions,
        steps=dict(sorted(steps.items())),
        closures=closures,
        paths=paths,
    )
    _check_flow(sop)
    _check_closure_names(sop)
    _check_what_the_code_needs(sop)
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
        if name in sop.paths:
            raise SopDefinitionError(
                f"closure {name}: its name is also the code of a path; the two must differ"
            )


def _check_what_the_code_needs(sop: Sop) -> None:
    """The screens and the engine look things up by the fields below, never by name; a
    definition that lacks one would leave a screen nobody may open or a report nobody
    receives, so it is refused here, naming the field and what is missing."""
    for capability in ("keeps_office_settings", "keeps_saved_replies", "approves_sop"):
        if not sop.roles_with(capability):
            raise SopDefinitionError(
                f"[roles]: field '{capability}' is set on no role; the office screens need "
                f"one role with '{capability} = true'"
            )
    reporting = sop.reporting_steps()
    receiving = sop.report_receiving_steps()
    if bool(reporting) != bool(receiving):
        missing = "report_receipt" if reporting else "batch_report"
        raise SopDefinitionError(
            f"[[steps.actions]]: field 'kind': no action has kind {missing!r}; a batched "
            "report needs one step that sends it and one that receives it"
        )
    if receiving and not sop.roles_with("receives_reports"):
        raise SopDefinitionError(
            "[roles]: field 'receives_reports' is set on no role; the role that acts at step "
            f"{receiving[0]} (receives the reports) needs 'receives_reports = true'"
        )
    for number in receiving:
        actor = sop.step(number).actor
        if "receives_reports" not in sop.roles[actor].capabilities:
            raise SopDefinitionError(
                f"step {number}: field 'actor': role {actor!r} receives the reports here but "
                "lacks 'receives_reports = true'"
            )
    for code in sop.paths:
        if not any(a.path == code and a.closes for s in sop.case_steps() for a in s.actions):
            raise SopDefinitionError(
                f"path {code}: no action closes a case with field 'path' = {code!r}"
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


def _optional_text(raw: dict, key: str, where: str) -> str:
    return _text(raw, key, where) if key in raw else ""


def _flag(raw: dict, key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise SopDefinitionError(f"{where}: field '{key}' must be true or false, not {value!r}")
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


def _path(raw: dict, where: str, to: int | str, paths: dict[str, PathDefinition]) -> str | None:
    path = raw.get("path")
    if path is not None and path not in paths:
        raise SopDefinitionError(
            f"{where}: field 'path' names unknown path {path!r} (the [paths] table has "
            f"{', '.join(sorted(paths))})"
        )
    if to == CLOSED and path is None:
        raise SopDefinitionError(f"{where}: field 'path' is needed on an action that closes")
    return path


def _verdict(raw: dict, where: str) -> str | None:
    verdict = raw.get("verdict")
    if verdict not in (None, "valid", "invalid"):
        raise SopDefinitionError(f"{where}: field 'verdict' must be 'valid' or 'invalid'")
    return verdict


def _kind(raw: dict, where: str) -> str | None:
    kind = raw.get("kind")
    if kind is not None and kind not in ACTION_KINDS:
        raise SopDefinitionError(
            f"{where}: field 'kind' names unknown kind {kind!r} (known: "
            f"{', '.join(sorted(ACTION_KINDS))})"
        )
    return kind


def _build_role(code: str, raw: dict) -> Role:
    where = f"role {code}"
    unknown = {k for k, v in raw.items() if isinstance(v, bool)} - set(ROLE_CAPABILITIES)
    if unknown:
        raise SopDefinitionError(
            f"{where}: field {sorted(unknown)[0]!r} is no capability (known: "
            f"{', '.join(ROLE_CAPABILITIES)})"
        )
    return Role(
        code,
        _text(raw, "name_id", where),
        _text(raw, "name_en", where),
        frozenset(c for c in ROLE_CAPABILITIES if _flag(raw, c, where)),
    )


def _build_closure(name: str, raw: dict) -> Closure:
    where = f"closure {name}"
    return Closure(
        name,
        _text(raw, "label_id", where),
        _text(raw, "label_en", where),
        _requirements(raw, where),
        tells_customer=_flag(raw, "tells_customer", where) if "tells_customer" in raw else True,
        customer_message_id=_optional_text(raw, "customer_message_id", where),
        customer_message_en=_optional_text(raw, "customer_message_en", where),
        reason_heading_id=_optional_text(raw, "reason_heading_id", where),
        reason_heading_en=_optional_text(raw, "reason_heading_en", where),
    )


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


def _build_action(where: str, a: dict, paths: dict[str, PathDefinition]) -> Action:
    name = _text(a, "name", f"{where} action")
    where = f"{where}, action {name}"
    to = a.get("to")
    if not (to == CLOSED or _is_int(to)):
        raise SopDefinitionError(f"{where}: field 'to' must be a step number or 'closed'")
    output_id = _optional_text(a, "output_id", where)
    output_en = _optional_text(a, "output_en", where)
    if bool(output_id) != bool(output_en):
        raise SopDefinitionError(f"{where}: fields 'output_id' and 'output_en' go together")
    return Action(
        name=name,
        label_id=_text(a, "label_id", where),
        label_en=_text(a, "label_en", where),
        to=to,
        requires=_requirements(a, where),
        path=_path(a, where, to, paths),
        publishes_response=_flag(a, "publishes_response", where),
        uses_response_of=a.get("uses_response_of"),
        verdict=_verdict(a, where),
        unroute=_flag(a, "unroute", where),
        kind=_kind(a, where),
        output_id=output_id,
        output_en=output_en,
    )


def _build_step(
    index: int, raw: dict, roles: dict[str, Role], paths: dict[str, PathDefinition]
) -> Step:
    number = raw.get("number")
    if not _is_int(number) or number < 1:
        raise SopDefinitionError(f"step #{index}: field 'number' must be a positive integer")
    where = f"step {number}"
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise SopDefinitionError(
            f"{where}: field 'key' must be a short code of lower-case letters, digits and _ "
            f"(such as 'validation'), not {key!r}; it names the step in every revision"
        )
    actor = raw.get("actor")
    if actor not in roles:
        raise SopDefinitionError(f"{where}: field 'actor' names unknown role {actor!r}")
    try:
        time = parse_time_standard(raw.get("time"))
    except ValueError as exc:
        raise SopDefinitionError(f"{where}: field 'time': {exc}") from exc
    standing = _flag(raw, "standing", where)
    customer_status = raw.get("customer_status", "diproses" if standing else None)
    if customer_status not in STEP_CUSTOMER_STATUSES:
        raise SopDefinitionError(
            f"{where}: field 'customer_status' must be one of "
            f"{', '.join(sorted(STEP_CUSTOMER_STATUSES))}, not {customer_status!r}"
        )
    actions = [_build_action(where, a, paths) for a in raw.get("actions", [])]
    if len({a.name for a in actions}) != len(actions):
        raise SopDefinitionError(f"{where}: field 'actions' has two actions of the same name")
    return Step(
        number=number,
        key=key,
        actor=actor,
        activity_id=_text(raw, "activity_id", where),
        activity_en=_text(raw, "activity_en", where),
        needs_id=_text(raw, "needs_id", where),
        needs_en=_text(raw, "needs_en", where),
        time=time,
        output_id=_text(raw, "output_id", where),
        output_en=_text(raw, "output_en", where),
        label_id=_text(raw, "label_id", where),
        label_en=_text(raw, "label_en", where),
        customer_status=customer_status,
        actions=tuple(actions),
        standing=standing,
        entry=_flag(raw, "entry", where),
        acknowledgement=_flag(raw, "acknowledgement", where),
        batched=_flag(raw, "batched", where),
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
