from django import template

from aspirasi.notifications.selectors import OpenWarnings, held_messages_of, open_warnings_for

register = template.Library()


@register.simple_tag(takes_context=True)
def open_warnings(context):
    """The signed-in official's warnings whose step is still waiting (for the inbox)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return OpenWarnings(0, [])
    # The desk's context processor has read the user's positions for this request already.
    held = context.get("my_capacities")
    positions = [c.position for c in held] if held is not None else None
    return open_warnings_for(user, positions=positions)


@register.simple_tag
def held_messages(case):
    """The case's messages to its customer that were held back (for the case page)."""
    return held_messages_of(case)
