"""Whether the sender of a message is who its From says, by the site's own mail server's word.

A From header is whatever the sender typed. The faculty's MTA can check it (SPF, DKIM, DMARC;
e.g. with OpenDKIM/OpenDMARC or rspamd) and write its verdict into an Authentication-Results
header (RFC 8601) under its own name, the authserv-id. Only headers with that name are read, and
only when ASPIRASI_MAIL_TRUSTED_AUTHSERV_ID says which name it is: anyone can write such a header
into a message, so the MTA must also remove copies of its own name that arrive from outside
(RFC 8601 section 5). Should one slip through anyway, a failure in any of them still counts.

The sender is verified when DMARC passed; without a DMARC verdict (none, or no policy), when SPF
or DKIM passed for the From's own domain or one above or below it (relaxed alignment, without a
public-suffix list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from .reading import ReadMail

_COMMENT = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class Verdict:
    verified: bool
    detail: str  # what the MTA said, for the record


@dataclass(frozen=True)
class Result:
    method: str  # spf, dkim, dmarc...
    result: str  # pass, fail, softfail, none...
    properties: dict[str, str]


def sender_verdict(mail: ReadMail) -> Verdict | None:
    """The trusted MTA's verdict on the From address; None when no MTA is trusted (the check is
    off). A message without the trusted header is not verified: the MTA was said to add it."""
    trusted = settings.ASPIRASI_MAIL_TRUSTED_AUTHSERV_ID.strip().lower()
    if not trusted:
        return None
    results = [
        result
        for header in mail.headers.get("authentication-results", [])
        if (parsed := parse(header)) is not None and parsed[0] == trusted
        for result in parsed[1]
    ]
    if not results:
        return Verdict(False, f"no Authentication-Results from {trusted}")
    detail = "; ".join(f"{r.method}={r.result}" for r in results)[:300]
    domain = mail.sender.rpartition("@")[2]
    return Verdict(_verified(results, domain), detail)


def _verified(results: list[Result], domain: str) -> bool:
    dmarc = {r.result for r in results if r.method == "dmarc"}
    if "fail" in dmarc:
        return False
    if "pass" in dmarc:
        return True
    if not domain:
        return False
    return any(r.result == "pass" and _aligned(_passed_for(r), domain) for r in results)


def _passed_for(result: Result) -> str:
    """The domain an SPF or DKIM result speaks for ("" for any other method)."""
    if result.method == "spf":
        return _domain_of(result.properties.get("smtp.mailfrom", ""))
    if result.method == "dkim":
        signer = result.properties.get("header.d", "")
        return signer or _domain_of(result.properties.get("header.i", ""))
    return ""


def parse(header: str) -> tuple[str, list[Result]] | None:
    """(authserv-id, results) of one Authentication-Results header; None when unreadable."""
    text = header
    while _COMMENT.search(text):
        text = _COMMENT.sub(" ", text)
    parts = [p.strip() for p in text.split(";")]
    head = parts[0].split()
    if not head:
        return None
    results = [r for r in (_result(p) for p in parts[1:]) if r is not None]
    return head[0].strip().lower(), results


def _result(text: str) -> Result | None:
    words = text.split()
    if not words or "=" not in words[0]:
        return None  # "none": no results at all
    method, _sep, result = words[0].partition("=")
    properties = {}
    for word in words[1:]:
        name, sep, value = word.partition("=")
        if sep:
            properties[name.lower()] = value.strip('"').lower()
    return Result(method.split("/")[0].lower(), result.lower(), properties)


def _domain_of(value: str) -> str:
    return value.rpartition("@")[2].strip("<>. ").lower()


def _aligned(one: str, other: str) -> bool:
    one, other = one.strip(".").lower(), other.strip(".").lower()
    if not one or not other:
        return False
    return one == other or one.endswith("." + other) or other.endswith("." + one)
