"""Settings for a worker the tests start as a separate process (manage.py run_worker): the
project's own, on the test's database (ASPIRASI_TEST_WORKER_DATABASE, the test process's
connection settings as JSON). The mail server comes from ASPIRASI_SMTP_HOST/PORT as usual."""

import json
import os

from aspirasi.settings import *  # noqa: F403

DATABASES = {"default": json.loads(os.environ["ASPIRASI_TEST_WORKER_DATABASE"])}
