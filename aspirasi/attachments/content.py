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
  the document properties (core, app, custom) are emptied, the zip's dates reset, and the people
  in it (authors of comments and tracked changes, Word's people list, Excel's persons, shared
  workbook user names, the folder it was saved in, custom XML data) become pseudonyms or go; see
  _OfficeCleaner. Anonymous cases: no, because tracked changes keep deleted text and the
  document text itself may name its author.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import unescape as xml_unescape

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
            entries = [e for e in source.infolist() if not e.is_dir()]
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > (
                MAX_UNZIPPED_BYTES
            ):
                raise Refused(_("The document is too large when unpacked."))
            if len({e.filename for e in entries}) != len(entries):
                raise Refused(unreadable)  # two parts of one name: which one a reader takes varies
            parts = {entry.filename: source.read(entry) for entry in entries}
        cleaned = _OfficeCleaner(parts).cleaned()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
            for entry in entries:
                # A fixed timestamp: the zip's own dates say when the author saved it.
                info = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, cleaned[entry.filename])
    except Refused:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, EOFError):
        raise Refused(unreadable) from None
    return out.getvalue()


# Who wrote a comment or a tracked change is kept as a numbered pseudonym, the same one for the
# same person everywhere in the file, so a thread of comments still reads as a conversation.
PSEUDONYM = "Penulis %d"
PSEUDONYM_INITIALS = "P%d"

_P = r"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix
_VALUE = r"(?:\"([^\"]*)\"|'([^']*)')"


def _attribute(local_name: str) -> re.Pattern:
    return re.compile(r"(\s" + _P + local_name + r"\s*=\s*)" + _VALUE)


_AUTHOR_ATTR = _attribute("author")
_INITIALS_ATTR = _attribute("initials")
_DISPLAY_NAME_ATTR = _attribute("displayName")
_USER_NAME_ATTR = _attribute("userName")
_NAME_ATTR = _attribute("name")
_PERSON_IDS_ATTR = re.compile(r"\s" + _P + r"(?:userId|providerId)\s*=\s*" + _VALUE)
_START_TAG = re.compile(r"<(?![?!/])[^<>]*>")
_AUTHOR_ELEMENT = re.compile(r"(<" + _P + r"author>)([^<]*)(</" + _P + r"author>)")
_PRESENCE_INFO = re.compile(
    r"<(" + _P + r")presenceInfo\b(?:[^<>]*/>|[^<>]*>.*?</\1presenceInfo>)", re.S
)
_ABS_PATH_BLOCK = re.compile(
    r"<(" + _P + r")AlternateContent\b[^<>]*>\s*<\1Choice\b[^<>]*>\s*"
    r"<" + _P + r"absPath\b[^<>]*/>\s*</\1Choice>\s*</\1AlternateContent>"
)
_ABS_PATH_URL = re.compile(r"(<" + _P + r"absPath\b[^<>]*?\surl\s*=\s*)" + _VALUE)
_TEXT = re.compile(r">([^<]+)<")
_RELATIONSHIP = re.compile(r"<(?:" + _P + r")Relationship\b[^<>]*>")
_TARGET_ATTR = _attribute("Target")
_STORE_ITEM_ID = re.compile(r"storeItemID\s*=\s*[\"']\{?([0-9A-Fa-f-]+)\}?[\"']")
_ITEM_ID = re.compile(r"itemID\s*=\s*[\"']\{?([0-9A-Fa-f-]+)\}?[\"']")
_CUSTOM_ITEM = re.compile(r"customXml/item(\d+)\.xml")
_ROOT_ELEMENT = re.compile(r"<(?![?!])([A-Za-z_][\w.:-]*)((?:\s[^<>]*?)?)\s*/?>")
_BIBLIOGRAPHY_NS = "http://schemas.openxmlformats.org/officeDocument/2006/bibliography"


def _value(match: re.Match) -> str:
    """The unescaped value of an attribute matched by _attribute()."""
    raw = match.group(2) if match.group(2) is not None else match.group(3)
    return xml_unescape(raw, {"&quot;": '"', "&apos;": "'"})


def _is_comment_part(name: str) -> bool:
    base = name.rsplit("/", 1)[-1].lower()
    return base.startswith(("comments", "threadedcomment"))


