"""The words of every message: one function per kind, each returning an Outgoing in the
recipient's language (Indonesian unless they chose English), with a plain-text and an HTML body
rendered from the same letter."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aspirasi.cases.selectors import DUE_MARK_LABELS
from aspirasi.sop.registry import current_sop

from .models import Kind
from .outbox import Outgoing
from .recipients import official_language

LANGUAGES = ("id", "en")


@dataclass
class Letter:
    """What a message says, before it is laid out as text and as HTML."""

    subject: str
    greeting: str
    paragraphs: list[str]
    facts: list[tuple[str, str]] = field(default_factory=list)
    quote: str = ""
    after_quote: list[str] = field(default_factory=list)
    link_label: str = ""
    link: str = ""
    # The daily digest's table: (code, subject, step, due, mark, url)
    rows: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    more: str = ""


def language_of(code: str | None) -> str:
    code = (code or "id")[:2].lower()
    return code if code in LANGUAGES else "id"


def site_link(path: str) -> str:
    return settings.ASPIRASI_SITE_URL.rstrip("/") + path


def when(moment: dt.datetime | None) -> str:
    """A moment in the faculty's time, in the active language ("3 November 2026, 09:00 WITA")."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'j F Y, H:i')} WITA"


_STANDARD_RE = re.compile(r"^(?P<n>\d+)\s+(?P<unit>menit|jam|hari)$")


def standard_text(text: str) -> str:
    """The SOP's time standard ("1 hari", "10 menit") in the active language."""
    match = _STANDARD_RE.match(text or "")
    if not match:
        return text
    n, unit = int(match["n"]), match["unit"]
    if unit == "menit":
        return ngettext("%(n)s working minute", "%(n)s working minutes", n) % {"n": n}
    if unit == "jam":
        return ngettext("%(n)s working hour", "%(n)s working hours", n) % {"n": n}
    return ngettext("%(n)s working day", "%(n)s working days", n) % {"n": n}


def render(letter: Letter, *, kind: str, to: str, language: str, forget_body=False) -> Outgoing:
    context = {"letter": letter, "site_url": settings.ASPIRASI_SITE_URL.rstrip("/")}
    with translation.override(language):
        text = render_to_string("notifications/email/letter.txt", context)
        html = render_to_string("notifications/email/letter.html", context)
    return Outgoing(
        kind=kind,
        to=to,
        subject=f"[Aspirasi FT Unmul] {letter.subject}"[:250],
        text_body=text,
        html_body=html,
        language=language,
        forget_body=forget_body,
    )


def _customer_greeting(case) -> str:
    if case.customer_name:
        return _("Dear %(name)s,") % {"name": case.customer_name}
    return _("Dear customer,")


def _official_greeting(user) -> str:
    return _("Dear %(name)s,") % {"name": user.get_full_name() or user.get_username()}


def _tracking_page_paragraph() -> str:
    return _(
        "To read your case, open the secret link from our first e-mail, or enter your tracking "
        "code and secret key on the tracking page."
    )


# ---------------------------------------------------------------------------------------------
# To the customer


def receipt(case, secret: str) -> Outgoing:
    language = language_of(case.language)
    link = site_link(reverse("public:track", args=[case.tracking_code, secret]))
    with translation.override(language):
        letter = Letter(
            subject=_("Your aspiration has been received: %(code)s") % {"code": case.tracking_code},
            greeting=_customer_greeting(case),
            paragraphs=[
                _(
                    "Thank you. Your aspiration “%(subject)s” has been received by the Faculty of "
                    "Engineering, Mulawarman University, and is handled as SOP SP-54 prescribes."
                )
                % {"subject": case.subject},
                _(
                    "Keep this e-mail: the secret link below is the only way to open your case. "
                    "Do not share it."
                ),
            ],
            facts=[
                (_("Tracking code"), case.tracking_code),
                (_("Received at"), when(case.arrived_at)),
            ],
            link_label=_("Open your case"),
            link=link,
        )
        return render(
            letter, kind=Kind.RECEIPT, to=case.customer_email, language=language, forget_body=True
        )


