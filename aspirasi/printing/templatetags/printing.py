from django import template

from ..handoff import pending_secret, receipt_minutes

register = template.Library()


@register.simple_tag(takes_context=True)
def receipt_pending(context, case) -> int:
    """The minutes a receipt slip stays printable after intake, when this browser may still print
    the case's slip; 0 when it may not."""
    request = context.get("request")
    if request is None or pending_secret(request, case) is None:
        return 0
    return receipt_minutes()
