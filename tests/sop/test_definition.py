"""The SOP file: the real one loads as the SOP reads, and a broken one stops loading with a
message that names the step (or role, position) and the field at fault.

Broken variants are built from the real file: load it with tomllib, change one thing, build.
"""

from __future__ import annotations

import copy
import tomllib

import pytest

from aspirasi.sop.definition import CLOSED, SopDefinitionError, build_sop, load_sop
from aspirasi.sop.registry import DEFAULT_SOP_FILE

with DEFAULT_SOP_FILE.open("rb") as _file:
    REAL = tomllib.load(_file)


def raw() -> dict:
    """A fresh, deep copy of the real SOP file to break."""
    return copy.deepcopy(REAL)


def step(data: dict, number: int) -> dict:
    return next(s for s in data["steps"] if s["number"] == number)


def action(data: dict, number: int, name: str) -> dict:
    return next(a for a in step(data, number)["actions"] if a["name"] == name)


def refused(data: dict) -> str:
    with pytest.raises(SopDefinitionError) as error:
        build_sop(data)
    return str(error.value)


# ---------------------------------------------------------------------------------------------
# The real file


@pytest.fixture(scope="module")
def sop():
    return load_sop(DEFAULT_SOP_FILE)


def test_the_real_file_has_nineteen_steps(sop):
    assert list(sop.steps) == list(range(1, 20))


def test_step_1_is_the_standing_duty_and_no_step_of_a_case(sop):
    assert sop.step(1).standing
    assert [s.number for s in sop.steps.values() if s.standing] == [1]
    assert [s.number for s in sop.case_steps()] == list(range(2, 20))
    assert sop.step(1).actions == ()


def test_a_case_enters_at_step_2(sop):
    assert sop.entry_step.number == 2
    assert sop.entry_step.actor == "clerk"


DAY = 30_600  # 07:30-16:00, the faculty calendar's default opening hours


def test_time_standards_are_ten_minutes_one_day_or_as_needed(sop):
    assert sop.step(1).time.working_seconds(DAY) is None
    assert not sop.step(1).time.is_limited
    assert sop.step(2).time.working_seconds(DAY) == 600
    assert sop.step(3).time.working_seconds(DAY) == 30_600
    by_step = {s.number: s.time.text for s in sop.steps.values()}
    ten_minutes = {n for n, text in by_step.items() if text == "10 menit"}
    one_day = {n for n, text in by_step.items() if text == "1 hari"}
    assert ten_minutes == {2, 5, 6, 8, 9, 14, 16, 17}
    assert one_day == {3, 4, 7, 10, 11, 12, 13, 15, 18, 19}
    assert {sop.step(n).time.working_seconds(DAY) for n in ten_minutes} == {600}
    assert {sop.step(n).time.working_seconds(DAY) for n in one_day} == {30_600}


def test_the_actors_are_the_sops_columns(sop):
    actors = {s.number: s.actor for s in sop.steps.values()}
    assert {n for n, a in actors.items() if a == "clerk"} == {1, 2, 3, 4, 5}
    assert {n for n, a in actors.items() if a == "head_of_administration"} == {6, 7, 8}
    assert {n for n, a in actors.items() if a == "vice_dean"} == {9, 10, 11, 12, 17, 18, 19}
    assert {n for n, a in actors.items() if a == "dean"} == {13, 14, 15, 16}


def test_three_paths_close_at_steps_3_13_and_19(sop):
    closing = {
        (s.number, a.name, a.path) for s in sop.steps.values() for a in s.actions if a.closes
    }
    assert closing == {(3, "answer", "A"), (13, "receive_report", "B"), (19, "archive", "C")}


def test_validation_can_send_the_case_back_to_step_4(sop):
    assert sop.step(7).action("return_for_rework").to == 4
    assert sop.step(7).action("return_for_rework").verdict == "invalid"
    assert sop.step(7).action("validate").to == 8


