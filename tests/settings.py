"""Settings for the test suite: the project's own, with a cheap password hasher."""

from aspirasi.settings import *  # noqa: F403

# The default hasher costs a good part of a second per user on purpose; tests make many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
