from aspirasi.cases.models import Aspiration

from .forms import NoteForm


def notes_context(case: Aspiration, form: NoteForm | None = None) -> dict:
    """The case page's internal notes and the form to add one (officials' pages only)."""
    return {
        "internal_notes": case.internal_notes.order_by("created_at", "id"),
        "note_form": form or NoteForm(),
    }