def response_given(case, response, *, closed: bool) -> Outgoing:
    language = language_of(case.language)
    with translation.override(language):
        after = [_("Your case is now closed.")] if closed else []
        files = [a.download_name for a in response.files.all()] if response is not None else []
        if files:
            after.insert(
                0,
                ngettext(
                    "The response comes with a file, which you can download from the tracking "
                    "page: %(names)s.",
                    "The response comes with files, which you can download from the tracking "
                    "page: %(names)s.",
                    len(files),
                )
                % {"names": ", ".join(files)},
            )
        letter = Letter(
            subject=_("A response to your aspiration %(code)s") % {"code": case.tracking_code},
            greeting=_customer_greeting(case),
            paragraphs=[
                _("The faculty has responded to your aspiration “%(subject)s”:")
                % {"subject": case.subject}
            ],
            quote=response.text if response is not None else "",
            after_quote=[*after, _tracking_page_paragraph()],
            facts=[
                (_("Tracking code"), case.tracking_code),
                (_("Responded by"), response.position_name if response is not None else "—"),
            ],
            link_label=_("Tracking page"),
            link=site_link(reverse("public:track_lookup")),
        )
        return render(letter, kind=Kind.RESPONSE_GIVEN, to=case.customer_email, language=language)


def holding_message(case, text: str) -> Outgoing:
    """The clerk cannot answer yet and says so (decision 12); the case goes on."""
    language = language_of(case.language)
    with translation.override(language):
        letter = Letter(
            subject=_("Your aspiration %(code)s is being handled") % {"code": case.tracking_code},
            greeting=_customer_greeting(case),
            paragraphs=[
                _(
                    "Your aspiration “%(subject)s” cannot be answered at once; it goes on to the "
                    "officials who can answer it. A message from the faculty:"
                )
                % {"subject": case.subject}
            ],
            quote=text,
            after_quote=[_tracking_page_paragraph()],
            facts=[(_("Tracking code"), case.tracking_code)],
            link_label=_("Tracking page"),
            link=site_link(reverse("public:track_lookup")),
        )
        return render(letter, kind=Kind.HOLDING_MESSAGE, to=case.customer_email, language=language)


def case_closed(case, *, reason: str = "", original_code: str = "") -> Outgoing:
    """The customer is told their case closed outside the flow, in the closure's own words
    from the SOP file (read here, in the customer's language); the closure's `reason` reaches
    them only where the SOP file gives it a heading."""
    language = language_of(case.language)
    with translation.override(language):
        paragraphs = [
            _("Your aspiration “%(subject)s” has been closed.") % {"subject": case.subject}
        ]
        if original_code:
            paragraphs.append(
                _("It repeats case %(code)s, which is handled instead; please follow that case.")
                % {"code": original_code}
            )
        closure = case.sop.closures.get(case.closure)
        if closure is not None and closure.customer_message:
            paragraphs.append(closure.customer_message)
        if reason and closure is not None and closure.shares_reason:
            paragraphs.append(f"{closure.reason_heading}: {reason}")
        paragraphs.append(_tracking_page_paragraph())
        letter = Letter(
            subject=_("Your case %(code)s is closed") % {"code": case.tracking_code},
            greeting=_customer_greeting(case),
            paragraphs=paragraphs,
            facts=[
                (_("Tracking code"), case.tracking_code),
                (_("Closed at"), when(case.closed_at)),
            ],
            link_label=_("Tracking page"),
            link=site_link(reverse("public:track_lookup")),
        )
        return render(letter, kind=Kind.CASE_CLOSED, to=case.customer_email, language=language)


def survey_invitation(case) -> Outgoing:
    language = language_of(case.language)
    with translation.override(language):
        letter = Letter(
            subject=_("How did we do? A short survey about case %(code)s")
            % {"code": case.tracking_code},
            greeting=_customer_greeting(case),
            paragraphs=[
                _(
                    "Your case “%(subject)s” has been closed. Please tell us how satisfied you "
                    "are with our service: it takes a few minutes and helps the faculty improve."
                )
                % {"subject": case.subject},
                _(
                    "Open your case on the tracking page (with your tracking code and secret key) "
                    "to fill in the satisfaction survey."
                ),
            ],
            facts=[(_("Tracking code"), case.tracking_code)],
            link_label=_("Tracking page"),
            link=site_link(reverse("public:track_lookup")),
        )
        return render(
            letter, kind=Kind.SURVEY_INVITATION, to=case.customer_email, language=language
        )


# ---------------------------------------------------------------------------------------------
# To officials, in the language each chose (Indonesian unless they chose English)


