"""Every page carries a content security policy that allows no inline script or style, and no
page holds one: no <script> without src, no <style>, no style= or on...= attribute."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import walked

pytestmark = pytest.mark.django_db


class InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found += [
            f"{tag} {name}=" for name in names if name == "style" or name.startswith("on")
        ]


def inline_parts(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_every_page_has_the_policy_and_no_inline_script_or_style(client, officials):
    case = walked(until="validate")
    public = [
        reverse("public:home"),
        reverse("public:submit"),
        reverse("public:track_lookup"),
        reverse("desk:login"),
    ]
    for url in public:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy, url
        assert "frame-ancestors 'none'" in policy
        assert inline_parts(response.content.decode()) == [], url

    client.force_login(officials["kabag"])
    desk = [
        reverse("desk:inbox"),
        reverse("desk:case", args=[case.tracking_code]),
        reverse("revisions:index"),
        reverse("administration:home"),
        reverse("survey:ikm"),
    ]
    for url in desk:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response.headers, url
        assert inline_parts(response.content.decode()) == [], url


def test_the_finder_sees_what_the_policy_would_block():
    html = '<p style="color:red" onclick="x()">a</p><script>alert(1)</script><style></style>'
    assert sorted(inline_parts(html)) == sorted(
        ["p style=", "p onclick=", "<script> without src", "<style>"]
    )
