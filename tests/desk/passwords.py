"""What the password tests share: reading a password link out of a delivered e-mail, and
following it as the official does."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SITE = "https://aspirasi.ft.example"
_LINK_RE = re.compile(re.escape(SITE) + r"(/meja/sandi/atur/[^/\s]+/[^/\s]+/)")


def link_path(text: str) -> str:
    """The path of the one password link in an e-mail's text."""
    [path] = set(_LINK_RE.findall(text))
    return path


def token_of(path: str) -> str:
    return urlsplit(path).path.rstrip("/").rsplit("/", 1)[1]


def choose_password(client, path: str, password: str):
    """Open the link as the official does (Django moves the token into the session and
    redirects), then send the new password twice."""
    opened = client.get(path, follow=True)
    assert opened.status_code == 200 and opened.context["validlink"], path
    form_url = opened.redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": password, "new_password2": password})
