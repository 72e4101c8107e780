"""Attachments are recognised by what they contain, and lose the metadata that could name their
author before anything is stored (issue 4, point 2)."""

import io
import zipfile

import pytest
from PIL import Image
from pypdf import PdfReader

from aspirasi.attachments import content
from aspirasi.attachments.content import Refused
from tests.public.helpers import (
    AUTHOR,
    DOCM_MAIN,
    docx_with_author,
    jpeg_with_gps,
    pdf_with_author,
    png_with_text,
)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (jpeg_with_gps(), content.JPEG),
        (png_with_text(), content.PNG),
        (pdf_with_author(), content.PDF),
        (docx_with_author(), content.DOCX),
    ],
)
def test_a_file_is_known_by_its_content(data, kind):
    assert content.sniff(data) == kind


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00 an executable",
        b"GIF89a not accepted",
        b"",
        docx_with_author(main_type=DOCM_MAIN),
        b"PK\x03\x04 not really a zip",
    ],
    ids=["html", "exe", "gif", "empty", "macro-docm", "broken-zip"],
)
def test_anything_else_is_not_recognised_whatever_it_is_called(data):
    assert content.sniff(data) is None


def test_a_photo_loses_its_gps_position_author_and_xmp_but_keeps_its_picture():
    original = jpeg_with_gps(size=(64, 48))
    assert AUTHOR.encode() in original

    cleaned = content.strip(original, content.JPEG)

    assert AUTHOR.encode() not in cleaned
    assert b"KameraHP" not in cleaned
    image = Image.open(io.BytesIO(cleaned))
    assert image.format == "JPEG"
    assert image.size == (64, 48)
    assert not image.getexif()
    assert image.getexif().get_ifd(0x8825) == {}
    assert "xmp" not in image.info and "exif" not in image.info and "comment" not in image.info


def test_a_sideways_photo_is_turned_upright_before_its_orientation_tag_goes():
    cleaned = content.strip(jpeg_with_gps(size=(64, 48), orientation=6), content.JPEG)

    assert Image.open(io.BytesIO(cleaned)).size == (48, 64)


def test_a_png_loses_its_text_and_exif_chunks_and_keeps_transparency():
    cleaned = content.strip(png_with_text(), content.PNG)

    assert AUTHOR.encode() not in cleaned
    image = Image.open(io.BytesIO(cleaned))
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0)) == (0, 80, 160, 128)
    assert not image.text
    assert not image.getexif()


def test_a_pdf_loses_document_info_xmp_and_annotation_authors():
    original = pdf_with_author()
    assert AUTHOR.encode() in original

    cleaned = content.strip(original, content.PDF)

    assert AUTHOR.encode() not in cleaned
    reader = PdfReader(io.BytesIO(cleaned))
    assert reader.metadata is None or not dict(reader.metadata)
    assert "/Metadata" not in reader.trailer["/Root"]
    assert "/Metadata" not in reader.pages[0]
    assert len(reader.pages) == 1
    note = reader.pages[0]["/Annots"][0].get_object()
    assert note["/Contents"] == "Catatan"  # the note itself stays; only its author goes
    assert "/T" not in note


def test_a_docx_loses_its_document_properties():
    cleaned = content.strip(docx_with_author(), content.DOCX)

    assert AUTHOR.encode() not in cleaned
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        assert archive.read("word/document.xml") == b"<w:document>Isi laporan</w:document>"
        assert b"PT Contoh" not in archive.read("docProps/app.xml")
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())


def test_only_kinds_whose_metadata_goes_entirely_are_for_anonymous_cases():
    assert {k.code for k in content.KINDS if k.fully_strippable} == {"pdf", "jpeg", "png"}


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\xff\xd8\xff\xe0 truncated jpeg", content.JPEG),
        (b"\x89PNG\r\n\x1a\n broken", content.PNG),
        (b"%PDF-1.7 nothing else", content.PDF),
    ],
)
def test_a_damaged_file_of_a_known_kind_is_refused_with_a_reason(data, kind):
    with pytest.raises(Refused) as refused:
        content.strip(data, kind)
    assert refused.value.message


def test_an_image_too_large_to_decode_safely_is_refused(monkeypatch):
    monkeypatch.setattr(content, "MAX_PIXELS", 100)
    with pytest.raises(Refused):
        content.strip(jpeg_with_gps(size=(20, 20)), content.JPEG)


def test_a_password_protected_pdf_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("kunci")
    out = io.BytesIO()
    writer.write(out)

    with pytest.raises(Refused):
        content.strip(out.getvalue(), content.PDF)
