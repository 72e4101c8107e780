"""The SOP file is the one truth: change it consistently and the system follows; the code names
none of its roles, actions or closures."""

from __future__ import annotations

import re
import tokenize
import tomllib
from pathlib import Path

import pytest
from django.urls import reverse

from aspirasi.cases.walking import Walker, holder_of, walk_case
from aspirasi.sop.registry import DEFAULT_SOP_FILE, current_sop
from tests import sop_variants
from tests.factories import TUESDAY_9, make_case, make_official, sop_revision, step_with

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sop_file(db):
    """Put a changed SOP definition in force (as an approved revision) for one test."""
    return sop_revision


@pytest.fixture
def holders(db):
    """One official per position (the changed SOP files keep the positions' codes)."""
    return {code: make_official(f"u_{code}", code) for code in current_sop().positions}


# ---------------------------------------------------------------------------------------------
# Renamed consistently: the same people keep working


@pytest.mark.django_db
def test_roles_actions_and_closures_renamed_the_kabag_tu_still_keeps_the_office(sop_file, client):
    sop_file(sop_variants.renamed())
    assert "head_of_administration" not in current_sop().roles
    kabag = make_official("kabag", "kabag_tu")
    client.force_login(kabag)
    for name in ("administration:home", "administration:officials", "replies:list"):
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["A", "B", "C"])
def test_roles_actions_and_closures_renamed_every_path_still_closes(sop_file, holders, path):
    sop_file(sop_variants.renamed())
    case, _secret = make_case()
    case = walk_case(case, path=path, start=TUESDAY_9)
    assert case.is_closed and case.closure == path
    assert case.closed_in_flow


@pytest.mark.django_db
def test_renamed_closures_still_close_outside_the_flow_and_tell_the_customer(sop_file, holders):
    sop_file(sop_variants.renamed())
    case, _secret = make_case()
    walker = Walker(case, start=TUESDAY_9)
    case = walker.act("bukan_wewenang")
    assert case.is_closed and not case.closed_in_flow
    assert case.closure_label == "Tutup: di luar kewenangan fakultas"
    told = case.messages.get(kind="case_closed").text_body
    assert "di luar kewenangan fakultas" in told


# ---------------------------------------------------------------------------------------------
# Changed procedure: a step added, a step moved


@pytest.mark.django_db
@pytest.mark.parametrize(
    "variant",
    [
        "second_validation",
        "forwarding_by_the_clerk",
        "second_validation_and_forwarding_by_the_clerk",
    ],
)
@pytest.mark.parametrize("path", ["A", "B", "C"])
def test_a_changed_procedure_runs_every_path_to_its_end(sop_file, holders, variant, path):
    sop_file(sop_variants.variant_text(variant))
    case, _secret = make_case()
    case = walk_case(case, path=path, start=TUESDAY_9)
    assert case.is_closed and case.closure == path
    steps = list(case.trail.values_list("step", flat=True))
    if path != "A" and variant.startswith("second_validation"):
        assert step_with("validate_again") in steps


@pytest.mark.django_db
def test_forwarding_moved_to_the_clerk_is_done_by_the_clerk(sop_file, holders):
    sop_file(sop_variants.with_forwarding_by_the_clerk())
    case, _secret = make_case()
    case = walk_case(case, until="forward", start=TUESDAY_9)
    assert case.current_position == "kasubbag"
    forwarder = holder_of(case, TUESDAY_9.date())
    case = walk_case(case, via=["forward"], until="send_back", start=TUESDAY_9)
    record = case.trail.get(action="forward")
    assert record.actor == forwarder and record.position == "kasubbag"


# ---------------------------------------------------------------------------------------------
# The code names nothing of the SOP


def _sop_names() -> set[str]:
    raw = tomllib.loads(DEFAULT_SOP_FILE.read_text(encoding="utf-8"))
    actions = {a["name"] for s in raw["steps"] for a in s.get("actions", [])}
    return set(raw["roles"]) | set(raw["closures"]) | actions


def _python_strings(path: Path):
    with path.open("rb") as handle:
        for token in tokenize.tokenize(handle.readline):
            if token.type == tokenize.STRING:
                yield token.start[0], token.string


def test_outside_the_sop_file_and_its_loader_no_module_names_a_role_action_or_closure():
    names = _sop_names()
    literal = re.compile(r"""^[a-z]*(['"])(?P<word>[a-z_]+)\1$""")
    # In templates, a name compared with something ({% if action.name == "escalate" %}).
    in_template = re.compile(r"""(?:==|!=|\bin)\s*['"](?P<word>[a-z_]+)['"]""")
    found = []
    for path in sorted((PROJECT / "aspirasi").rglob("*")):
        relative = path.relative_to(PROJECT)
        if relative.parts[1] == "sop" or "migrations" in relative.parts:
            continue
        if path.suffix == ".py":
            for line, text in _python_strings(path):
                match = literal.match(text)
                if match and match["word"] in names:
                    found.append(f"{relative}:{line} {text}")
        elif path.suffix in (".html", ".txt"):
            for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for match in in_template.finditer(text):
                    if match["word"] in names:
                        found.append(f"{relative}:{number} {match[0]}")
    assert found == [], "\n".join(found)


def test_the_grep_above_would_see_a_role_code_in_a_module(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('ROLES = ("head_of_administration",)\n', encoding="utf-8")
    strings = [text for _line, text in _python_strings(sample)]
    assert strings == ['"head_of_administration"'] and "head_of_administration" in _sop_names()
