"""Every outgoing message of the system: recorded in an outbox, delivered by the worker."""
