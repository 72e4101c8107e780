"""Files and fixtures the customer-side tests share: real images, PDFs and Office documents
that carry the metadata a whistle-blower would not want kept, built here so nothing is fetched."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

# What the sender's software wrote into the files: none of it may be stored.
AUTHOR = "Siti Rahma Wulandari"
GPS_LATITUDE = (0.0, 30.0, 15.0)  # Samarinda, roughly


def jpeg_with_gps(size=(64, 48), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = AUTHOR  # Artist
    exif[0x010F] = "KameraHP"  # Make
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"
    gps[2] = GPS_LATITUDE
    gps[3] = "E"
    gps[4] = (117.0, 9.0, 0.0)
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=exif.tobytes(),
        xmp=f"<x:xmpmeta><dc:creator>{AUTHOR}</dc:creator></x:xmpmeta>".encode(),
        comment=AUTHOR.encode(),
    )
    return out.getvalue()


def png_with_text(size=(32, 32)) -> bytes:
    info = PngInfo()
    info.add_text("Author", AUTHOR)
    info.add_itxt("Comment", f"dibuat oleh {AUTHOR}")
    exif = Image.Exif()
    exif[0x013B] = AUTHOR
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 80, 160, 128)).save(out, "PNG", pnginfo=info, exif=exif.tobytes())
    return out.getvalue()


def pdf_with_author(text_annotation: bool = True) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": AUTHOR, "/Title": "Laporan", "/Creator": "Word"})
    xmp = StreamObject()
    xmp.set_data(f"<x:xmpmeta><dc:creator>{AUTHOR}</dc:creator></x:xmpmeta>".encode())
    xmp.update(
        {NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")}
    )
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    page_xmp = StreamObject()
    page_xmp.set_data(f"<x:xmpmeta>{AUTHOR}</x:xmpmeta>".encode())
    page[NameObject("/Metadata")] = writer._add_object(page_xmp)
    if text_annotation:
        note = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Text"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 30, 30)]),
                NameObject("/T"): TextStringObject(AUTHOR),
                NameObject("/Contents"): TextStringObject("Catatan"),
            }
        )
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(note)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def docx_with_author(main_type: str = DOCX_MAIN) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" '
            f'ContentType="{main_type}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document>Isi laporan</w:document>")
        archive.writestr(
            "docProps/core.xml",
            f"<cp:coreProperties><dc:creator>{AUTHOR}</dc:creator>"
            f"<cp:lastModifiedBy>{AUTHOR}</cp:lastModifiedBy></cp:coreProperties>",
        )
        archive.writestr(
            "docProps/app.xml", "<Properties><Company>PT Contoh</Company></Properties>"
        )
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def files_under(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def media(settings, tmp_path):
    """A MEDIA_ROOT of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_limits():
    """Rate-limit counters start empty (transactional tests do not roll the cache table back)."""
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


SUBMIT_URL = "/kirim/"


@pytest.fixture
def client(client):
    """The test client as a browser uses the public form: it has loaded the form (and so holds
    its one-time key) before sending it, and follows the redirect to the receipt."""
    post = client.post

    def post_like_a_browser(path, data=None, *args, **kwargs):
        if path == SUBMIT_URL and isinstance(data, dict) and "once" not in data:
            page = client.get(SUBMIT_URL).content.decode()
            data = {**data, "once": re.search(r'name="once" value="([^"]+)"', page)[1]}
        if path == SUBMIT_URL or path.endswith("/tindak-lanjut/"):
            kwargs.setdefault("follow", True)
        return post(path, data, *args, **kwargs)

    client.post = post_like_a_browser
    return client
