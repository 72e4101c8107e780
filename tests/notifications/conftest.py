import time

import pytest

from aspirasi.notifications.config import activate, worker_config
from aspirasi.notifications.worker import Worker

from .mailserver import MailServer

# Every interval short: no test ever waits through a real back-off or lease.
FAST = {
    "POLL_SECONDS": 0.01,
    "LEASE_SECONDS": 5,
    "BACKOFF_SECONDS": 0.05,
    "BACKOFF_MAX_SECONDS": 0.2,
    "JOB_LEASE_SECONDS": 10,
    "SLA_WATCH_SECONDS": 0.2,
}


@pytest.fixture
def mail_server():
    server = MailServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_settings(settings, mail_server):
    """Outgoing mail goes to the loopback server through the real SMTP backend."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mail_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.ASPIRASI_SITE_URL = "https://aspirasi.ft.example"
    settings.ASPIRASI_WORKER = dict(FAST)
    return settings


@pytest.fixture
def drain(mail_settings):
    """Run a worker in this process until no message is due (periodic jobs off); returns how
    many messages it handled."""

    def run(**overrides) -> int:
        config = worker_config(**overrides)
        return Worker(worker_id="test-worker", config=config, run_schedule=False).run(
            until_idle=True
        )

    return run


@pytest.fixture
def work_until(mail_settings):
    """Run a worker in this process until `predicate()` holds (bounded by `timeout`)."""

    def run(predicate, *, timeout: float = 15.0, **overrides) -> None:
        worker = Worker(
            worker_id="test-worker", config=worker_config(**overrides), run_schedule=False
        )
        activate(worker.config)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if predicate():
                    return
                if not worker.run_once():
                    time.sleep(0.01)
        finally:
            activate(None)
        raise AssertionError(f"not reached within {timeout} s")

    return run
