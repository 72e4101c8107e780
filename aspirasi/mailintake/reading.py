"""Reading one raw e-mail into what the intake needs, whatever state the message is in.

Nothing here raises on a bad message: a header that cannot be decoded, a charset nobody knows, a
broken MIME tree or a message with no header at all each give what could be read, and a note of
what went wrong. The raw bytes are kept by the caller, so nothing read here is the only copy.

The parser is the standard library's with the compat32 policy: it never parses a header until
asked and then returns it as text, where the newer policy can raise on odd addresses. Headers
and bodies are decoded by hand, charset by charset, so one bad part spoils only itself.
"""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import dataclass, field
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MESSAGE_ID_RE = re.compile(r"<[^<>\s]+>")
# The customer's text is capped like the web form's; the whole message is in the raw copy.
MAX_TEXT = 10_000
_SURROGATES = re.compile("[\ud800-\udfff]")
# RFC 5322 obsolete syntax: white space between a header's name and its colon ("From  : x").
_OBS_HEADER = re.compile(rb"^([!-9;-~]+)[ \t]+:", re.MULTILINE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# Mail programs label text with a charset and then use its larger Windows or national superset.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "iso-8859-8-i": "iso-8859-8",
}
# A lone address in a From header that is not RFC 5322 ("Big Bug bb@bug.com").
_BARE_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class ReadMail:
    """What one message says, decoded; `notes` lists what could not be read cleanly."""

    sha256: str
    fingerprint: str
    message_id: str
    sender: str  # a valid address, lower case, or "" when the message gives none
    sender_name: str
    from_header: str
    subject: str
    text: str
    attachments: tuple[str, ...]
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    content_type: str
    report_type: str
    headers: dict[str, list[str]] = field(repr=False)
    notes: tuple[str, ...] = ()

    def header(self, name: str) -> str:
        values = self.headers.get(name.lower())
        return values[0] if values else ""


def read_message(raw: bytes) -> ReadMail:
    notes: list[str] = []
    message = email.message_from_bytes(_normalise(raw))
    defects = sorted({type(d).__name__ for part in message.walk() for d in part.defects})
    if defects:
        notes.append("MIME defects: " + ", ".join(defects))

    headers: dict[str, list[str]] = {}
    for name, value in message.items():
        headers.setdefault(name.strip().lower(), []).append(_header_text(value, notes))

    def first(name: str) -> str:
        values = headers.get(name)
        return values[0] if values else ""

    message_id = _first_message_id(first("message-id"))
    from_header = first("from")
    sender, sender_name = _address(from_header)
    if from_header and not sender:
        notes.append(f"no usable address in From: {from_header[:200]}")

    text_parts: list[str] = []
    attachments: list[str] = []
    try:
        _collect(message, text_parts, attachments, notes)
    except Exception as exc:  # a MIME tree too broken to walk: keep what was read so far
        notes.append(f"body partly unreadable: {type(exc).__name__}")
    text = clean("\n\n".join(t for t in text_parts if t.strip())).strip()
    if len(text) > MAX_TEXT:
        notes.append(f"text cut at {MAX_TEXT} of {len(text)} characters")
        text = text[:MAX_TEXT]

    return ReadMail(
        sha256=hashlib.sha256(raw).hexdigest(),
        fingerprint=fingerprint(raw, message_id, headers),
        message_id=message_id,
        sender=sender,
        sender_name=sender_name,
        from_header=from_header[:500],
        subject=_one_line(first("subject")),
        text=text,
        attachments=tuple(attachments),
        in_reply_to=tuple(MESSAGE_ID_RE.findall(first("in-reply-to"))),
        references=tuple(MESSAGE_ID_RE.findall(" ".join(headers.get("references", [])))),
        content_type=message.get_content_type(),
        report_type=(_param(message, "report-type") or "").lower(),
        headers=headers,
        notes=tuple(notes),
    )