def test_acknowledgements_are_steps_6_9_13_14_17(sop):
    assert {s.number for s in sop.steps.values() if s.acknowledgement} == {6, 9, 13, 14, 17}


def test_closures_outside_the_flow_all_need_a_reason(sop):
    assert set(sop.closures) == {"spam", "duplicate", "outside_remit", "withdrawn"}
    assert all("reason" in c.requires for c in sop.closures.values())
    assert "duplicate_of" in sop.closures["duplicate"].requires


def test_warnings_go_up_the_lines_of_decision_16(sop):
    superiors = {code: p.superior for code, p in sop.positions.items()}
    assert superiors == {
        "kasubbag": "kabag_tu",
        "kabag_tu": "dekan",
        "wd1": "dekan",
        "wd2": "dekan",
        "wd3": "dekan",
        "dekan": None,
        "penjaminan_mutu": "dekan",
    }


def test_the_sop_identity_is_kept(sop):
    assert sop.number == "SOP/FAK. TEKNIK-UNMUL/SP-54"
    assert sop.made == "2018-01-05"
    assert sop.revision == 0  # a file; revisions are numbered when approved (sop/models.py)
    assert sop.form_code == "FO-UNMUL-FT-PM-7.2.01/L01"


def test_roles_carry_the_capabilities_the_screens_look_for(sop):
    def roles_with(capability):
        return {r.code for r in sop.roles_with(capability)}

    assert roles_with("keeps_office_settings") == {"head_of_administration"}
    assert roles_with("keeps_saved_replies") == {"clerk", "head_of_administration"}
    assert roles_with("receives_reports") == {"dean"}
    assert roles_with("reads_every_case") == {"dean", "head_of_administration", "quality_officer"}


def test_the_quality_officer_has_no_step_but_a_position(sop):
    assert not [s for s in sop.steps.values() if s.actor == "quality_officer"]
    assert [p.code for p in sop.positions_of_role("quality_officer")] == ["penjaminan_mutu"]


def test_action_kinds_mark_the_deferral_escalation_and_the_batched_report(sop):
    kinds = {(s.number, a.name): a.kind for s in sop.steps.values() for a in s.actions if a.kind}
    assert kinds == {
        (3, "defer"): "deferral",
        (11, "escalate"): "escalation",
        (12, "report"): "batch_report",
        (13, "receive_report"): "report_receipt",
    }


def test_an_action_records_its_own_output_when_it_is_not_the_steps(sop):
    defer = sop.step(3).action("defer")
    assert sop.step(3).output_of(defer)[0] != sop.step(3).output_id
    assert sop.step(3).output_of(sop.step(3).action("answer"))[0] == sop.step(3).output_id
    failed = sop.step(7).action("return_for_rework")
    assert sop.step(7).output_of(failed)[0].startswith("Tidak tervalidasi")


def test_the_customer_sees_received_until_the_clerk_answers_or_defers(sop):
    statuses = {s.number: s.customer_status for s in sop.case_steps()}
    assert {n for n, status in statuses.items() if status == "diterima"} == {2, 3}
    assert {n for n, status in statuses.items() if status == "diproses"} == set(range(4, 20))


def test_every_step_has_a_short_label_in_both_languages(sop):
    assert all(s.label_id and s.label_en for s in sop.steps.values())
    assert sop.step(7).label_id == "Validasi"


def test_paths_and_closures_are_named_in_the_definition_only(sop):
    assert set(sop.paths) == {"A", "B", "C"}
    assert sop.closed_in_flow("B") and not sop.closed_in_flow("spam")
    assert not sop.closures["spam"].tells_customer
    assert sop.closures["outside_remit"].shares_reason


def test_building_the_unchanged_dict_gives_the_same_steps(sop):
    assert build_sop(raw()).steps == sop.steps


# ---------------------------------------------------------------------------------------------
# Broken files: each stops loading, naming the place and the field


def test_an_unknown_role_as_a_steps_actor_is_refused_naming_the_step_and_actor():
    data = raw()
    step(data, 7)["actor"] = "secretary"
    message = refused(data)
    assert "step 7" in message and "'actor'" in message and "secretary" in message


