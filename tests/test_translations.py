"""The interface is Indonesian first: every catalogue is fully translated, and a word means the
same in all of them (the project's catalogue wins over an app's, so a clash would silently
change what an app's page says)."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1] / "aspirasi"
CATALOGUES = sorted(ROOT.glob("**/locale/id/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    catalogue = polib.pofile(str(path))
    open_entries = [
        e.msgid for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)
    ]
    assert open_entries == []


def test_a_word_is_translated_the_same_in_every_catalogue():
    seen: dict[tuple[str | None, str], tuple[str, Path]] = {}
    clashes = []
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.msgid_plural:
                continue
            key = (entry.msgctxt, entry.msgid)
            if key in seen and seen[key][0] != entry.msgstr:
                clashes.append((entry.msgid, seen[key], (entry.msgstr, path)))
            seen.setdefault(key, (entry.msgstr, path))
    assert clashes == []
