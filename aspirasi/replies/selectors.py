"""Reading saved replies: who keeps them, and which a response form offers."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from aspirasi.cases.models import Aspiration
from aspirasi.officials.capabilities import has_capability
from aspirasi.search.similar import writes_response

from .models import SavedReply


def may_manage_replies(user) -> bool:
    """The officials whose SOP role keeps the saved replies (the clerk, who answers most
    questions, and the Kabag TU above them), and the admin."""
    return has_capability(user, "keeps_saved_replies")


def replies_for(case: Aspiration) -> QuerySet[SavedReply]:
    """Active replies of the case's category, and those meant for every category."""
    return (
        SavedReply.objects.filter(Q(category=case.category) | Q(category__isnull=True), active=True)
        .select_related("category")
        # The category's own first, the general ones after, the same on SQLite and PostgreSQL.
        .order_by(F("category__order").asc(nulls_last=True), "title", "id")
    )


def replies_context(case: Aspiration, forms, user) -> dict:
    """The picker beside every response form that has a text to fill."""
    picking = {
        form.action.name for form in forms if writes_response(form.action) and "text" in form.fields
    }
    return {
        "picker_actions": picking,
        "saved_replies": list(replies_for(case)) if picking else [],
        "may_manage_replies": bool(picking) and may_manage_replies(user),
    }
