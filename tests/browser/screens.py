"""What an official does on the desk screens, for the browser tests: sign in, find a case in the
inbox, open it, and act through the form of one action.

Buttons are found by the Indonesian labels the SOP file gives them (`label_id`) inside the form
that posts to the action's URL, so the tests check both the wording and the wiring. Which steps
a case goes through is read from the SOP file too (`route`), never written out, so the tests
hold when a faculty changes its procedure.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from aspirasi.cases import walking
from aspirasi.cases.models import Aspiration
from aspirasi.sop.definition import CLOSED, Action
from aspirasi.sop.registry import current_sop
from tests.factories import step_with

PASSWORD = "rahasia-demo-123"  # tests.factories.make_user's default


# --- the SOP: which step, which action -------------------------------------------------------


def label(step: int, action: str) -> str:
    """The Indonesian button label the SOP file gives an action of a step."""
    found = current_sop().step(step).action(action)
    assert found is not None, f"step {step} has no action {action!r} in the SOP file"
    return found.label_id


def step_after(action: str) -> int:
    """The step the SOP sends a case to when this action (at the first step offering it) is done."""
    return current_sop().step(step_with(action)).action(action).to


def named(name: str) -> Callable[[Action], bool]:
    return lambda action: action.name == name


def closes_along(path: str) -> Callable[[Action], bool]:
    return lambda action: action.to == CLOSED and action.path == path


def route(start: int, wanted: Callable[[Action], bool]) -> list[tuple[int, str]]:
    """The shortest way through the SOP from step `start` up to and including the first action
    that is `wanted`, as (step, action name) pairs: what the screens will be asked to do."""
    found = walking.route(current_sop(), start, wanted)
    assert found is not None, f"the SOP has no way from step {start} to the action asked for"
    return [(number, action.name) for number, action in found]


def desk_of(code: str) -> str:
    """The position whose desk the case waits at now."""
    return Aspiration.objects.get(tracking_code=code).current_position


# --- the screens -----------------------------------------------------------------------------


def sign_in(new_context, username: str):
    page = new_context().new_page()
    page.goto("/meja/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/meja/"), f"{username} could not sign in: {page.url}"
    return page


def inbox_row(page, code: str):
    """The inbox's row for a case (reloads the inbox); fails when the case is not listed."""
    page.goto("/meja/")
    rows = page.locator("main table tbody tr").filter(
        has=page.get_by_role("link", name=code, exact=True)
    )
    assert rows.count() == 1, f"{code} is not in the inbox of {page.url}"
    return rows


def inbox_mark(page, code: str) -> tuple[str, int]:
    """The due mark shown for a case in the inbox, and the step it waits at."""
    row = inbox_row(page, code)
    step = int(re.match(r"\s*(\d+)", row.locator("td").nth(2).inner_text()).group(1))
    return row.locator("td.mark").inner_text().strip(), step


def open_from_inbox(page, code: str) -> None:
    """Open the case the way an official does: from the inbox, where it waits for them."""
    row = inbox_row(page, code)
    with page.expect_navigation():
        row.get_by_role("link", name=code, exact=True).click()
    assert page.url.endswith(f"/meja/kasus/{code}/")


def trail_rows(page) -> list[tuple[int, str]]:
    """The step record as shown: (step number, done by) per row."""
    rows = page.locator("#trail tbody tr")
    result = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        if cells.count() == 1:  # "No step done yet."
            continue
        step = int(re.match(r"\s*(\d+)", cells.nth(1).inner_text()).group(1))
        result.append((step, cells.nth(2).inner_text().strip()))
    return result


def trail_steps(page) -> list[int]:
    return [step for step, _who in trail_rows(page)]


def state(page) -> str:
    return page.locator("#case-state").inner_text().strip()


def waits_at(step: int) -> str:
    """How the case page's state begins while the case waits at this step."""
    return f"Langkah {step} "


def action_forms(page):
    return page.locator('main form[action*="/aksi/"]')


def errors_on(page) -> list[str]:
    return page.locator("main .error-box, main p.error").all_inner_texts()


def flash(page) -> str:
    return " ".join(page.locator("main [role=status]").all_inner_texts())


def act(page, code: str, step: int, action: str, **fields) -> None:
    """Fill and submit the form of one open action of the step the page shows the case at;
    check the trail gained a row for that step."""
    assert state(page).startswith(waits_at(step)), f"not at step {step}: {state(page)!r}"
    form = page.locator(f'form[action="/meja/kasus/{code}/aksi/{action}/"]')
    assert form.count() == 1, f"step {step}: no form for {action!r} on {page.url}"
    for name, value in fields.items():
        field = form.locator(f'[name="{action}-{name}"]')
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    done_before = len(trail_rows(page))
    with page.expect_navigation():
        form.get_by_role("button", name=label(step, action), exact=True).click()
    errors = errors_on(page)
    assert not errors, f"step {step} {action!r} refused: {errors}"
    steps = trail_steps(page)
    assert len(steps) == done_before + 1 and steps[-1] == step, (
        f"after {action!r} the trail should end with step {step}, it reads {steps}"
    )


def work_along(desks: dict, code: str, plan: list[tuple[int, str]], fields=None) -> None:
    """Do the plan's actions on the screens, each by the official whose desk the case is on
    (`desks`: position -> signed-in page), who opens it from their inbox when it reaches them.
    `fields`: what to fill in, by action name."""
    fields = fields or {}
    working = None
    for step, action in plan:
        page = desks[desk_of(code)]
        if page is not working:
            open_from_inbox(page, code)
            working = page
        act(page, code, step, action, **fields.get(action, {}))
