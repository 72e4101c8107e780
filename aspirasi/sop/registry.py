"""The SOP in force, loaded once at start-up (see CasesConfig.ready)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from .definition import Sop, load_sop

DEFAULT_SOP_FILE = Path(__file__).with_name("sp54.toml")


@cache
def current_sop() -> Sop:
    return load_sop(getattr(settings, "ASPIRASI_SOP_FILE", None) or DEFAULT_SOP_FILE)
