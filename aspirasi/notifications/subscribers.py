"""The notifications listen to the case record's events (aspirasi/cases/events.py) and enqueue
their messages in the transaction of the change."""

from aspirasi.cases import events

from .notify import notify_case_moved, notify_case_received, notify_clarification


def _received(sender, *, case, secret, entered_by, now, **kwargs) -> None:
    notify_case_received(case, secret, entered_by=entered_by, now=now)


def _moved(sender, *, case, record, **kwargs) -> None:
    notify_case_moved(case, record)


def _clarified(sender, *, case, clarification, **kwargs) -> None:
    notify_clarification(case, clarification)


def subscribe() -> None:
    events.case_received.connect(_received, dispatch_uid="notifications.case_received")
    events.case_moved.connect(_moved, dispatch_uid="notifications.case_moved")
    events.case_clarified.connect(_clarified, dispatch_uid="notifications.case_clarified")
