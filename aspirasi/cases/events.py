"""What happens to a case, told to whoever listens.

Intake and the engine publish; the notifications (the outbox) and the search index subscribe,
in their AppConfig.ready, so the case record imports neither. Receivers run synchronously inside
the transaction that made the change: a row they write (a message in the outbox, an index
entry) commits or rolls back with the change itself, and a receiver that fails undoes it. Work
outside the database belongs in `transaction.on_commit` within the receiver.
"""

from django.dispatch import Signal

# A case was opened. Arguments: case, secret (of its tracking link, which exists only now),
# entered_by (the official who typed it in, or None), now.
case_received = Signal()

# The engine moved a case one action on. Arguments: case (as it is afterwards), record (the
# new line of its trail).
case_moved = Signal()

# The customer clarified an open case. Arguments: case, clarification.
case_clarified = Signal()
