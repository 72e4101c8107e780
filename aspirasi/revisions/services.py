"""Revising the SOP under document control: draft, check, compare, approve.

The quality officer or the office admin (roles with `revises_sop`) drafts a revision, starting
from the one in force: they change a step's texts, label, time standard and actor on the screens
(the definition text is edited in place, so its comments stay), or import a whole definition for
structural changes. The draft is checked with the start-up check's own messages. The Dean, or
an acting Dean (`approves_sop`), approves it with the date it takes effect; from then on new
cases follow it, and every case already open keeps the revision it arrived under.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirasi.cases.choices import Status
from aspirasi.cases.models import Aspiration
from aspirasi.officials.capabilities import has_capability
from aspirasi.officials.capacity import capacities
from aspirasi.sop.definition import Sop, SopDefinitionError, build_from_text, parse_time_standard
from aspirasi.sop.models import SopRevision
from aspirasi.sop.registry import current_sop, forget, revision_in_force, sop_of_revision

MAX_SOURCE = 200_000  # characters; the shipped definition has about 25,000
# The fields of a step that the screens change; anything else is a structural change, made by
# importing a whole definition.
STEP_TEXT_FIELDS = (
    "label_id",
    "label_en",
    "activity_id",
    "activity_en",
    "needs_id",
    "needs_en",
    "output_id",
    "output_en",
)


class RevisionRefused(Exception):
    """What the user asked cannot be done; the message says why, `errors` by field."""

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


def may_revise(user) -> bool:
    return has_capability(user, "revises_sop")


def may_approve(user) -> bool:
    return has_capability(user, "approves_sop")


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def check(text: str) -> Sop:
    """The draft as the system would run it; SopDefinitionError with the start-up check's
    message (naming the step and the field at fault) when it could not run."""
    if len(text) > MAX_SOURCE:
        raise SopDefinitionError(f"the definition is longer than {MAX_SOURCE} characters")
    return build_from_text(text, source="draft")


def problem_of(draft: SopRevision) -> str:
    """The start-up check's message for the draft, or "" when it could run."""
    try:
        check(draft.source)
    except SopDefinitionError as exc:
        return str(exc)
    return ""


# ---------------------------------------------------------------------------------------------
# Drafting


def start_draft(user, *, now: dt.datetime | None = None) -> SopRevision:
    """A new draft, a copy of the revision in force."""
    _require(may_revise(user), _("Only the quality officer or the office admin drafts revisions."))
    in_force = SopRevision.objects.get(pk=revision_in_force())
    return SopRevision.objects.create(
        state=SopRevision.State.DRAFT,
        source=in_force.source,
        based_on=in_force,
        drafted_by=user,
        drafted_by_name=_name(user),
        drafted_at=now or timezone.now(),
    )


def import_draft(user, text: str, *, summary: str = "", now=None) -> SopRevision:
    """A draft from a whole definition (a step or an action added or removed). Refused with the
    start-up check's message when it could not run: nothing is kept then."""
    _require(may_revise(user), _("Only the quality officer or the office admin drafts revisions."))
    text = text.replace("\r\n", "\n")
    try:
        check(text)
    except SopDefinitionError as exc:
        raise RevisionRefused(str(exc), {"source": str(exc)}) from exc
    return SopRevision.objects.create(
        state=SopRevision.State.DRAFT,
        source=text,
        summary=summary.strip(),
        based_on_id=revision_in_force(),
        drafted_by=user,
        drafted_by_name=_name(user),
        drafted_at=now or timezone.now(),
    )


@dataclass(frozen=True)
class StepChange:
    """What the screens change of one step of a draft."""

    texts: dict[str, str]  # of STEP_TEXT_FIELDS
    time: str
    actor: str


