"""The worker's intervals, from settings.ASPIRASI_WORKER, each overridable by run_worker's
arguments (tests set them to fractions of a second)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace

from django.conf import settings

# The share of the lease one SMTP session may use (see WorkerConfig.send_seconds).
SEND_SHARE = 0.5

DEFAULTS = {
    "POLL_SECONDS": 1.0,
    "LEASE_SECONDS": 120.0,
    "BACKOFF_SECONDS": 30.0,
    "BACKOFF_MAX_SECONDS": 3600.0,
    "JOB_LEASE_SECONDS": 900.0,
    "SLA_WATCH_SECONDS": 300.0,
}


@dataclass(frozen=True)
class WorkerConfig:
    poll_seconds: float
    lease_seconds: float
    backoff_seconds: float
    backoff_max_seconds: float
    job_lease_seconds: float
    sla_watch_seconds: float

    @property
    def lease(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.lease_seconds)

    @property
    def job_lease(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.job_lease_seconds)

    @property
    def send_seconds(self) -> float:
        """The longest one SMTP session may take, counted from the claim: well under the lease,
        so the message is handed over (or given up) while the lease surely still holds. The
        rest of the lease covers recording the outcome and a slow database."""
        return self.lease_seconds * SEND_SHARE

    def backoff(self, attempts: int) -> dt.timedelta:
        """The wait before attempt `attempts + 1`: doubling from the base, capped."""
        exponent = max(0, min(attempts - 1, 30))
        seconds = min(self.backoff_seconds * (2**exponent), self.backoff_max_seconds)
        return dt.timedelta(seconds=seconds)


def worker_config(**overrides: float | None) -> WorkerConfig:
    """The configuration in force: settings, then any non-None override (by field name)."""
    configured = {**DEFAULTS, **getattr(settings, "ASPIRASI_WORKER", {})}
    values = {f.name: float(configured[f.name.upper()]) for f in fields(WorkerConfig)}
    for name, value in values.items():
        if value < 0:
            raise ValueError(f"ASPIRASI_WORKER[{name.upper()!r}] must not be negative")
    config = WorkerConfig(**values)
    return replace(config, **{k: float(v) for k, v in overrides.items() if v is not None})


_active: WorkerConfig | None = None


def activate(config: WorkerConfig | None) -> None:
    """Make `config` the one deliveries and jobs in this process use (run_worker's arguments)."""
    global _active
    _active = config


def current_config() -> WorkerConfig:
    return _active or worker_config()
