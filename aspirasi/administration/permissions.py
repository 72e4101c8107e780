"""Who runs the office screens: the Django superuser, and whoever holds (or acts for) a
position whose SOP role keeps the office settings (aspirasi/officials/capabilities.py)."""

from __future__ import annotations

from aspirasi.officials.capabilities import may_keep_office
from aspirasi.web.access import requiring

# Signed in (else to the login page) and an office admin (else 403).
administration_required = requiring(lambda request: may_keep_office(request.user))
