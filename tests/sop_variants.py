"""Copies of the real SOP file, changed as a faculty might change its procedure.

The suite can run under any of them (ASPIRASI_TEST_SOP_VARIANT=<name>, see tests/settings.py),
which shows what in the tests still spells the SOP out instead of walking it; the test files of
tests/sop/ use them directly.
"""

from __future__ import annotations

import re

from aspirasi.sop.registry import DEFAULT_SOP_FILE

REAL_TEXT = DEFAULT_SOP_FILE.read_text(encoding="utf-8")

# A second validation after step 7, by the same desk: steps 8..19 become 9..20.
SECOND_VALIDATION = """[[steps]]
number = 8
actor = "head_of_administration"
key = "second_validation"
label_id = "Validasi kedua"
label_en = "Second validation"
customer_status = "diproses"
activity_id = "Memvalidasi ulang dukungan informasi sebelum diteruskan"
activity_en = "Validate the supporting information once more before it is forwarded"
needs_id = "Formulir aspirasi, dukungan informasi"
needs_en = "Aspiration form, supporting information"
time = "2 jam"
output_id = "Tervalidasi ulang"
output_en = "Validated again"
  [[steps.actions]]
  name = "validate_again"
  label_id = "Dukungan informasi tetap sesuai"
  label_en = "The supporting information still fits"
  to = 9
  requires = ["has_supporting_info"]

"""


def renumbered_from(text: str, first: int, by: int = 1) -> str:
    """Every step number (and every reference to one) from `first` on, moved up by `by`."""

    def bump(match: re.Match) -> str:
        number = int(match["n"])
        return f"{match['key']} = {number + by if number >= first else number}"

    return re.sub(r"(?m)(?P<key>^\s*(?:number|to|uses_response_of)) = (?P<n>\d+)", bump, text)


def with_second_validation(text: str = REAL_TEXT) -> str:
    text = renumbered_from(text, 8)
    # A valid first validation now leads to the second one.
    valid = '  to = 9\n  requires = ["has_supporting_info"]\n  verdict = "valid"'
    assert text.count(valid) == 1
    text = text.replace(valid, valid.replace("to = 9", "to = 8"))
    anchor = "[[steps]]\nnumber = 9\n"
    assert text.count(anchor) == 1
    return text.replace(anchor, SECOND_VALIDATION + anchor)


def with_forwarding_by_the_clerk(text: str = REAL_TEXT, number: int = 8) -> str:
    """The step that forwards to the vice dean (8) moved from the Kabag TU to the clerk."""
    old = f'number = {number}\nactor = "head_of_administration"'
    assert text.count(old) == 1
    return text.replace(old, f'number = {number}\nactor = "clerk"')


def renamed(text: str = REAL_TEXT) -> str:
    """Every role, action and closure renamed consistently (positions keep their codes)."""
    names = {
        # roles
        "clerk": "petugas_layanan",
        "head_of_administration": "kepala_tata_usaha",
        "vice_dean": "wakil_pimpinan",
        "dean": "pimpinan",
        "quality_officer": "penjamin_mutu",
        # actions
        "receive": "terima",
        "answer": "jawab",
        "defer": "tunda",
        "prepare_supporting_info": "siapkan_dukungan",
        "hand_over": "serahkan",
        "acknowledge": "terima_berkas",
        "validate": "validasi",
        "return_for_rework": "kembalikan",
        "forward": "teruskan",
        "send_back": "tolak_disposisi",
        "draft_response": "rancang",
        "communicate": "sampaikan",
        "escalate": "naikkan",
        "report": "laporkan",
        "receive_report": "terima_laporan",
        "respond": "tanggapi",
        "send_to_vice_dean": "kirim_balik",
        "deliver": "antar",
        "archive": "arsipkan",
        # closures
        "spam": "sampah",
        "duplicate": "ganda",
        "outside_remit": "bukan_wewenang",
        "withdrawn": "ditarik",
    }

    def quoted(match: re.Match) -> str:
        return f'{match["key"]} = "{names.get(match["name"], match["name"])}"'

    text = re.sub(r'(?m)(?P<key>^\s*(?:name|actor|role)) = "(?P<name>[a-z_]+)"', quoted, text)

    def table(match: re.Match) -> str:
        return f"[{match['kind']}.{names.get(match['name'], match['name'])}]"

    return re.sub(r"(?m)^\[(?P<kind>roles|closures)\.(?P<name>[a-z_]+)\]", table, text)


def without_reading_every_case(*roles: str, text: str = REAL_TEXT) -> str:
    """These roles no longer read every case (decision 11): they read what passes their desks
    and what waits below them."""
    for role in roles:
        section = re.compile(rf"(\[roles\.{role}\]\n(?:[^\[\n].*\n)*?)reads_every_case = true\n")
        text, changed = section.subn(r"\1", text)
        assert changed == 1, role
    return text


def with_superior(position: str, superior: str, text: str = REAL_TEXT) -> str:
    """The position's superior line (decision 16) leads to another position."""
    section = re.compile(
        rf'(\[positions\.{position}\]\n(?:[^\[\n].*\n)*?)superior = "[a-z_0-9]+"\n'
    )
    text, changed = section.subn(rf'\1superior = "{superior}"\n', text)
    assert changed == 1, position
    return text


VARIANTS = {
    "second_validation": with_second_validation,
    "forwarding_by_the_clerk": with_forwarding_by_the_clerk,
    "renamed": renamed,
    "second_validation_and_forwarding_by_the_clerk": lambda: with_forwarding_by_the_clerk(
        with_second_validation(), number=9
    ),
}


def variant_text(name: str) -> str:
    try:
        make = VARIANTS[name]
    except KeyError:
        raise RuntimeError(
            f"ASPIRASI_TEST_SOP_VARIANT must be one of {', '.join(VARIANTS)}, not {name!r}"
        ) from None
    return make()
