import pytest

from aspirasi.sop.registry import forget
from tests.factories import PERSONAS, make_official, make_user


@pytest.fixture
def officials(db):
    """One holder per position, plus an outsider who holds nothing."""
    people = {name: make_official(name, position) for name, position in PERSONAS.items()}
    people["outsider"] = make_user("outsider")
    return people


@pytest.fixture(autouse=True)
def _fresh_sop_revisions():
    """Each test reads the SOP revisions of its own database (rolled back after each test)."""
    forget()
    yield
    forget()
