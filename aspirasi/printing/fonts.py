"""The Unicode font the printed documents embed.

Indonesian names carry letters beyond Latin-1 (and customers write what they like), so the PDFs
embed a TrueType font instead of the PDF core fonts. The font comes from the operating system
(Debian's fonts-dejavu-core, installed by scripts/install-system-packages.sh); none is kept in
the repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import checks

DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# style -> file: "" regular, "B" bold; MONO for the receipt's key. Each face costs a tenth of a
# second per document to load, so the documents keep to these.
FACES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
}
MONO = "DejaVuSansMono.ttf"


class FontsMissing(RuntimeError):
    """The font files are not where the documents expect them; the message says how to fix it."""


@dataclass(frozen=True)
class FontFiles:
    faces: dict[str, Path]
    mono: Path


def font_dir() -> Path:
    return Path(getattr(settings, "ASPIRASI_PDF_FONT_DIR", None) or DEFAULT_FONT_DIR)


def font_files() -> FontFiles:
    directory = font_dir()
    faces = {style: directory / name for style, name in FACES.items()}
    mono = directory / MONO
    missing = [p.name for p in [*faces.values(), mono] if not p.is_file()]
    if missing:
        raise FontsMissing(
            f"PDF font file(s) {', '.join(missing)} not found in {directory}: install the Debian "
            "package fonts-dejavu-core (bash scripts/install-system-packages.sh) or point "
            "ASPIRASI_PDF_FONT_DIR at a directory holding the DejaVu TrueType fonts"
        )
    return FontFiles(faces, mono)


def check_fonts(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check` says early what printing would otherwise say only when someone prints."""
    try:
        font_files()
    except FontsMissing as exc:
        return [checks.Warning(str(exc), id="printing.W001")]
    return []
