"""Reading one raw e-mail into what the intake needs, whatever state the message is in.

Nothing here raises on a bad message: a header that cannot be decoded, a charset nobody knows, a
broken MIME tree or a message with no header at all each give what could be read, and a note of
what went wrong. The raw bytes are kept by the caller, so nothing read here is the only copy.

The parser is the standard library's with the compat32 policy: it never parses a header until
asked and then returns it as text, where the newer policy can raise on odd addresses. Headers
and bodies are decoded by hand, charset by charset, so one bad part spoils only itself.
"""

from __future__ import annotations

import codecs
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
# How much of the text parts, as written, is searched for links (a quoted tracking link).
MAX_LINK_TEXT = 1_000_000
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
# Labels that say nothing about the bytes: 8-bit text "in US-ASCII" is a guess to be made.
_NO_CHARSET = frozenset(
    {"", "us-ascii", "ascii", "unknown-8bit", "unknown", "x-unknown", "default"}
)
# A lone address in a From header that is not RFC 5322 ("Big Bug bb@bug.com").
_BARE_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# What says who wrote the message and what it is; everything else in a header may be added or
# changed on the way (Received, Return-Path, Delivered-To, X-Original-To, spam scores, IMAP
# flags...), so a message without a Message-ID is recognised by these and its body.
_IDENTITY_HEADERS = (
    "from",
    "sender",
    "to",
    "cc",
    "subject",
    "date",
    "in-reply-to",
    "references",
    "content-type",
    "content-transfer-encoding",
)
# An mbox delivery quotes body lines that start with "From " (mboxrd); read back, they differ.
_MBOX_QUOTED = re.compile(rb"^>(>*From )", re.MULTILINE)


@dataclass(frozen=True)
class MailFile:
    """A part of the message that is not its text: what the sender attached."""

    name: str
    content_type: str
    data: bytes = field(repr=False)


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
    files: tuple[MailFile, ...]
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    content_type: str
    report_type: str
    headers: dict[str, list[str]] = field(repr=False)
    notes: tuple[str, ...] = ()
    # The content type of every part, the message itself first (a DSN may hide in a mixed one).
    part_types: tuple[str, ...] = ()
    # The text parts as written (HTML with its tags), where a quoted link is looked for.
    link_text: str = field(default="", repr=False)

    def header(self, name: str) -> str:
        values = self.headers.get(name.lower())
        return values[0] if values else ""


@dataclass
class _Walk:
    """What walking the MIME tree gathers."""

    notes: list[str]
    texts: list[str] = field(default_factory=list)
    files: list[MailFile] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


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

    walk = _Walk(notes)
    try:
        _collect(message, walk)
    except Exception as exc:  # a MIME tree too broken to walk: keep what was read so far
        notes.append(f"body partly unreadable: {type(exc).__name__}")
    text = clean("\n\n".join(t for t in walk.texts if t.strip())).strip()
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
        files=tuple(walk.files),
        in_reply_to=tuple(MESSAGE_ID_RE.findall(first("in-reply-to"))),
        references=tuple(MESSAGE_ID_RE.findall(" ".join(headers.get("references", [])))),
        content_type=message.get_content_type(),
        report_type=(_param(message, "report-type") or "").lower(),
        headers=headers,
        notes=tuple(notes),
        part_types=_part_types(message),
        link_text=clean("\n".join(walk.sources))[:MAX_LINK_TEXT],
    )


def fingerprint(raw: bytes, message_id: str, headers: dict[str, list[str]]) -> str:
    """The same message delivered twice has the same fingerprint, whatever way it came.

    A redelivery through another route (the pipe, then the IMAP mailbox) adds or changes trace
    headers and may store the lines with CRLF instead of LF ends. So the fingerprint is the
    body with its line ends made alike, and the headers that say what the message is: with a
    Message-ID that ID, who wrote it and how its body is to be read; without one, the author,
    recipients, subject, date and threading too (a person who sends the same text twice sends
    it at another moment).
    """
    if message_id:
        names: tuple[str, ...] = ("from", "content-type", "content-transfer-encoding")
        origin = [message_id]
    else:
        names, origin = _IDENTITY_HEADERS, ["no-id"]
    origin += [f"{name}:{_header_value(headers, name)}" for name in names]
    digest = hashlib.sha256("\0".join(origin).encode("utf-8", "replace"))
    digest.update(b"\0" + _canonical_body(raw))
    return digest.hexdigest()


def _header_value(headers: dict[str, list[str]], name: str) -> str:
    return " ".join(" ".join(headers.get(name, [])).split()).lower()


def _canonical_body(raw: bytes) -> bytes:
    """The body as every route keeps it: LF line ends, no trailing blanks on a line or at the
    end, mbox quoting undone."""
    data = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").lstrip(b" \t\n")
    parts = data.split(b"\n\n", 1)
    body = parts[1] if len(parts) == 2 else b""
    body = _MBOX_QUOTED.sub(rb"\1", body)
    return b"\n".join(line.rstrip(b" \t") for line in body.split(b"\n")).rstrip(b"\n")