def fingerprint(raw: bytes, message_id: str, headers: dict[str, list[str]]) -> str:
    """The same message delivered twice has the same fingerprint.

    A redelivery through another route (the pipe, then the IMAP mailbox) adds trace headers, so
    with a Message-ID the fingerprint is that ID, the headers that say who wrote it and how its
    body is to be read, and the body's bytes; without one it is the whole message.
    """
    if not message_id:
        return hashlib.sha256(b"raw\0" + raw).hexdigest()
    parts = _HEADER_END.split(raw, maxsplit=1)
    body = parts[1] if len(parts) == 2 else b""
    origin = [message_id] + [
        " ".join(" ".join(headers.get(name, [])).split()).lower()
        for name in ("from", "content-type", "content-transfer-encoding")
    ]
    return hashlib.sha256("\0".join(origin).encode("utf-8", "replace") + b"\0" + body).hexdigest()


def clean(text: str) -> str:
    """Text any database accepts: no NUL, no lone surrogates."""
    return _SURROGATES.sub("\ufffd", text.replace("\x00", ""))


def decode_bytes(data: bytes, charset: str | None, notes: list[str], where: str) -> str:
    """The declared charset first, then UTF-8, then the declared one with replacement
    characters (Windows-1252 when none is declared or it is unknown): a wrong or unknown charset
    costs some letters, never the text."""
    declared = (charset or "").strip().strip('"').lower()
    declared = _SUPERSETS.get(declared, declared)
    for candidate in (declared, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeError, ValueError):
            continue
    for candidate in (declared, "cp1252"):
        if not candidate:
            continue
        try:
            text = data.decode(candidate, errors="replace")
        except (LookupError, UnicodeError, ValueError):
            continue
        notes.append(f"{where}: not valid {declared or 'utf-8'}, read as {candidate}")
        return text
    return data.decode("latin-1")


def _normalise(raw: bytes) -> bytes:
    """What the parser is given (the raw copy stays as it came): no blank lines before the
    headers, and obsolete "Name  :" headers written "Name:", so neither ends the header early."""
    data = raw.lstrip(b" \t\r\n")
    parts = _HEADER_END.split(data, maxsplit=1)
    head = _OBS_HEADER.sub(rb"\1:", parts[0])
    if len(parts) == 1:
        return head
    separator = data[len(parts[0]) : len(data) - len(parts[1])]
    return head + separator + parts[1]


def _header_text(value, notes: list[str]) -> str:
    """A header's text: RFC 2047 words decoded, raw 8-bit bytes read as UTF-8 or Latin-1."""
    try:
        chunks = decode_header(value)
    except Exception:
        chunks = [(str(value), None)]
    out = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8", "surrogateescape")
        if charset == "unknown-8bit":
            charset = None
        out.append(decode_bytes(chunk, charset, notes, "header"))
    return clean("".join(out))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _first_message_id(value: str) -> str:
    found = MESSAGE_ID_RE.search(value)
    ident = found.group(0) if found else _one_line(value)
    return ident[:250]


def _address(from_header: str) -> tuple[str, str]:
    try:
        pairs = getaddresses([from_header])
    except Exception:
        pairs = []
    for name, address in pairs:
        address = address.strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            continue
        if len(address) <= 254:
            return address, _one_line(name)[:120]
    bare = _BARE_ADDRESS.findall(from_header)
    if len(bare) == 1:
        address = bare[0].lower()
        try:
            validate_email(address)
        except ValidationError:
            return "", ""
        name = _one_line(from_header.replace(bare[0], "").strip(' <>"'))
        return address, name[:120]
    return "", ""


def _param(message: Message, name: str) -> str:
    try:
        value = message.get_param(name)
    except Exception:
        return ""
    if isinstance(value, tuple):  # RFC 2231 (charset, language, text)
        value = value[2]
    return str(value or "")


def _part_header(part: Message, name: str) -> str:
    value = part.get(name)
    return _header_text(value, []) if value is not None else ""