def test_a_role_no_position_holds_is_refused_naming_the_step_and_actor():
    data = raw()
    data["roles"]["rector"] = {"name_id": "Rektor", "name_en": "Rector"}
    step(data, 15)["actor"] = "rector"
    message = refused(data)
    assert "step 15" in message and "'actor'" in message and "rector" in message


def test_a_position_with_an_unknown_role_is_refused_naming_the_position_and_role():
    data = raw()
    data["positions"]["wd1"]["role"] = "rector"
    message = refused(data)
    assert "position wd1" in message and "'role'" in message


def test_a_position_with_an_unknown_superior_is_refused_naming_the_position_and_superior():
    data = raw()
    data["positions"]["kasubbag"]["superior"] = "rektor"
    message = refused(data)
    assert "position kasubbag" in message and "'superior'" in message and "rektor" in message


def test_a_step_no_path_reaches_is_refused_naming_the_step():
    data = raw()
    # Escalation skips the Dean's receipt: nothing leads to step 14 any more.
    action(data, 11, "escalate")["to"] = 15
    message = refused(data)
    assert "step 14" in message and "no path reaches" in message and "'to'" in message


def test_an_extra_step_nobody_reaches_is_refused_naming_it():
    data = raw()
    extra = copy.deepcopy(step(data, 19))
    extra["number"] = 20
    extra["key"] = "second_archiving"
    data["steps"].append(extra)
    message = refused(data)
    assert "step 20" in message and "no path reaches" in message


def test_the_standing_step_1_needs_no_path_to_it():
    data = raw()
    assert "actions" not in step(data, 1)
    sop = build_sop(data)
    assert sop.step(1).standing


def test_a_step_without_actions_is_a_path_that_ends_there():
    data = raw()
    del step(data, 16)["actions"]
    message = refused(data)
    assert "step 16" in message and "'actions'" in message


def test_archive_leading_back_to_18_is_a_path_with_no_end():
    data = raw()
    # Path C would go 18 -> 19 -> 18 -> ... and never close.
    action(data, 19, "archive")["to"] = 18
    message = refused(data)
    assert "'actions'" in message and "never closes" in message
    assert "step 14" in message  # where the endless part of path C begins
    assert "19 → 18" in message  # and the loop that keeps it going


def test_a_loop_between_validation_and_rework_with_no_exit_is_refused():
    data = raw()
    action(data, 7, "validate")["to"] = 4
    message = refused(data)
    # 4 -> 5 -> 6 -> 7 -> 4 with no way out; steps 8.. are also cut off.
    assert "never closes" in message or "no path reaches" in message
    assert "step 4" in message or "step 8" in message


@pytest.mark.parametrize(
    "time",
    ["1 minggu", "sepuluh menit", 10, "10menit", "0 menit", "1.5 hari", "10 Menit", "", None],
    ids=repr,
)
def test_a_malformed_time_standard_is_refused_naming_the_step_and_time(time):
    data = raw()
    if time is None:
        del step(data, 5)["time"]
    else:
        step(data, 5)["time"] = time
    message = refused(data)
    assert "step 5" in message and "'time'" in message


@pytest.mark.parametrize(
    ("time", "seconds"),
    [("10 menit", 600), ("2 jam", 7200), ("1 hari", 30_600), ("3 hari", 91_800)],
)
def test_well_formed_time_standards_are_working_seconds(time, seconds):
    data = raw()
    step(data, 5)["time"] = time
    assert build_sop(data).step(5).time.working_seconds(DAY) == seconds


def test_one_day_is_one_working_day_of_the_calendar_however_long():
    # A calendar open 08:00-15:00 has seven-hour days: "1 hari" follows it.
    assert build_sop(raw()).step(3).time.working_seconds(7 * 3600) == 7 * 3600
    assert build_sop(raw()).step(2).time.working_seconds(7 * 3600) == 600