def change_step(draft: SopRevision, user, key: str, change: StepChange) -> SopRevision:
    """Change one step of a draft. The new definition must pass the check, else nothing
    changes and the error names the field."""
    _require_draft(draft, user)
    errors = {}
    try:
        parse_time_standard(change.time)
    except ValueError:
        errors["time"] = _(
            "Write the time standard as “10 menit”, “2 jam”, “1 hari” or “disesuaikan”."
        )
    sop = check(draft.source)
    if change.actor not in sop.roles:
        errors["actor"] = _("Choose a role.")
    for field, value in change.texts.items():
        if field not in STEP_TEXT_FIELDS:
            raise ValueError(field)
        if not value.strip():
            errors[field] = _("This field is required.")
    if errors:
        raise RevisionRefused(_("The step was not changed."), errors)
    text = draft.source
    values = {**change.texts, "time": change.time, "actor": change.actor}
    for field, value in values.items():
        text = set_step_field(text, key, field, value.strip())
    try:
        check(text)
    except SopDefinitionError as exc:
        raise RevisionRefused(str(exc), {"__all__": str(exc)}) from exc
    draft.source = text
    draft.save(update_fields=["source", "digest"])
    return draft


def describe(draft: SopRevision, user, summary: str) -> SopRevision:
    _require_draft(draft, user)
    draft.summary = summary.strip()
    draft.save(update_fields=["summary", "digest"])
    return draft


def discard(draft: SopRevision, user) -> None:
    _require_draft(draft, user)
    draft.delete()


def set_step_field(text: str, key: str, field: str, value: str) -> str:
    """The definition with one top-level field of the step `key` set to `value` (a string),
    everything else (comments, order, the actions) as it was."""
    start, end = _step_block(text, key)
    block = text[start:end]
    line = f"{field} = {json.dumps(value, ensure_ascii=False)}"
    pattern = re.compile(rf"(?m)^{re.escape(field)} = .*$")
    actions_at = block.find("\n  [[steps.actions]]")
    head, tail = (block, "") if actions_at < 0 else (block[:actions_at], block[actions_at:])
    if pattern.search(head):
        head = pattern.sub(lambda _m: line, head, count=1)
    else:
        head = head.rstrip("\n") + "\n" + line + "\n"
    return text[:start] + head + tail + text[end:]


def _step_block(text: str, key: str) -> tuple[int, int]:
    starts = [m.start() for m in re.finditer(r"(?m)^\[\[steps\]\]$", text)]
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        if re.search(rf'(?m)^key = "{re.escape(key)}"$', text[start:end]):
            return start, end
    raise RevisionRefused(_("The draft has no step %(key)s.") % {"key": key})


# ---------------------------------------------------------------------------------------------
# Comparing


@dataclass(frozen=True)
class Difference:
    what: str  # "step", "position", "role", "closure", "path"
    key: str
    change: str  # "added", "removed", "changed"
    before: str = ""
    after: str = ""
    field: str = ""


def compare(before: Sop, after: Sop) -> list[Difference]:
    """What the draft changes against the revision in force: steps by their key (a renumbered
    step is the same step), their actor, standard, texts and actions; positions, roles,
    closures and paths by their code."""
    out: list[Difference] = []
    old, new = before.steps_by_key, after.steps_by_key
    for key in old.keys() - new.keys():
        out.append(Difference("step", key, "removed", _step_title(old[key])))
    for key in new.keys() - old.keys():
        out.append(Difference("step", key, "added", after=_step_title(new[key])))
    for key in sorted(old.keys() & new.keys(), key=lambda k: new[k].number):
        for field, a, b in _step_fields(old[key], new[key]):
            if a != b:
                out.append(Difference("step", key, "changed", str(a), str(b), field))
    for what, a, b in (
        ("position", before.positions, after.positions),
        ("role", before.roles, after.roles),
        ("closure", before.closures, after.closures),
        ("path", before.paths, after.paths),
    ):
        for code in sorted(a.keys() - b.keys()):
            out.append(Difference(what, code, "removed", _label(a[code])))
        for code in sorted(b.keys() - a.keys()):
            out.append(Difference(what, code, "added", after=_label(b[code])))
        for code in sorted(a.keys() & b.keys()):
            if a[code] != b[code]:
                out.append(Difference(what, code, "changed", _label(a[code]), _label(b[code])))
    return out


