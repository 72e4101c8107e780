"""Accepting attachments: check and clean them before the case is written, store them in the
case's transaction.

A file is first written to a staging folder under its final random name; it moves to its place
only once the transaction that created its row has committed. When the transaction fails, the
staged files are removed (`staging()`), so a failure leaves neither a half-written case nor an
orphan file. A crash between commit and move leaves a staged file whose row exists: the reader
falls back to it and `manage.py sweep_attachments` finishes the move.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aspirasi.cases.choices import Privacy
from aspirasi.cases.models import Aspiration, Response

from . import content
from .content import Kind, Refused
from .models import Attachment


def max_files() -> int:
    return settings.ASPIRASI_ATTACHMENT_MAX_FILES


def max_bytes() -> int:
    return settings.ASPIRASI_ATTACHMENT_MAX_BYTES


def accepted_kinds(privacy: str) -> tuple[Kind, ...]:
    if privacy == Privacy.ANONYMOUS:
        return tuple(k for k in content.KINDS if k.fully_strippable)
    return content.KINDS


def root() -> Path:
    return Path(settings.MEDIA_ROOT) / "attachments"


def staging_dir() -> Path:
    return root() / "staging"


def path_of(stored_name: str) -> Path:
    return root() / stored_name[:2] / stored_name


@dataclass(frozen=True)
class Prepared:
    """A checked and cleaned file, ready to be stored with a case."""

    original_name: str
    kind: Kind
    data: bytes = field(repr=False)


# What a scan of a paper form or a response's file may be: a document anyone can open, whose
# metadata goes entirely.
SCAN_KINDS = (content.PDF, content.JPEG, content.PNG)


def prepare(
    uploads: Iterable, *, privacy: str, kinds: tuple[Kind, ...] | None = None
) -> list[Prepared]:
    """Check each upload by its content and remove its metadata; Refused names the first
    file that cannot be accepted and why. Nothing is written anywhere. `kinds` narrows the
    kinds the case's privacy accepts (e.g. SCAN_KINDS)."""
    uploads = [u for u in uploads if u is not None]
    if len(uploads) > max_files():
        raise Refused(
            ngettext("Send at most %(n)d file.", "Send at most %(n)d files.", max_files())
            % {"n": max_files()}
        )
    narrowed = kinds is not None
    kinds = tuple(k for k in accepted_kinds(privacy) if k in (kinds or content.KINDS))
    prepared = []
    for upload in uploads:
        name = clean_name(getattr(upload, "name", "") or "")
        if upload.size > max_bytes():
            raise Refused(
                _("%(name)s is larger than %(limit)s.")
                % {"name": name, "limit": filesizeformat(max_bytes())}
            )
        if upload.size == 0:
            raise Refused(_("%(name)s is empty.") % {"name": name})
        data = b"".join(upload.chunks())
        if len(data) > max_bytes():  # the declared size is the client's word
            raise Refused(
                _("%(name)s is larger than %(limit)s.")
                % {"name": name, "limit": filesizeformat(max_bytes())}
            )
        kind = content.sniff(data)
        if kind is None or kind not in kinds:
            if narrowed and kinds == SCAN_KINDS:
                raise Refused(
                    _(
                        "%(name)s is not a PDF, JPG or PNG file (checked by its content, "
                        "not its name)."
                    )
                    % {"name": name}
                )
            raise Refused(_type_refusal(name, privacy, kind))
        try:
            cleaned = content.strip(data, kind)
        except Refused as exc:
            raise Refused(f"{name}: {exc.message}") from None
        prepared.append(Prepared("" if privacy == Privacy.ANONYMOUS else name, kind, cleaned))
    return prepared


