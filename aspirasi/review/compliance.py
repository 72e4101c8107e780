"""The SOP compliance sheet: the SOP's flow-chart table (number, activity, actor, completeness,
time standard, output) of the reference revision, with beside each step how it was done in the
period (steps.py). Steps that only another revision has follow, in their own words."""

from __future__ import annotations

from dataclasses import dataclass, field

from aspirasi.sop.definition import Sop, Step

from .steps import Performance, StepRow


@dataclass(frozen=True)
class SheetRow:
    step: Step
    actor: str  # the role's name, as the SOP's column names it
    # None for the standing duty (step 1: the channels), which no case passes through.
    performance: Performance | None
    # The archive search for the cases behind the figures (steps.trail_search); empty when
    # no case passed the step in the period.
    search: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def late_search(self) -> dict[str, str]:
        return {**self.search, "late": "on"}


@dataclass(frozen=True)
class Sheet:
    rows: list[SheetRow]
    # Steps of other revisions, counted in the period, that the reference revision lacks.
    elsewhere: list[StepRow]


def sheet(sop: Sop, step_rows: list[StepRow]) -> Sheet:
    done = {row.name.key: row for row in step_rows}
    rows = []
    for step in sop.steps.values():
        row = done.get(step.key)
        performance = row.performance if row else Performance()
        rows.append(
            SheetRow(
                step=step,
                actor=sop.roles[step.actor].name,
                performance=None if step.standing else performance,
                search=row.search if row else {},
            )
        )
    return Sheet(rows, [row for row in step_rows if row.name.key not in sop.steps_by_key])