def _part_types(message: Message) -> tuple[str, ...]:
    """The content types of the message's parts, not looking into a forwarded message: a bounce
    a person forwards is theirs to tell us about."""
    found = [message.get_content_type()]
    try:
        if found[0] != "message/rfc822" and message.is_multipart():
            for child in message.get_payload():
                found.extend(_part_types(child))
    except Exception:  # a tree too broken to walk: what was found so far
        pass
    return tuple(found)


def clean(text: str) -> str:
    """Text any database accepts: no NUL, no lone surrogates."""
    return _SURROGATES.sub("\ufffd", text.replace("\x00", ""))


def decode_bytes(data: bytes, charset: str | None, notes: list[str], where: str) -> str:
    """The declared charset first, then UTF-8. Bytes that are neither were written by a Windows
    or Western program that labelled them wrongly or not at all (US-ASCII, UTF-8, nothing, a
    name nobody knows): read as Windows-1252, else Latin-1, which read every byte as a letter.
    A known national charset that does not fit is read as itself with replacement characters,
    which keeps far more of the text than a Western guess would. Never fails."""
    declared = (charset or "").strip().strip('"').lower()
    declared = _SUPERSETS.get(declared, declared)
    label = "" if declared in _NO_CHARSET else declared
    for candidate in (label, "utf-8"):
        if candidate and _decodes(data, candidate):
            return data.decode(candidate)
    if label and _codec(label) not in ("", "utf-8"):
        notes.append(f"{where}: not valid {label}, read as {label} with replacements")
        return data.decode(label, errors="replace")
    guess = "cp1252" if _decodes(data, "cp1252") else "latin-1"
    notes.append(f"{where}: not valid {declared or 'utf-8'}, read as {guess}")
    return data.decode(guess)


def _decodes(data: bytes, charset: str) -> bool:
    try:
        data.decode(charset)
    except (LookupError, UnicodeError, ValueError):
        return False
    return True


def _codec(charset: str) -> str:
    """The text codec's own name ("utf-8" for "UTF8"), or "" for no such text codec."""
    try:
        b"".decode(charset)  # refuses codecs that are no text encoding (base64, zlib...)
        return codecs.lookup(charset).name
    except LookupError:
        return ""


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


def _collect(part: Message, walk: _Walk) -> None:
    """The readable text of a MIME tree, in reading order, and what is attached to it.

    multipart/alternative gives its best version (plain text before HTML); multipart/related
    gives its root; every other multipart gives each inline part in turn (Apple Mail splits the
    text around inline pictures). A forwarded message (message/rfc822) gives its own text under
    a heading; any other part is a file. Every text part, as written, is kept for the links in it.
    """
    ctype = part.get_content_type()
    if ctype == "message/rfc822" and part.is_multipart():
        for inner in part.get_payload():
            walk.texts.append(_forwarded_heading(inner))
            _collect(inner, walk)
        return
    if ctype.startswith("multipart/") and not part.is_multipart():
        # No boundary found: the parser left the whole body as text; read it as such.
        walk.notes.append(f"{ctype} without its parts; read as text")
        ctype = "text/plain"
    elif part.is_multipart():
        children = part.get_payload()
        if not isinstance(children, list):
            return
        if ctype == "multipart/alternative":
            _collect_alternative(children, walk)
            return
        if ctype == "multipart/related" and children:
            _collect(children[0], walk)
            for child in children[1:]:
                if _is_attachment(child):
                    walk.files.append(_file(child))
            return
        for child in children:
            _collect(child, walk)
        return
    if ctype in ("text/plain", "text/html") and not _is_attachment(part):
        text = _text_of(part, ctype, walk.notes)
        walk.sources.append(text)
        walk.texts.append(html_to_text(text) if ctype == "text/html" else text)
        return
    if ctype.startswith("message/"):
        walk.files.append(MailFile(ctype, ctype, _payload(part)))
        return
    walk.files.append(_file(part))


def _collect_alternative(children: list, walk: _Walk) -> None:
    best = _best_alternative(children)
    if best is not None:
        _collect(best, walk)
    for child in children:
        # The other versions say the same; their links are still looked at (an HTML reply
        # may quote a link only in an href).
        ctype = child.get_content_type()
        if child is not best and ctype in ("text/plain", "text/html"):
            walk.sources.append(_text_of(child, ctype, []))


def _text_of(part: Message, ctype: str, notes: list[str]) -> str:
    return decode_bytes(_payload(part), _param(part, "charset"), notes, ctype)


def _payload(part: Message) -> bytes:
    """The part's bytes, its transfer encoding undone; as much as can be had of a broken one."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = part.get_payload()
    if payload is None:
        payload = part.get_payload()
    if isinstance(payload, list):  # a message/* part the parser read as messages
        return b"\n".join(_as_bytes(inner) for inner in payload)
    if not isinstance(payload, bytes):
        payload = str(payload or "").encode("utf-8", "surrogateescape")
    return payload


def _as_bytes(message) -> bytes:
    try:
        return message.as_bytes()
    except Exception:
        return str(message).encode("utf-8", "surrogateescape")


def _file(part: Message) -> MailFile:
    return MailFile(_filename(part), part.get_content_type(), _payload(part))


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