class _OfficeCleaner:
    """Office Open XML parts with their authors' identities replaced or removed.

    Beyond the document properties: the authors (and initials) of comments and tracked changes
    in every Word part, Word's list of people (word/people.xml: names kept as pseudonyms, their
    account ids dropped), Excel's persons of threaded comments (xl/persons/), the authors of
    legacy Excel comments, the user names of shared-workbook revisions and file reservations,
    the folder the workbook was saved in (x15ac:absPath), a template's or linked file's local
    path, e-mail links of comment mentions, and custom XML data (customXml/, e.g. SharePoint
    properties with user names) that no content control of the document shows. The names are
    also replaced wherever they appear in comment text ("Budi: ..." in Excel, @-mentions).
    The text of the document itself is never changed. Parts are rewritten by patterns on their
    text, so namespace prefixes and everything else stay as the author's software wrote them.
    """

    def __init__(self, parts: dict[str, bytes]):
        self.parts = parts
        self.names: dict[str, int] = {}

    # -- names ----------------------------------------------------------------------------

    def alias(self, name: str) -> int:
        return self.names.setdefault(name.strip(), len(self.names) + 1)

    def pseudonym(self, name: str) -> str:
        if not name.strip() or self._is_pseudonym(name):
            return name
        return PSEUDONYM % self.alias(name)

    def _is_pseudonym(self, value: str) -> bool:
        match = re.fullmatch(PSEUDONYM.replace("%d", r"(\d+)"), value)
        return match is not None and 0 < int(match.group(1)) <= len(self.names)

    def cleaned(self) -> dict[str, bytes]:
        texts: dict[str, tuple[str, str]] = {}
        for name, data in self.parts.items():
            if self._handles(name):
                texts[name] = _decode(data)
        # First every name, in the order they appear, so the pseudonyms do not depend on which
        # part happens to be rewritten first.
        for name, (text, _encoding) in texts.items():
            self._collect(name, text)
        bound = self._bound_custom_items(texts)
        result = {}
        for name, data in self.parts.items():
            property_part = _PROPERTY_PARTS.get(name)
            if property_part is not None:
                result[name] = property_part
            elif name in texts:
                text, encoding = texts[name]
                new = self._rewrite(name, text, bound)
                result[name] = data if new == text else new.encode(encoding)
            else:
                result[name] = data
        return result

    @staticmethod
    def _handles(name: str) -> bool:
        lower = name.lower()
        if not lower.endswith((".xml", ".rels", ".vml")):
            return False
        return lower.startswith(("word/", "xl/", "customxml/")) or lower == "_rels/.rels"

    def _collect(self, name: str, text: str) -> None:
        lower = name.lower()
        if lower.startswith("word/"):
            for match in _AUTHOR_ATTR.finditer(text):
                if _value(match).strip():
                    self.alias(_value(match))
        elif lower.startswith("xl/"):
            for pattern in (_AUTHOR_ATTR, _DISPLAY_NAME_ATTR, _USER_NAME_ATTR):
                for match in pattern.finditer(text):
                    if _value(match).strip():
                        self.alias(_value(match))
            if lower == _XL_USER_NAMES:
                for match in _NAME_ATTR.finditer(text):
                    if _value(match).strip():
                        self.alias(_value(match))
            for match in _AUTHOR_ELEMENT.finditer(text):
                author = xml_unescape(match.group(2))
                if author.strip():
                    self.alias(author)

    # -- rewriting --------------------------------------------------------------------------

    def _rewrite(self, name: str, text: str, bound: set[str]) -> str:
        lower = name.lower()
        if lower.endswith(".rels"):
            return self._rewrite_relationships(name, text)
        if lower.startswith("customxml/"):
            match = _CUSTOM_ITEM.fullmatch(name)
            if match and match.group(1) not in bound and _BIBLIOGRAPHY_NS not in text:
                return _emptied(text)
            return text
        if lower.startswith("word/"):
            text = _START_TAG.sub(self._rewrite_word_tag, text)
            # Anything the tag pattern missed (a ">" inside a value) still loses its author.
            text = self._replace_attr(_AUTHOR_ATTR, text)
            if lower.endswith("/people.xml"):  # also a glossary's
                text = _PRESENCE_INFO.sub("", text)
        elif lower.startswith("xl/"):
            text = self._replace_attr(_AUTHOR_ATTR, text)
            text = self._replace_attr(_USER_NAME_ATTR, text)
            if lower.startswith("xl/persons/"):
                text = self._replace_attr(_DISPLAY_NAME_ATTR, text)
                text = _PERSON_IDS_ATTR.sub("", text)
            if lower == _XL_USER_NAMES:
                text = self._replace_attr(_NAME_ATTR, text)
            text = _AUTHOR_ELEMENT.sub(
                lambda m: m.group(1) + self.pseudonym(xml_unescape(m.group(2))) + m.group(3),
                text,
            )
            text = _ABS_PATH_BLOCK.sub("", text)
            text = _ABS_PATH_URL.sub(lambda m: m.group(1) + '""', text)
        if _is_comment_part(name) and self.names:
            text = _TEXT.sub(lambda m: ">" + self._replace_names(m.group(1)) + "<", text)
        return text

    def _rewrite_word_tag(self, match: re.Match) -> str:
        tag = match.group(0)
        author = _AUTHOR_ATTR.search(tag)
        if author is None:
            return tag
        name = _value(author)
        if not name.strip():
            return tag
        number = self.alias(name)
        tag = _AUTHOR_ATTR.sub(lambda m: m.group(1) + f'"{PSEUDONYM % number}"', tag)
        return _INITIALS_ATTR.sub(lambda m: m.group(1) + f'"{PSEUDONYM_INITIALS % number}"', tag)

    def _replace_attr(self, pattern: re.Pattern, text: str) -> str:
        return pattern.sub(
            lambda m: m.group(1) + '"' + xml_escape(self.pseudonym(_value(m)), _QUOTE) + '"',
            text,
        )

    def _replace_names(self, segment: str) -> str:
        for name in sorted(self.names, key=len, reverse=True):
            if len(name) < 3:
                continue  # too short to tell from an ordinary word
            segment = segment.replace(xml_escape(name), PSEUDONYM % self.names[name])
        return segment

    def _rewrite_relationships(self, name: str, text: str) -> str:
        comments = _is_comment_part(name.rsplit("/", 1)[-1].removesuffix(".rels"))

        def relationship(match: re.Match) -> str:
            tag = match.group(0)
            target_match = _TARGET_ATTR.search(tag)
            if target_match is None or not re.search(r"TargetMode\s*=\s*[\"']External", tag):
                return tag
            target = _value(target_match)
            if comments and target.lower().startswith("mailto:"):
                target = "mailto:"
            elif _is_local_path(target):
                target = re.split(r"[\\/]", target.rstrip("\\/"))[-1]
            else:
                return tag
            return _TARGET_ATTR.sub(
                lambda m: m.group(1) + '"' + xml_escape(target, _QUOTE) + '"', tag, count=1
            )

        return _RELATIONSHIP.sub(relationship, text)

    def _bound_custom_items(self, texts: dict[str, tuple[str, str]]) -> set[str]:
        """The numbers of customXml items a content control of the document shows: their data
        is the document's visible text, which stays."""
        bound_ids = set()
        for name, (text, _encoding) in texts.items():
            if name.lower().startswith(("word/", "xl/")):
                bound_ids.update(i.lower() for i in _STORE_ITEM_ID.findall(text))
        bound = set()
        for name, (text, _encoding) in texts.items():
            match = re.fullmatch(r"customXml/itemProps(\d+)\.xml", name)
            if match and any(i.lower() in bound_ids for i in _ITEM_ID.findall(text)):
                bound.add(self._item_of_props(match.group(1), texts))
        return bound

    @staticmethod
    def _item_of_props(number: str, texts: dict[str, tuple[str, str]]) -> str:
        """The item whose properties customXml/itemProps<number>.xml are (by its relationship;
        the same number when there is none)."""
        for name, (text, _encoding) in texts.items():
            match = re.fullmatch(r"customXml/_rels/item(\d+)\.xml\.rels", name)
            if match and re.search(rf"itemProps{number}\.xml[\"']", text):
                return match.group(1)
        return number


_QUOTE = {'"': "&quot;"}
_XL_USER_NAMES = "xl/revisions/usernames.xml"


def _is_local_path(target: str) -> bool:
    lower = target.lower()
    return (
        lower.startswith("file:")
        or re.match(r"^[a-z]:[\\/]", lower) is not None
        or lower.startswith("\\\\")
    )


def _emptied(text: str) -> str:
    """The part reduced to its root element, empty (its namespaces kept)."""
    match = _ROOT_ELEMENT.search(text)
    if match is None:
        return text
    declaration = text[: match.start()] if text.lstrip().startswith("<?xml") else ""
    if declaration:
        declaration = declaration[: declaration.index("?>") + 2] + "\n"
    return f"{declaration}<{match.group(1)}{match.group(2)}/>"


def _decode(data: bytes) -> tuple[str, str]:
    """The part's text and the encoding to write it back in."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data.decode("utf-8-sig"), "utf-8-sig"
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        raise Refused(_("The document cannot be read; it may be damaged.")) from None