def _official_language(user, language: str | None) -> str:
    return language_of(language or official_language(user))


def _case_facts(case, step) -> list[tuple[str, str]]:
    return [
        (_("Tracking code"), case.tracking_code),
        (_("Step"), f"{step.number}. {step.activity}"),
        (_("Time standard"), standard_text(step.time.text)),
        (_("Due"), when(case.step_due_at)),
        (_("Category"), case.category.name),
        (_("Channel"), case.get_channel_display()),
    ]


def case_arrived(case, user, *, language: str | None = None) -> Outgoing:
    language = _official_language(user, language)
    step = case.sop.step(case.current_step)
    with translation.override(language):
        letter = Letter(
            subject=_("New case at your desk: %(code)s, step %(step)s")
            % {"code": case.tracking_code, "step": step.number},
            greeting=_official_greeting(user),
            paragraphs=[
                _("Case %(code)s “%(subject)s” now waits for %(position)s at step %(step)s.")
                % {
                    "code": case.tracking_code,
                    "subject": case.subject,
                    "position": case.position_name,
                    "step": step.number,
                }
            ],
            facts=_case_facts(case, step),
            link_label=_("Open the case"),
            link=site_link(reverse("desk:case", args=[case.tracking_code])),
        )
        return render(letter, kind=Kind.CASE_ARRIVED, to=user.email, language=language)


def clarification_arrived(case, clarification, user, *, language: str | None = None) -> Outgoing:
    language = _official_language(user, language)
    step = case.sop.step(case.current_step)
    with translation.override(language):
        letter = Letter(
            subject=_("The customer clarifies case %(code)s") % {"code": case.tracking_code},
            greeting=_official_greeting(user),
            paragraphs=[
                _("The customer added a clarification to case %(code)s “%(subject)s”:")
                % {"code": case.tracking_code, "subject": case.subject},
                clarification.text,
            ],
            facts=_case_facts(case, step),
            link_label=_("Open the case"),
            link=site_link(reverse("desk:case", args=[case.tracking_code])),
        )
        return render(letter, kind=Kind.CLARIFICATION, to=user.email, language=language)


def report_arrived(report, user, *, language: str | None = None) -> Outgoing:
    language = _official_language(user, language)
    sop = current_sop()
    with translation.override(language):
        position = sop.positions.get(report.position)
        letter = Letter(
            subject=_("A report from %(position)s waits for your receipt")
            % {"position": position.name if position else report.position},
            greeting=_official_greeting(user),
            paragraphs=[
                _(
                    "%(author)s (%(position)s) has reported answered cases to you. Receive the "
                    "report to complete every case in it."
                )
                % {
                    "author": report.author_name,
                    "position": position.name if position else report.position,
                }
            ],
            facts=[(_("Report"), f"#{report.pk}"), (_("Sent at"), when(report.created_at))],
            link_label=_("Open the report"),
            link=site_link(reverse("desk:report_detail", args=[report.public_id])),
        )
        return render(letter, kind=Kind.REPORT_ARRIVED, to=user.email, language=language)


def deadline_warning(
    warning, case, user, *, as_superior: bool, language: str | None = None
) -> Outgoing:
    language = _official_language(user, language)
    sop = case.sop
    step = sop.step(warning.step)
    with translation.override(language):
        position = sop.positions.get(warning.position)
        values = {
            "code": case.tracking_code,
            "subject": case.subject,
            "step": step.number,
            "position": position.name if position else warning.position,
            "due": when(warning.due_at),
        }
        if as_superior:
            kind = Kind.OVERDUE_SUPERIOR
            subject = _("Overdue at %(position)s: %(code)s, step %(step)s") % values
            paragraphs = [
                _(
                    "As superior of %(position)s you are told that case %(code)s “%(subject)s” "
                    "has passed its time standard at step %(step)s: it was due %(due)s."
                )
                % values
            ]
        elif warning.level == warning.Level.OVERDUE:
            kind = Kind.OVERDUE
            subject = _("Overdue: %(code)s, step %(step)s") % values
            paragraphs = [
                _(
                    "Case %(code)s “%(subject)s” has passed its time standard at step %(step)s: "
                    "it was due %(due)s. Your superior has been told as well."
                )
                % values
                if warning.superior_position
                else _(
                    "Case %(code)s “%(subject)s” has passed its time standard at step %(step)s: "
                    "it was due %(due)s."
                )
                % values
            ]
        else:
            kind = Kind.DUE_SOON
            subject = _("Due soon: %(code)s, step %(step)s") % values
            paragraphs = [
                _(
                    "Case %(code)s “%(subject)s” has used most of its time at step %(step)s: it is "
                    "due %(due)s."
                )
                % values
            ]
        facts = _case_facts(case, step)
        facts[3] = (_("Due"), when(warning.due_at))
        letter = Letter(
            subject=subject,
            greeting=_official_greeting(user),
            paragraphs=paragraphs,
            facts=[(_("Waiting for"), values["position"]), *facts],
            link_label=_("Open the case"),
            link=site_link(reverse("desk:case", args=[case.tracking_code])),
        )
        return render(letter, kind=kind, to=user.email, language=language)


