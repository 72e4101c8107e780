"""Which of a case's files a page lists, and under which name."""

from django import template

from aspirasi.cases.choices import Privacy

from ..models import Attachment

register = template.Library()


@register.filter
def case_files(case):
    """The case's own files (sent with it, the scan of its paper form); a response's files are
    listed with their response."""
    return Attachment.objects.filter(aspiration=case, response__isnull=True).order_by("id")


@register.filter
def names_shown(case, may_see_identity) -> bool:
    """Whether an official sees the files' own names and may download them: always, except on
    a confidential case to an official who may not see its identity (see views.py)."""
    return case.privacy != Privacy.CONFIDENTIAL or bool(may_see_identity)