def _filename(part: Message) -> str:
    """The attachment's name, read like a header (raw 8-bit names stay readable)."""
    name = ""
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        text = _part_header(part, header)
        if not text:
            continue
        probe = Message()
        probe[header] = text
        try:
            name = probe.get_param(param, header=header) or ""
        except Exception:
            name = ""
        if isinstance(name, tuple):  # RFC 2231
            name = email.utils.collapse_rfc2231_value(name)
        if name:
            break
    if name and "=?" in name:
        name = _header_text(name, [])
    return _one_line(clean(str(name)))[:200] or part.get_content_type()


def _is_attachment(part: Message) -> bool:
    disposition = _part_header(part, "content-disposition").split(";")[0].strip().lower()
    return disposition == "attachment"


def _collect(part: Message, texts: list[str], attachments: list[str], notes: list[str]) -> None:
    """The readable text of a MIME tree, in reading order, and the names of what is attached.

    multipart/alternative gives its best version (plain text before HTML); multipart/related
    gives its root; every other multipart gives each inline part in turn (Apple Mail splits the
    text around inline pictures). A forwarded message (message/rfc822) gives its own text under
    a heading; any other part is listed as an attachment.
    """
    ctype = part.get_content_type()
    if ctype == "message/rfc822" and part.is_multipart():
        for inner in part.get_payload():
            texts.append(_forwarded_heading(inner))
            _collect(inner, texts, attachments, notes)
        return
    if ctype.startswith("multipart/") and not part.is_multipart():
        # No boundary found: the parser left the whole body as text; read it as such.
        notes.append(f"{ctype} without its parts; read as text")
        ctype = "text/plain"
    elif part.is_multipart():
        children = part.get_payload()
        if not isinstance(children, list):
            return
        if ctype == "multipart/alternative":
            best = _best_alternative(children)
            if best is not None:
                _collect(best, texts, attachments, notes)
            return
        if ctype == "multipart/related" and children:
            _collect(children[0], texts, attachments, notes)
            for child in children[1:]:
                if _is_attachment(child):
                    attachments.append(_filename(child))
            return
        for child in children:
            _collect(child, texts, attachments, notes)
        return
    if ctype in ("text/plain", "text/html") and not _is_attachment(part):
        try:
            payload = part.get_payload(decode=True)
        except Exception:
            payload = part.get_payload()
        if not isinstance(payload, bytes):
            payload = str(payload or "").encode("utf-8", "surrogateescape")
        charset = _param(part, "charset")
        text = decode_bytes(payload, charset, notes, ctype)
        texts.append(html_to_text(text) if ctype == "text/html" else text)
        return
    if ctype.startswith("message/"):
        attachments.append(ctype)
        return
    attachments.append(_filename(part))


def _forwarded_heading(inner: Message) -> str:
    lines = ["---------- Forwarded message ----------"]
    for name in ("From", "Date", "Subject"):
        value = _one_line(_part_header(inner, name))
        if value:
            lines.append(f"{name}: {value[:200]}")
    return "\n".join(lines)


def _best_alternative(children: list) -> Message | None:
    for wanted in ("text/plain", "text/html"):
        for child in children:
            if child.get_content_type() == wanted:
                return child
    for child in children:
        if child.is_multipart():
            return child
    return children[0] if children else None


class _TextOfHtml(HTMLParser):
    BLOCKS = frozenset(
        {"address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "h1", "h2"}
        | {"h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section", "table"}
        | {"tr", "ul"}
    )
    SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(data)


def html_to_text(html: str) -> str:
    """The words of an HTML body, one block a line; scripts, styles and tags dropped."""
    parser = _TextOfHtml()
    try:
        parser.feed(html)
        parser.close()
    except Exception:
        return re.sub(r"<[^>]*>", " ", html)
    lines = (" ".join(line.split()) for line in "".join(parser.out).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