def test_a_working_day_length_in_the_sop_file_is_refused_as_a_second_source():
    data = raw()
    data["sop"]["working_day_hours"] = 8.5
    message = refused(data)
    assert "'working_day_hours'" in message and "ASPIRASI_WORKING_HOURS" in message


@pytest.mark.parametrize("to", [99, 0, "selesai", "19", True, None], ids=repr)
def test_an_unknown_to_step_is_refused_naming_the_step_action_and_to(to):
    data = raw()
    if to is None:
        del action(data, 8, "forward")["to"]
    else:
        action(data, 8, "forward")["to"] = to
    message = refused(data)
    assert "step 8" in message and "forward" in message and "'to'" in message


def test_a_to_leading_to_the_standing_step_is_refused():
    data = raw()
    action(data, 3, "defer")["to"] = 1
    message = refused(data)
    assert "step 3" in message and "'to'" in message and "standing" in message


def test_an_unknown_requirement_is_refused_naming_the_step_and_requires():
    data = raw()
    action(data, 4, "prepare_supporting_info")["requires"] = ["supporting_info", "signature"]
    message = refused(data)
    assert "step 4" in message and "'requires'" in message and "signature" in message


def test_requirements_not_written_as_a_list_are_refused():
    data = raw()
    action(data, 3, "answer")["requires"] = "response"
    message = refused(data)
    assert "step 3" in message and "'requires'" in message


def test_an_unknown_requirement_of_a_closure_is_refused_naming_the_closure():
    data = raw()
    data["closures"]["spam"]["requires"] = ["reason", "stamp"]
    message = refused(data)
    assert "closure spam" in message and "'requires'" in message and "stamp" in message


def test_a_duplicate_step_number_is_refused_naming_the_step_and_number():
    data = raw()
    data["steps"][5]["number"] = 5  # the sixth entry (step 6) claims number 5
    message = refused(data)
    assert "step 5" in message and "'number'" in message


@pytest.mark.parametrize("number", [0, -3, "6", 6.0, True], ids=repr)
def test_a_step_number_that_is_not_a_positive_integer_is_refused(number):
    data = raw()
    data["steps"][5]["number"] = number
    message = refused(data)
    assert "step #6" in message and "'number'" in message


def test_a_second_entry_step_is_refused_naming_both():
    data = raw()
    step(data, 3)["entry"] = True
    message = refused(data)
    assert "'entry'" in message and "2" in message and "3" in message


def test_a_missing_entry_step_is_refused():
    data = raw()
    del step(data, 2)["entry"]
    message = refused(data)
    assert "'entry'" in message


def test_a_closing_action_without_a_path_is_refused():
    data = raw()
    del action(data, 3, "answer")["path"]
    message = refused(data)
    assert "step 3" in message and "answer" in message and "'path'" in message


def test_a_path_the_paths_table_does_not_name_is_refused():
    data = raw()
    action(data, 19, "archive")["path"] = "D"
    message = refused(data)
    assert "step 19" in message and "'path'" in message


def test_a_verdict_other_than_valid_or_invalid_is_refused():
    data = raw()
    action(data, 7, "validate")["verdict"] = "ok"
    message = refused(data)
    assert "step 7" in message and "'verdict'" in message


def test_using_the_response_of_a_step_that_writes_none_is_refused():
    data = raw()
    action(data, 18, "deliver")["uses_response_of"] = 16
    message = refused(data)
    assert "step 18" in message and "'uses_response_of'" in message


def test_two_actions_of_the_same_name_at_a_step_are_refused():
    data = raw()
    action(data, 3, "defer")["name"] = "answer"
    message = refused(data)
    assert "step 3" in message and "'actions'" in message


def test_a_closure_named_like_a_step_action_is_refused():
    # The engine finds an action by name; a closure called "answer" would hide step 3's answer.
    data = raw()
    data["closures"]["answer"] = data["closures"].pop("spam")
    message = refused(data)
    assert "closure answer" in message and "step 3" in message


