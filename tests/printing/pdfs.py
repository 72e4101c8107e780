"""Reading the printed documents back: real PDFs, read with pypdf."""

from __future__ import annotations

import io
import re

import pypdf
from django.utils import translation

from aspirasi.printing.document import moment


def read(data: bytes) -> pypdf.PdfReader:
    assert data.startswith(b"%PDF-"), data[:20]
    return pypdf.PdfReader(io.BytesIO(data))


def text_of(data: bytes) -> str:
    """The document's text with every run of white space made one space: cells and paragraphs
    wrap wherever their width says, the words stay in order."""
    raw = "\n".join(page.extract_text() for page in read(data).pages)
    return re.sub(r"\s+", " ", raw)


def served_pdf(response, filename: str) -> str:
    """The text of a PDF served as the views promise to serve it."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    return text_of(response.content)


def indonesian(msgid: str) -> str:
    """The Indonesian text of one of our messages; fails when it has not been translated."""
    with translation.override("id"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Indonesian translation for {msgid!r}"
    return text


def when(value) -> str:
    with translation.override("id"):
        return moment(value)