def _step_title(step) -> str:
    return f"{step.number}. {step.label_id}"


def _label(item) -> str:
    return getattr(item, "name_id", None) or getattr(item, "label_id", "") or ""


def _step_fields(a, b):
    yield "number", a.number, b.number
    yield "actor", a.actor, b.actor
    yield "time", a.time.text, b.time.text
    for field in STEP_TEXT_FIELDS:
        yield field, getattr(a, field), getattr(b, field)
    yield (
        "actions",
        ", ".join(f"{x.name}→{x.to}" for x in a.actions),
        ", ".join(f"{x.name}→{x.to}" for x in b.actions),
    )


def cases_left_behind(after: Sop) -> list[Aspiration]:
    """Open cases waiting at a step or a position the draft no longer has. They finish under
    their own revision (the default, and the only way: a case never changes revision)."""
    waiting = Aspiration.objects.filter(status=Status.OPEN)
    left = []
    for revision in waiting.values_list("revision_id", flat=True).distinct():
        sop = sop_of_revision(revision)
        gone_steps = [s.number for s in sop.case_steps() if s.key not in after.steps_by_key]
        gone_positions = [code for code in sop.positions if code not in after.positions]
        left += list(
            waiting.filter(revision_id=revision)
            .filter(Q(current_step__in=gone_steps) | Q(current_position__in=gone_positions))
            .order_by("tracking_code")[:200]
        )
    return left


# ---------------------------------------------------------------------------------------------
# Approving


def approve(
    draft: SopRevision,
    user,
    *,
    effective_on: dt.date,
    summary: str = "",
    now: dt.datetime | None = None,
) -> SopRevision:
    """Approve the draft; new cases follow it from the start of `effective_on` (the faculty's
    day). It gets the next number and never changes again."""
    now = now or timezone.now()
    held = capacities(user, timezone.localdate(now))
    _require(may_approve(user), _("Only the Dean (or the acting Dean) approves revisions."))
    if draft.is_approved:
        raise RevisionRefused(_("This revision is approved already; draft a new one."))
    errors = {}
    if effective_on < timezone.localdate(now):
        errors["effective_on"] = _("The date it takes effect cannot lie in the past.")
    summary = summary.strip() or draft.summary
    if not summary:
        errors["summary"] = _("Say in a sentence what this revision changes.")
    problem = problem_of(draft)
    if problem:
        errors["__all__"] = problem
    if errors:
        raise RevisionRefused(_("The revision was not approved."), errors)
    approver_positions = current_sop().positions_with("approves_sop")
    acting_for = next(
        (c.position for c in held.values() if c.acting and c.position in approver_positions), ""
    )
    if any(not c.acting and c.position in approver_positions for c in held.values()):
        acting_for = ""
    start = timezone.make_aware(dt.datetime.combine(effective_on, dt.time()))
    try:
        with transaction.atomic():
            _record_approval(draft, user, summary, acting_for, now, start)
    except IntegrityError as exc:  # another revision took the number at the same moment
        raise RevisionRefused(_("Another revision was approved just now; try again.")) from exc
    forget()  # this process knows at once; the others within ASPIRASI_SOP_RECHECK_SECONDS
    return draft


def _record_approval(draft, user, summary, acting_for, now, start) -> None:
    last = SopRevision.objects.aggregate(n=Max("number"))["n"] or 0
    draft.number = last + 1
    draft.state = SopRevision.State.APPROVED
    draft.summary = summary
    draft.approved_by = user
    draft.approved_by_name = _name(user)
    draft.approved_acting_for = acting_for
    draft.approved_at = now
    draft.issued_on = timezone.localdate(now)
    # Approved for today: in force from this moment, not from the morning (a case that
    # arrived earlier today arrived under the revision before).
    draft.effective_from = max(start, now)
    draft.save()


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionError(message)


def _require_draft(draft: SopRevision, user) -> None:
    _require(may_revise(user), _("Only the quality officer or the office admin drafts revisions."))
    if draft.is_approved:
        raise RevisionRefused(_("This revision is approved already; draft a new one."))
