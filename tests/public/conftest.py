"""The customer-side fixtures (tests/public/helpers.py) for the tests here."""

from tests.public.helpers import client, fresh_limits, media  # noqa: F401
