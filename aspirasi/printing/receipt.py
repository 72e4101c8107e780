"""The receipt slip for a customer at the counter, after the clerk has entered their aspiration
(step 2): the tracking code, when it arrived, and a QR code of the secret link.

Only the secret's hash is stored, so the slip can be made only while the secret is known: right
after intake (see handoff.py). The key is also printed as text, for a customer without a camera
phone; the lookup page asks for exactly the code and the key. The full link is carried only by
the QR code: as text it would be a long line nobody types.
"""

from __future__ import annotations

import io

import segno
from django.utils.translation import gettext as _

from aspirasi.cases.models import Aspiration

from .document import FONT, MONO_FONT, Document, moment

QR_SIZE_MM = 48
A5 = (148, 210)  # mm; fpdf2's own "A5" name warns about a change of its dimensions


def qr_png(link: str) -> io.BytesIO:
    image = io.BytesIO()
    segno.make(link, error="m", micro=False).save(image, kind="png", scale=8, border=4)
    image.seek(0)
    return image


def receipt_pdf(
    case: Aspiration, *, link: str, lookup_url: str, secret: str, received_by: str
) -> bytes:
    sop = case.sop
    footer = f"{sop.number} · {case.tracking_code}"
    pdf = Document(
        title=_("Receipt %(code)s") % {"code": case.tracking_code},
        footer=footer,
        page_format=A5,
        mono=True,
    )
    pdf.set_margins(12, 10, 12)
    pdf.add_page()
    pdf.letterhead(sop, size=9)
    pdf.title_block(_("Receipt of an aspiration"))
    pdf.fields(
        [
            (_("Tracking code"), case.tracking_code),
            (_("Arrived"), moment(case.arrived_at)),
            (_("Channel"), case.get_channel_display()),
            (_("Subject"), case.subject),
            (_("Received by"), received_by),
        ],
        label_width=32,
    )
    pdf.ln(2)
    x = (pdf.w - QR_SIZE_MM) / 2
    pdf.image(qr_png(link), x=x, w=QR_SIZE_MM, h=QR_SIZE_MM)
    pdf.ln(2)
    pdf.set_font(FONT, size=9)
    pdf.multi_cell(
        0,
        4.5,
        _("Scan this QR code to follow your aspiration and read the responses."),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.multi_cell(
        0,
        4.5,
        _("No camera? Open %(lookup)s and enter the tracking code and this secret key:")
        % {"lookup": lookup_url},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(MONO_FONT, size=10)
    pdf.multi_cell(0, 6, secret, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "B", 8)
    pdf.multi_cell(
        0,
        4,
        _(
            "Keep this slip safe: whoever holds it can open your aspiration. The faculty keeps "
            "no copy of the key and cannot print this slip again."
        ),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return pdf.to_bytes()