def _type_refusal(name: str, privacy: str, kind: Kind | None) -> str:
    if kind is not None and privacy == Privacy.ANONYMOUS:
        return _(
            "%(name)s: an anonymous aspiration accepts only PDF, JPG and PNG files, whose "
            "hidden author details can be removed completely."
        ) % {"name": name}
    return _(
        "%(name)s is not a PDF, JPG, PNG, DOCX or XLSX file (checked by its content, not its name)."
    ) % {"name": name}


def clean_name(name: str) -> str:
    """The file's own name without any folder, control character or excess length."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C"
    )
    name = name.strip().strip(".") or "lampiran"
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:140] + dot + ext[:9]) if dot else name[:150]
    return name


class Staging:
    """The files written for one transaction, removed again unless it commits."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def write(self, data: bytes) -> str:
        stored_name = secrets.token_hex(16)
        folder = staging_dir()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / stored_name
        # Named before writing: a write that fails half-way (a full disk) leaves a partial
        # file, which discard() must remove too.
        self.names.append(stored_name)
        with open(target, "xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        return stored_name

    def discard(self) -> None:
        for stored_name in self.names:
            (staging_dir() / stored_name).unlink(missing_ok=True)
        self.names.clear()


@contextmanager
def staging() -> Iterator[Staging]:
    """Wrap the transaction that stores attachments: on any failure (including at commit) the
    staged files are removed.

        with staging() as stage, transaction.atomic():
            case = submit_aspiration(...).aspiration
            attach(case, prepared, stage=stage)
    """
    stage = Staging()
    try:
        yield stage
    except BaseException:
        stage.discard()
        raise


def attach(
    case: Aspiration,
    prepared: list[Prepared],
    *,
    stage: Staging,
    now: dt.datetime | None = None,
    kind: str = Attachment.Kind.SENT,
    response: Response | None = None,
) -> list[Attachment]:
    """Store checked files with a case, inside the transaction that writes the case (or the
    response, which a response's file is linked to)."""
    if not prepared:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("attach() must run inside the transaction that writes the case")
    now = now or timezone.now()
    rows = []
    for item in prepared:
        stored_name = stage.write(item.data)
        rows.append(
            Attachment.objects.create(
                aspiration=case,
                kind=Attachment.Kind.RESPONSE if response is not None else kind,
                response=response,
                stored_name=stored_name,
                original_name=item.original_name,
                content_type=item.kind.content_type,
                extension=item.kind.extension,
                size=len(item.data),
                sha256=hashlib.sha256(item.data).hexdigest(),
                uploaded_at=now,
            )
        )
    names = [row.stored_name for row in rows]
    transaction.on_commit(lambda: publish(names), robust=True)
    return rows


def publish(stored_names: Iterable[str]) -> None:
    """Move committed files from the staging folder to their place."""
    for stored_name in stored_names:
        source = staging_dir() / stored_name
        if source.exists():
            target = path_of(stored_name)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)


def open_stored(attachment: Attachment):
    """The stored file, opened for reading (from staging if its move has not happened yet)."""
    for candidate in (path_of(attachment.stored_name), staging_dir() / attachment.stored_name):
        try:
            return open(candidate, "rb")
        except FileNotFoundError:
            continue
    raise FileNotFoundError(attachment.stored_name)


def sweep(older_than: dt.timedelta = dt.timedelta(hours=1)) -> tuple[int, int]:
    """Finish moves a crash interrupted and remove staged files no row refers to.

    Only files older than `older_than` are looked at, so a transaction still running is never
    disturbed. Returns (moved, removed)."""
    folder = staging_dir()
    if not folder.exists():
        return 0, 0
    cutoff = timezone.now().timestamp() - older_than.total_seconds()
    stale = [p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime < cutoff]
    known = set(
        Attachment.objects.filter(stored_name__in=[p.name for p in stale]).values_list(
            "stored_name", flat=True
        )
    )
    moved = removed = 0
    for path in stale:
        if path.name in known:
            publish([path.name])
            moved += 1
        else:
            path.unlink(missing_ok=True)
            removed += 1
    return moved, removed