def test_an_empty_activity_text_is_refused_naming_the_step():
    data = raw()
    step(data, 10)["activity_id"] = "  "
    message = refused(data)
    assert "step 10" in message and "'activity_id'" in message


@pytest.mark.parametrize(
    ("capability", "words"),
    [
        ("keeps_office_settings", ["[roles]", "'keeps_office_settings'"]),
        ("keeps_saved_replies", ["[roles]", "'keeps_saved_replies'"]),
        ("receives_reports", ["'receives_reports'"]),
    ],
)
def test_a_capability_the_screens_need_missing_from_every_role_is_refused(capability, words):
    data = raw()
    for role in data["roles"].values():
        role.pop(capability, None)
    message = refused(data)
    for word in words:
        assert word in message


def _unknown_capability(data):
    data["roles"]["dean"]["signs_letters"] = True


def _unknown_kind(data):
    action(data, 11, "escalate")["kind"] = "escalate"


def _report_nobody_receives(data):
    del action(data, 13, "receive_report")["kind"]


def _unknown_customer_status(data):
    step(data, 9)["customer_status"] = "ditanggapi"


def _no_short_label(data):
    del step(data, 9)["label_en"]


def _path_nothing_closes(data):
    data["paths"]["D"] = {"label_id": "Alur D", "label_en": "Path D"}


@pytest.mark.parametrize(
    ("break_it", "words"),
    [
        (_unknown_capability, ["role dean", "signs_letters"]),
        (_unknown_kind, ["step 11", "escalate", "'kind'"]),
        (_report_nobody_receives, ["'kind'", "report_receipt"]),
        (_unknown_customer_status, ["step 9", "'customer_status'"]),
        (_no_short_label, ["step 9", "'label_en'"]),
        (_path_nothing_closes, ["path D"]),
    ],
    ids=lambda value: getattr(value, "__name__", "")[1:],
)
def test_a_definition_the_code_cannot_read_is_refused_naming_place_and_field(break_it, words):
    data = raw()
    break_it(data)
    message = refused(data)
    for word in words:
        assert word in message


def test_every_error_names_the_file(tmp_path):
    data = tmp_path / "revisi.toml"
    data.write_text(
        DEFAULT_SOP_FILE.read_text(encoding="utf-8").replace(
            'actor = "head_of_administration"', 'actor = "satpam"', 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(SopDefinitionError, match="revisi.toml") as error:
        load_sop(data)
    assert "field 'actor'" in str(error.value) and "satpam" in str(error.value)


def test_a_file_that_is_not_toml_is_refused_naming_the_file(tmp_path):
    broken = tmp_path / "sop.toml"
    broken.write_text("[sop\nnumber = 1", encoding="utf-8")
    with pytest.raises(SopDefinitionError, match="not valid TOML"):
        load_sop(broken)


def test_a_missing_file_is_refused_naming_the_file(tmp_path):
    with pytest.raises(SopDefinitionError, match="does not exist"):
        load_sop(tmp_path / "nowhere.toml")


def test_closing_is_spelled_closed():
    assert CLOSED == "closed"


def test_every_step_has_a_key_that_is_the_same_in_every_revision(sop):
    keys = [s.key for s in sop.steps.values()]
    assert len(set(keys)) == len(keys) == len(sop.steps)
    assert sop.steps_by_key["validation"].number == 7
    assert sop.step_key(7) == "validation"


def test_a_step_without_a_key_or_with_a_taken_one_is_refused_naming_it():
    data = raw()
    del step(data, 7)["key"]
    message = refused(data)
    assert "step 7" in message and "field 'key'" in message
    data = raw()
    step(data, 8)["key"] = "validation"
    message = refused(data)
    assert "step 8" in message and "'validation' is used twice" in message


def test_the_file_no_longer_numbers_its_own_revision():
    data = raw()
    data["sop"]["revision"] = "2018-01-05"
    assert "field 'revision' is no longer read" in refused(data)