def daily_digest(user, rows, total: int, *, language: str | None = None) -> Outgoing:
    """`rows`: (case, mark) pairs, the most urgent first; `total`: how many wait in all."""
    language = _official_language(user, language)
    with translation.override(language):
        table = [
            (
                case.tracking_code,
                case.subject,
                str(case.current_step),
                when(case.step_due_at),
                str(DUE_MARK_LABELS[mark]),
                site_link(reverse("desk:case", args=[case.tracking_code])),
            )
            for case, mark in rows
        ]
        overdue = sum(1 for _case, mark in rows if mark == "overdue")
        paragraphs = [
            ngettext(
                "%(n)s case waits for you today, the most urgent first:",
                "%(n)s cases wait for you today, the most urgent first:",
                total,
            )
            % {"n": total}
        ]
        if overdue:
            paragraphs.append(
                ngettext("%(n)s of them is overdue.", "%(n)s of them are overdue.", overdue)
                % {"n": overdue}
            )
        letter = Letter(
            subject=ngettext(
                "What waits for you today: %(n)s case",
                "What waits for you today: %(n)s cases",
                total,
            )
            % {"n": total},
            greeting=_official_greeting(user),
            paragraphs=paragraphs,
            rows=table,
            more=(
                _("…and %(n)s more in your inbox.") % {"n": total - len(rows)}
                if total > len(rows)
                else ""
            ),
            link_label=_("Open your inbox"),
            link=site_link(reverse("desk:inbox")),
        )
        return render(letter, kind=Kind.DAILY_DIGEST, to=user.email, language=language)


# ---------------------------------------------------------------------------------------------
# An official's own account


def password_link(user, token: str, *, new_account: bool = False) -> Outgoing:
    """The link to choose a password: a forgotten one, or a new account's first. The token
    (PasswordResetTokenGenerator) works once and for PASSWORD_RESET_TIMEOUT; the kind is
    secret, so the body is blanked once the message has left."""
    language = _official_language(user, None)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    minutes = max(1, settings.PASSWORD_RESET_TIMEOUT // 60)
    values = {"username": user.get_username(), "minutes": minutes}
    with translation.override(language):
        if new_account:
            subject = _("Your Aspirasi account: choose your password")
            first = _(
                "The faculty office has made you an account on Aspirasi, the faculty's "
                "complaint system, with the user name %(username)s. Open the link below to "
                "choose your password."
            )
        else:
            subject = _("Choose a new password for Aspirasi")
            first = _(
                "Someone asked for a new password for the Aspirasi account %(username)s, which "
                "uses this e-mail address. If it was you, open the link below to choose one. If "
                "it was not, ignore this e-mail: your password stays as it is."
            )
        letter = Letter(
            subject=subject,
            greeting=_official_greeting(user),
            paragraphs=[
                first % values,
                ngettext(
                    "The link works once, for %(minutes)s minute. Once it has run out, ask for "
                    "a new one with “Forgot your password?” on the sign-in page.",
                    "The link works once, for %(minutes)s minutes. Once it has run out, ask for "
                    "a new one with “Forgot your password?” on the sign-in page.",
                    minutes,
                )
                % values,
            ],
            facts=[(_("User name"), user.get_username())],
            link_label=_("Choose a password"),
            link=site_link(reverse("desk:password_set", args=[uid, token])),
        )
        return render(letter, kind=Kind.PASSWORD_LINK, to=user.email, language=language)
