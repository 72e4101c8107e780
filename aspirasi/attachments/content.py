"""What a file really is, and the same file without the metadata that could name its author.

Plain functions on bytes, no Django. A file's type is decided by its content (magic bytes, then a
full parse), never by its name or the type the browser claims. Accepted:

- PDF (`%PDF-`, parsed by pypdf, not encrypted): document info, XMP at every level, markup
  annotations' authors and embedded files are removed. Anonymous cases: yes.
- JPEG (`FF D8 FF`, decoded by Pillow): everything but the pixels goes (EXIF with GPS, camera and
  owner; XMP; comments; ICC), after the EXIF orientation is applied. Anonymous cases: yes.
- PNG (`89 50 4E 47 0D 0A 1A 0A`, decoded by Pillow): every ancillary chunk but transparency
  goes (text, EXIF, XMP, ICC). Anonymous cases: yes.
- DOCX and XLSX (a zip whose main part is a Word document or a workbook, not macro-enabled):
  the document properties (core, app, custom) are emptied and the zip's dates reset. Anonymous
  cases: no, because comments and tracked changes keep their authors' names.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# An image larger than this is refused before its pixels are decoded (a "decompression bomb").
MAX_PIXELS = 40_000_000
# A zip document may not unpack to more than this, nor hold more entries.
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
# PDF objects visited when removing metadata; a larger document is refused rather than half done.
MAX_PDF_OBJECTS = 200_000


class Refused(Exception):
    """The file cannot be accepted; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Kind:
    code: str
    content_type: str
    extension: str
    # Whether every piece of identifying metadata can be removed: only such kinds are accepted
    # on an anonymous case.
    fully_strippable: bool


PDF = Kind("pdf", "application/pdf", "pdf", True)
JPEG = Kind("jpeg", "image/jpeg", "jpg", True)
PNG = Kind("png", "image/png", "png", True)
DOCX = Kind(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    False,
)
XLSX = Kind(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
    False,
)
KINDS = (PDF, JPEG, PNG, DOCX, XLSX)

_ZIP_MAIN_PARTS = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}


def sniff(data: bytes) -> Kind | None:
    """The kind the content says it is, from its first bytes (zip documents by their parts)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def strip(data: bytes, kind: Kind) -> bytes:
    """The file re-written without its metadata; Refused when it cannot be read as its kind."""
    if kind in (JPEG, PNG):
        return _strip_image(data, kind)
    if kind == PDF:
        return _strip_pdf(data)
    if kind in _ZIP_MAIN_PARTS:
        return _strip_office(data, kind)
    raise Refused(_("This type of file is not accepted."))


# ---------------------------------------------------------------------------------------------
# Images: keep the pixels, drop everything else


def _strip_image(data: bytes, kind: Kind) -> bytes:
    unreadable = _("The image cannot be read; it may be damaged.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ({"JPEG", "MPO"} if kind == JPEG else {"PNG"}):
                raise Refused(unreadable)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise Refused(_("The image is too large (at most 40 megapixels)."))
            image.load()
            # The orientation lives in EXIF, which is removed: apply it to the pixels first.
            upright = ImageOps.exif_transpose(image) if kind == JPEG else image
            clean = upright.copy()
    except Refused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise Refused(unreadable) from None
    transparency = clean.info.get("transparency")
    clean.info = {}
    out = io.BytesIO()
    if kind == JPEG:
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, format="JPEG", quality=90, optimize=True)
    else:
        options = {"optimize": True}
        if transparency is not None:
            options["transparency"] = transparency
        clean.save(out, format="PNG", **options)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# PDF: document info, XMP anywhere, annotation authors, embedded files


def _strip_pdf(data: bytes) -> bytes:
    unreadable = _("The PDF cannot be read; it may be damaged.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Refused(_("The PDF is protected with a password; send it without one."))
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        root = writer.root_object
        names = root.get("/Names")
        if names is not None:
            names.get_object().pop(NameObject("/EmbeddedFiles"), None)
        root.pop(NameObject("/AF"), None)
        _drop_metadata(root)
        # Objects no longer referenced (the XMP streams just unlinked) would still be written.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except Refused:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise Refused(unreadable) from None
    return out.getvalue()


_MARKUP_KEYS = (NameObject("/T"), NameObject("/Popup"))


def _drop_metadata(root) -> None:
    """Walk every object reachable from the catalogue and remove XMP streams and markup
    annotations' author fields (form fields keep their /T: there it is the field's name)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                continue
            seen.add(obj.idnum)
            if len(seen) > MAX_PDF_OBJECTS:
                raise Refused(_("The PDF is too complex to be checked."))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            obj.pop(NameObject("/Metadata"), None)
            obj.pop(NameObject("/PieceInfo"), None)
            is_annotation = obj.get("/Type") == "/Annot" or ("/Subtype" in obj and "/Rect" in obj)
            if is_annotation and obj.get("/Subtype") not in ("/Widget", "/Link"):
                for key in _MARKUP_KEYS:
                    obj.pop(key, None)
            for key, value in list(obj.items()):
                if key == "/Parent":
                    continue
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


# ---------------------------------------------------------------------------------------------
# Office Open XML (zip) documents


_CORE_EMPTY = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:dcterms="http://purl.org/dc/terms/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
_APP_EMPTY = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"/>'
)
_CUSTOM_EMPTY = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'custom-properties"/>'
)
_PROPERTY_PARTS = {
    "docProps/core.xml": _CORE_EMPTY,
    "docProps/app.xml": _APP_EMPTY,
    "docProps/custom.xml": _CUSTOM_EMPTY,
}


def _zip_kind(data: bytes) -> Kind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return None
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1_000_000:
                return None
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError):
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None  # macro-enabled, whatever its content types say
    for kind, main_type in _ZIP_MAIN_PARTS.items():
        if re.search(r'ContentType="' + re.escape(main_type) + '"', types):
            return kind
    return None


def _strip_office(data: bytes, kind: Kind) -> bytes:
    unreadable = _("The document cannot be read; it may be damaged.")
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            entries = source.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > (
                MAX_UNZIPPED_BYTES
            ):
                raise Refused(_("The document is too large when unpacked."))
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
                for entry in entries:
                    if entry.is_dir():
                        continue
                    content = _PROPERTY_PARTS.get(entry.filename)
                    if content is None:
                        content = source.read(entry)
                    # A fixed timestamp: the zip's own dates say when the author saved it.
                    info = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    target.writestr(info, content)
    except Refused:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, EOFError):
        raise Refused(unreadable) from None
    return out.getvalue()
