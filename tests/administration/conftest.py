# The loopback mail server and an in-process worker, for the password-link tests.
from tests.notifications.conftest import drain, mail_server, mail_settings  # noqa: F401
